package org.volltrack.btrackmate.features;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TrackMate's track features (trackmate.md §5.3) except TRACK_INDEX / TRACK_ID, which depend on track names
 * and IDs and are set by {@link FeatureCalculator}: branching counts, duration, displacement, mean location,
 * speed statistics (median = sorted[n/2], std with n − 1), mean quality and the motility features.
 */
public final class TrackFeatureCalculator {

    /** Keys produced, in declaration order. */
    public static final String[] KEYS = {"NUMBER_SPOTS", "NUMBER_GAPS", "NUMBER_SPLITS", "NUMBER_MERGES",
        "NUMBER_COMPLEX", "LONGEST_GAP", "TRACK_DURATION", "TRACK_START", "TRACK_STOP", "TRACK_DISPLACEMENT",
        "TRACK_X_LOCATION", "TRACK_Y_LOCATION", "TRACK_Z_LOCATION", "TRACK_MEAN_SPEED", "TRACK_MAX_SPEED",
        "TRACK_MIN_SPEED", "TRACK_MEDIAN_SPEED", "TRACK_STD_SPEED", "TRACK_MEAN_QUALITY",
        "TOTAL_DISTANCE_TRAVELED", "MAX_DISTANCE_TRAVELED", "CONFINEMENT_RATIO", "MEAN_STRAIGHT_LINE_SPEED",
        "LINEARITY_OF_FORWARD_PROGRESSION", "MEAN_DIRECTIONAL_CHANGE_RATE"};

    private TrackFeatureCalculator() {
    }

