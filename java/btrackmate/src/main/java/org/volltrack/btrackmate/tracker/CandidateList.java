package org.volltrack.btrackmate.tracker;

import java.util.Arrays;

/**
 * Candidate (source spot, target spot, cost) triplets of one linking problem, solved as TrackMate does:
 * rows are the distinct sources and columns the distinct targets, both sorted by spot ID, with the Jaqaman
 * block matrix and an alternative cost of {@code factor × percentile(costs)}.
 */
final class CandidateList {

    private final LapEdges candidates = new LapEdges();

    void add(int source, int target, double cost) {
        candidates.add(source, target, cost);
    }

    int size() {
        return candidates.size();
    }

    /**
     * TrackMate's percentile (imglib2 {@code Util.percentile}): the k-th smallest value with
     * {@code k = min(n - 1, max(0, round((n - 1) * p)))}.
     *
     * @param p percentile in [0, 1]
     * @return the percentile of the candidate costs
     */
    double percentile(double p) {
        int size = candidates.size();
        double[] sorted = Arrays.copyOf(candidates.costArray(), size);
        Arrays.sort(sorted);
        int k = (int) Math.min(size - 1, Math.max(0, Math.round((size - 1) * p)));
        return sorted[k];
    }

    /**
     * Solves the linking problem and appends the accepted links.
     *
     * @param spots spot table (for IDs)
     * @param factor ALTERNATIVE_LINKING_COST_FACTOR
     * @param percentile 1 for frame-to-frame linking, CUTOFF_PERCENTILE for the segment step
     * @param out receives the links, in row (source ID) order
     */
    void solveInto(LapSpots spots, double factor, double percentile, LapEdges out) {
        int size = candidates.size();
        if (size == 0) {
            return;
        }
        int[] sources = candidates.sourceArray();
        int[] targets = candidates.targetArray();
        double[] costs = candidates.costArray();
        double alternative = factor * percentile(percentile);
        int[] rowSpots = distinctById(spots, sources);
        int[] colSpots = distinctById(spots, targets);
        int[] rows = new int[size];
        int[] cols = new int[size];
        for (int k = 0; k < size; k++) {
            rows[k] = indexOf(spots, rowSpots, sources[k]);
            cols[k] = indexOf(spots, colSpots, targets[k]);
        }
        int[] links = JaqamanLinker.link(rowSpots.length, colSpots.length, rows, cols, costs, size, alternative);
        double[] chosen = new double[rowSpots.length];
        for (int k = 0; k < size; k++) {
            if (links[rows[k]] == cols[k]) {
                chosen[rows[k]] = costs[k];
            }
        }
        for (int r = 0; r < rowSpots.length; r++) {
            if (links[r] >= 0) {
                out.add(rowSpots[r], colSpots[links[r]], chosen[r]);
            }
        }
    }

    /** @return the distinct spot indices of {@code values}, sorted by spot ID */
    private int[] distinctById(LapSpots spots, int[] values) {
        int size = candidates.size();
        long[] keys = new long[size];
        for (int k = 0; k < size; k++) {
            keys[k] = ((long) spots.ids[values[k]] << 32) | (values[k] & 0xffffffffL);
        }
        Arrays.sort(keys);
        int n = 0;
        int[] out = new int[size];
        for (int k = 0; k < size; k++) {
            if (k == 0 || keys[k] != keys[k - 1]) {
                out[n++] = (int) keys[k];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int indexOf(LapSpots spots, int[] sortedById, int spot) {
        int id = spots.ids[spot];
        int lo = 0;
        int hi = sortedById.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int midId = spots.ids[sortedById[mid]];
            if (midId < id) {
                lo = mid + 1;
            } else if (midId > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        throw new IllegalStateException("spot ID " + id + " missing from its own row/column list");
    }
}
