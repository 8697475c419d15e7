package org.volltrack.btrackmate.util;

/** Stable sort of indices by primitive long keys, without boxing. */
public final class IndexSort {

    private IndexSort() {
    }

    /**
     * @param keys sort keys; only the first {@code count} are used and none is modified
     * @param count number of keys
     * @return indices 0..count-1 ordered by ascending key, ties in index order
     */
    public static int[] byKey(long[] keys, int count) {
        long[] k = java.util.Arrays.copyOf(keys, count);
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        if (count > 1) {
            mergeSort(k, idx, new long[count], new int[count], 0, count);
        }
        return idx;
    }

    private static void mergeSort(long[] k, int[] v, long[] tk, int[] tv, int from, int to) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                long key = k[i];
                int val = v[i];
                int j = i - 1;
                while (j >= from && k[j] > key) {
                    k[j + 1] = k[j];
                    v[j + 1] = v[j];
                    j--;
                }
                k[j + 1] = key;
                v[j + 1] = val;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(k, v, tk, tv, from, mid);
        mergeSort(k, v, tk, tv, mid, to);
        if (k[mid - 1] <= k[mid]) {
            return;
        }
        int a = from;
        int b = mid;
        int o = 0;
        while (a < mid || b < to) {
            if (b >= to || (a < mid && k[a] <= k[b])) {
                tk[o] = k[a];
                tv[o++] = v[a++];
            } else {
                tk[o] = k[b];
                tv[o++] = v[b++];
            }
        }
        System.arraycopy(tk, 0, k, from, o);
        System.arraycopy(tv, 0, v, from, o);
    }
}
