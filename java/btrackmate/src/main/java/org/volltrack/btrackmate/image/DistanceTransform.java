package org.volltrack.btrackmate.image;

/**
 * Exact Euclidean distance transform with anisotropic voxel size (Felzenszwalb–Huttenlocher lower envelope of
 * parabolas, one pass per axis). Gives, for every voxel, the squared physical distance to the nearest voxel
 * where {@code target} is true.
 */
public final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * Squared distances to the nearest target voxel.
     *
     * @param target  flags, index = (z × ny + y) × nx + x
     * @param nz      size along Z
     * @param ny      size along Y
     * @param nx      size along X
     * @param spacing voxel size (dz, dy, dx)
     * @return squared physical distances (+Infinity everywhere when there is no target voxel)
     */
    public static double[] squaredDistances(final boolean[] target, final int nz, final int ny, final int nx,
            final double[] spacing) {
        final double[] d = new double[target.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = target[i] ? 0.0 : Double.POSITIVE_INFINITY;
        }
        final int[] sizes = {nz, ny, nx};
        final int[] strides = {ny * nx, nx, 1};
        for (int axis = 2; axis >= 0; axis--) {
            transformAxis(d, sizes, strides, axis, spacing[axis]);
        }
        return d;
    }

    private static void transformAxis(final double[] d, final int[] sizes, final int[] strides, final int axis,
            final double step) {
        final int n = sizes[axis];
        if (n <= 1) {
            return;
        }
        final double[] f = new double[n];
        final double[] out = new double[n];
        final int[] v = new int[n];
        final double[] boundaries = new double[n + 1];
        final int other1 = axis == 0 ? 1 : 0;
        final int other2 = axis == 2 ? 1 : 2;
        for (int a = 0; a < sizes[other1]; a++) {
            for (int b = 0; b < sizes[other2]; b++) {
                final int base = a * strides[other1] + b * strides[other2];
                for (int i = 0; i < n; i++) {
                    f[i] = d[base + i * strides[axis]];
                }
                lowerEnvelope(f, out, v, boundaries, step);
                for (int i = 0; i < n; i++) {
                    d[base + i * strides[axis]] = out[i];
                }
            }
        }
    }

    /** 1D squared distance transform of sampled function f with sample spacing step. */
    static void lowerEnvelope(final double[] f, final double[] out, final int[] v, final double[] z,
            final double step) {
        final int n = f.length;
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            final double pq = q * step;
            while (k >= 0) {
                final double pv = v[k] * step;
                final double s = ((f[q] + pq * pq) - (f[v[k]] + pv * pv)) / (2 * (pq - pv));
                if (s <= z[k]) {
                    k--;
                } else {
                    break;
                }
            }
            k++;
            v[k] = q;
            if (k == 0) {
                z[k] = Double.NEGATIVE_INFINITY;
            } else {
                final double pv = v[k - 1] * step;
                z[k] = ((f[q] + pq * pq) - (f[v[k - 1]] + pv * pv)) / (2 * (pq - pv));
            }
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            java.util.Arrays.fill(out, Double.POSITIVE_INFINITY);
            return;
        }
        int j = 0;
        for (int q = 0; q < n; q++) {
            final double p = q * step;
            while (z[j + 1] < p) {
                j++;
            }
            final double delta = p - v[j] * step;
            out[q] = delta * delta + f[v[j]];
        }
    }
}
