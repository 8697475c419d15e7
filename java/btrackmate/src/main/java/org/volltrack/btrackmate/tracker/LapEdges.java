package org.volltrack.btrackmate.tracker;

import java.util.Arrays;

/**
 * Growable list of links found by the LAP tracker: source and target spot indices (in {@link LapSpots}
 * order) and the link cost, in the order they were found. {@link SparseCostMatrix.Builder} keeps its
 * (row, column, cost) entries in one too.
 */
public final class LapEdges {

    private int[] sources = new int[16];
    private int[] targets = new int[16];
    private double[] costs = new double[16];
    private int size;

    /**
     * Appends one link.
     *
     * @param source index of the source (earlier) spot
     * @param target index of the target spot
     * @param cost link cost
     */
    void add(int source, int target, double cost) {
        if (size == sources.length) {
            int n = size * 2;
            sources = Arrays.copyOf(sources, n);
            targets = Arrays.copyOf(targets, n);
            costs = Arrays.copyOf(costs, n);
        }
        sources[size] = source;
        targets[size] = target;
        costs[size] = cost;
        size++;
    }

    /**
     * Appends every link of another list.
     *
     * @param other links to append
     */
    void addAll(LapEdges other) {
        for (int k = 0; k < other.size; k++) {
            add(other.sources[k], other.targets[k], other.costs[k]);
        }
    }

    /** @return number of links */
    public int size() {
        return size;
    }

    /**
     * @param k link index
     * @return source spot index
     */
    public int source(int k) {
        return sources[k];
    }

    /**
     * @param k link index
     * @return target spot index
     */
    public int target(int k) {
        return targets[k];
    }

    /**
     * @param k link index
     * @return link cost (TrackMate's LINK_COST)
     */
    public double cost(int k) {
        return costs[k];
    }

    /** @return the backing array of source indices, valid up to {@link #size()} (not a copy) */
    int[] sourceArray() {
        return sources;
    }

    /** @return the backing array of target indices, valid up to {@link #size()} (not a copy) */
    int[] targetArray() {
        return targets;
    }

    /** @return the backing array of costs, valid up to {@link #size()} (not a copy) */
    double[] costArray() {
        return costs;
    }
}
