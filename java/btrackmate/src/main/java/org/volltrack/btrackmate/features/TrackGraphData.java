package org.volltrack.btrackmate.features;

import org.volltrack.btrackmate.model.SpotArrays;

/**
 * Model-free input of the feature calculators: spot values as parallel arrays (the {@link SpotArrays} with
 * POSITION_T and QUALITY), edges as spot-index pairs and the track of each edge.
 *
 * <p>Edges are re-oriented internally so that the source has the lower FRAME (TrackMate's convention; equal
 * frames keep the given order). A track's spots are the endpoints of its edges, as in TrackMate, where a
 * track always has at least one edge.
 */
public final class TrackGraphData extends SpotArrays {

    final double[] t;
    final double[] quality;
    final int[] source;
    final int[] target;
    final int[] edgeTrack;
    final int nTracks;
    /** CSR adjacency: neighbours of spot i are adj[adjStart[i] .. adjStart[i+1]-1]. */
    final int[] adjStart;
    final int[] adj;

    /**
     * @param ids spot ID per spot (TrackMate visits a track's spots in hash-set order, which depends on IDs)
     * @param x POSITION_X per spot
     * @param y POSITION_Y per spot
     * @param z POSITION_Z per spot
     * @param t POSITION_T per spot
     * @param frame FRAME per spot
     * @param quality QUALITY per spot (NaN allowed)
     * @param edgeSource spot index of each edge's one end
     * @param edgeTarget spot index of each edge's other end
     * @param edgeTrack track index (0..nTracks-1) of each edge
     * @param nTracks number of tracks
     * @throws IllegalArgumentException on inconsistent lengths or indices
     */
    public TrackGraphData(int[] ids, double[] x, double[] y, double[] z, double[] t, int[] frame,
            double[] quality, int[] edgeSource, int[] edgeTarget, int[] edgeTrack, int nTracks) {
        super(ids, frame, x, y, z);
        int n = x.length;
        if (t.length != n || quality.length != n) {
            throw new IllegalArgumentException("spot arrays must all have length " + n);
        }
        int m = edgeSource.length;
        if (edgeTarget.length != m || edgeTrack.length != m) {
            throw new IllegalArgumentException("edge arrays must all have length " + m);
        }
        this.t = t;
        this.quality = quality;
        this.source = new int[m];
        this.target = new int[m];
        this.edgeTrack = edgeTrack;
        this.nTracks = nTracks;
        for (int e = 0; e < m; e++) {
            int a = edgeSource[e];
            int b = edgeTarget[e];
            if (a < 0 || a >= n || b < 0 || b >= n || a == b) {
                throw new IllegalArgumentException("edge " + e + " joins invalid spot indices " + a + ", " + b);
            }
            if (edgeTrack[e] < 0 || edgeTrack[e] >= nTracks) {
                throw new IllegalArgumentException("edge " + e + " has track index " + edgeTrack[e]
                        + ", expected 0.." + (nTracks - 1));
            }
            boolean swap = frame[b] < frame[a];
            source[e] = swap ? b : a;
            target[e] = swap ? a : b;
        }
        adjStart = new int[n + 1];
        for (int e = 0; e < m; e++) {
            adjStart[source[e] + 1]++;
            adjStart[target[e] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            adjStart[i + 1] += adjStart[i];
        }
        adj = new int[2 * m];
        int[] fill = java.util.Arrays.copyOf(adjStart, n);
        for (int e = 0; e < m; e++) {
            adj[fill[source[e]]++] = target[e];
            adj[fill[target[e]]++] = source[e];
        }
    }

    /** @return number of edges */
    public int nEdges() {
        return source.length;
    }

    /** @return number of spots */
    public int nSpots() {
        return x.length;
    }

    /** @return number of tracks */
    public int nTracks() {
        return nTracks;
    }

    /** @return number of neighbours of {@code spot} with a lower FRAME */
    int nEarlier(int spot) {
        int c = 0;
        for (int k = adjStart[spot]; k < adjStart[spot + 1]; k++) {
            if (frames[adj[k]] < frames[spot]) {
                c++;
            }
        }
        return c;
    }

    /** @return number of neighbours of {@code spot} with a higher FRAME */
    int nLater(int spot) {
        int c = 0;
        for (int k = adjStart[spot]; k < adjStart[spot + 1]; k++) {
            if (frames[adj[k]] > frames[spot]) {
                c++;
            }
        }
        return c;
    }
}