    /**
     * @param g the track graph
     * @param edgeFeatures the output of {@link EdgeFeatureCalculator#compute(TrackGraphData)}
     * @return feature key → value per track index
     */
    public static Map<String, double[]> compute(TrackGraphData g, Map<String, double[]> edgeFeatures) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String key : KEYS) {
            out.put(key, new double[g.nTracks()]);
        }
        int[] start = new int[g.nTracks() + 1];
        for (int e = 0; e < g.nEdges(); e++) {
            start[g.edgeTrack[e] + 1]++;
        }
        for (int k = 0; k < g.nTracks(); k++) {
            start[k + 1] += start[k];
        }
        int[] edges = new int[g.nEdges()];
        int[] fill = Arrays.copyOf(start, g.nTracks());
        for (int e = 0; e < g.nEdges(); e++) {
            edges[fill[g.edgeTrack[e]]++] = e;
        }
        int[] seen = new int[g.nSpots()];
        Arrays.fill(seen, -1);
        for (int k = 0; k < g.nTracks(); k++) {
            int[] trackEdges = Arrays.copyOfRange(edges, start[k], start[k + 1]);
            int[] spots = hashSetOrder(g, spotsOf(g, trackEdges, seen, k));
            computeTrack(g, edgeFeatures, k, trackEdges, spots, out);
        }
        return out;
    }

    private static int[] spotsOf(TrackGraphData g, int[] trackEdges, int[] seen, int track) {
        int[] spots = new int[2 * trackEdges.length];
        int n = 0;
        for (int e : trackEdges) {
            for (int s : new int[] {g.source[e], g.target[e]}) {
                if (seen[s] != track) {
                    seen[s] = track;
                    spots[n++] = s;
                }
            }
        }
        return Arrays.copyOf(spots, n);
    }

    /**
     * Orders a track's spots as TrackMate iterates its {@code Set<Spot>}: a {@link java.util.HashSet} whose
     * spot hash code is the spot ID, grown from the default capacity; ties within a bucket by ID. The first /
     * last spot in time (TRACK_DISPLACEMENT) and the summation order of the means depend on this order.
     */
    static int[] hashSetOrder(TrackGraphData g, int[] spots) {
        int capacity = 16;
        while (spots.length > capacity * 3 / 4) {
            capacity *= 2;
        }
        long[] keys = new long[spots.length];
        for (int i = 0; i < spots.length; i++) {
            int h = g.ids[spots[i]];
            long bucket = (h ^ (h >>> 16)) & (capacity - 1);
            keys[i] = (bucket << 32) | (g.ids[spots[i]] - (long) Integer.MIN_VALUE);
        }
        Integer[] order = new Integer[spots.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        int[] out = new int[spots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = spots[order[i]];
        }
        return out;
    }

    private static void computeTrack(TrackGraphData g, Map<String, double[]> ef, int k, int[] trackEdges,
            int[] spots, Map<String, double[]> out) {
        branching(g, k, trackEdges, spots, out);
        int first = spots[0];
        int last = spots[0];
        double sx = 0;
        double sy = 0;
        double sz = 0;
        double sq = 0;
        for (int s : spots) {
            if (g.t[s] < g.t[first]) {
                first = s;
            }
            if (g.t[s] > g.t[last]) {
                last = s;
            }
            sx += g.x[s];
            sy += g.y[s];
            sz += g.z[s];
            sq += g.quality[s];
        }
        int n = spots.length;
        double duration = g.t[last] - g.t[first];
        double displacement = g.distance(first, last);
        set(out, "TRACK_DURATION", k, duration);
        set(out, "TRACK_START", k, g.t[first]);
        set(out, "TRACK_STOP", k, g.t[last]);
        set(out, "TRACK_DISPLACEMENT", k, displacement);
        set(out, "TRACK_X_LOCATION", k, sx / n);
        set(out, "TRACK_Y_LOCATION", k, sy / n);
        set(out, "TRACK_Z_LOCATION", k, sz / n);
        set(out, "TRACK_MEAN_QUALITY", k, sq / n);
        double meanSpeed = speedStatistics(ef.get("SPEED"), trackEdges, k, out);
        motility(g, ef, k, trackEdges, first, displacement, duration, meanSpeed, out);
    }

    private static void branching(TrackGraphData g, int k, int[] trackEdges, int[] spots,
            Map<String, double[]> out) {
        int gaps = 0;
        int longest = 0;
        for (int e : trackEdges) {
            int df = Math.abs(g.frames[g.target[e]] - g.frames[g.source[e]]);
            if (df > 1) {
                gaps++;
                longest = Math.max(longest, df - 1);
            }
        }
        int splits = 0;
        int merges = 0;
        int complex = 0;
        for (int s : spots) {
            int earlier = g.nEarlier(s);
            int later = g.nLater(s);
            if (earlier <= 1 && later > 1) {
                splits++;
            } else if (earlier > 1 && later <= 1) {
                merges++;
            } else if (earlier > 1 && later > 1) {
                complex++;
            }
        }
        set(out, "NUMBER_SPOTS", k, spots.length);
        set(out, "NUMBER_GAPS", k, gaps);
        set(out, "LONGEST_GAP", k, longest);
        set(out, "NUMBER_SPLITS", k, splits);
        set(out, "NUMBER_MERGES", k, merges);
        set(out, "NUMBER_COMPLEX", k, complex);
    }

    /** Sets the speed statistics of track k and returns its mean speed. */
    private static double speedStatistics(double[] speed, int[] trackEdges, int k, Map<String, double[]> out) {
        int n = trackEdges.length;
        double[] values = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            values[i] = speed[trackEdges[i]];
            sum += values[i];
        }
        Arrays.sort(values);
        double mean = sum / n;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        set(out, "TRACK_MEAN_SPEED", k, mean);
        set(out, "TRACK_MAX_SPEED", k, values[n - 1]);
        set(out, "TRACK_MIN_SPEED", k, values[0]);
        set(out, "TRACK_MEDIAN_SPEED", k, values[n / 2]);
        set(out, "TRACK_STD_SPEED", k, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN);
        return mean;
    }

    private static void motility(TrackGraphData g, Map<String, double[]> ef, int k, int[] trackEdges, int first,
            double displacement, double duration, double meanSpeed, Map<String, double[]> out) {
        double[] edgeDisplacement = ef.get("DISPLACEMENT");
        double[] rate = ef.get("DIRECTIONAL_CHANGE_RATE");
        double total = 0;
        double maxDistance = 0;
        double rateSum = 0;
        int rateCount = 0;
        for (int e : trackEdges) {
            total += edgeDisplacement[e];
            maxDistance = Math.max(maxDistance, g.distance(first, g.target[e]));
            if (!Double.isNaN(rate[e])) {
                rateSum += rate[e];
                rateCount++;
            }
        }
        double straightLineSpeed = displacement / duration;
        set(out, "TOTAL_DISTANCE_TRAVELED", k, total);
        set(out, "MAX_DISTANCE_TRAVELED", k, maxDistance);
        set(out, "CONFINEMENT_RATIO", k, displacement / total);
        set(out, "MEAN_STRAIGHT_LINE_SPEED", k, straightLineSpeed);
        set(out, "LINEARITY_OF_FORWARD_PROGRESSION", k, straightLineSpeed / meanSpeed);
        set(out, "MEAN_DIRECTIONAL_CHANGE_RATE", k, rateCount == 0 ? Double.NaN : rateSum / rateCount);
    }

    private static void set(Map<String, double[]> out, String key, int track, double value) {
        out.get(key)[track] = value;
    }
}
