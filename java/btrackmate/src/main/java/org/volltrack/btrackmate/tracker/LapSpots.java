package org.volltrack.btrackmate.tracker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.volltrack.btrackmate.model.SpotArrays;
import org.volltrack.btrackmate.util.IndexSort;

/**
 * The spots a LAP run sees: the {@link SpotArrays} sorted by frame, then by spot ID.
 *
 * <p>Frame keys are kept separately because TrackMate links consecutive keys of the spot collection, which
 * may include frames without (visible) spots. Penalty features are optional columns.
 */
public final class LapSpots extends SpotArrays {

    final int[] frameKeys;
    /** frameStart[k] .. frameStart[k+1]-1 are the spots of frameKeys[k]. */
    final int[] frameStart;
    private final Map<String, double[]> features;
    /** order[i] = index in the caller's arrays of sorted spot i. */
    final int[] order;

    private LapSpots(SpotColumns sorted, int[] frameKeys, Map<String, double[]> features, int[] order) {
        super(sorted.ids, sorted.frames, sorted.x, sorted.y, sorted.z);
        this.frameKeys = frameKeys;
        this.features = features;
        this.order = order;
        this.frameStart = new int[frameKeys.length + 1];
        int s = 0;
        for (int k = 0; k < frameKeys.length; k++) {
            frameStart[k] = s;
            while (s < frames.length && frames[s] == frameKeys[k]) {
                s++;
            }
        }
        frameStart[frameKeys.length] = s;
        if (s != frames.length) {
            throw new IllegalArgumentException("spot frame " + frames[s] + " (spot ID " + ids[s]
                    + ") is not one of the frame keys " + Arrays.toString(frameKeys));
        }
    }

    /**
     * Builds the sorted table from unsorted parallel arrays.
     *
     * @param ids unique spot IDs
     * @param frames frame of each spot (&ge; 0)
     * @param x X position (physical units)
     * @param y Y position
     * @param z Z position (0 in 2D)
     * @param frameKeys all frame keys, or null to use the distinct frames of the spots
     * @param features spot feature columns (parallel to ids) needed by penalties; may be empty
     * @return the sorted table
     * @throws IllegalArgumentException on length mismatch, duplicate IDs, negative frames or non-finite positions
     */
    public static LapSpots of(int[] ids, int[] frames, double[] x, double[] y, double[] z, int[] frameKeys,
            Map<String, double[]> features) {
        int n = new SpotArrays(ids, frames, x, y, z).size();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            if (frames[i] < 0) {
                throw new IllegalArgumentException("spot ID " + ids[i] + " has negative frame " + frames[i]);
            }
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i]) || !Double.isFinite(z[i])) {
                throw new IllegalArgumentException("spot ID " + ids[i] + " has a non-finite position (" + x[i]
                        + ", " + y[i] + ", " + z[i] + ")");
            }
            keys[i] = ((long) frames[i] << 32) | (ids[i] - (long) Integer.MIN_VALUE);
        }
        int[] order = IndexSort.byKey(keys, n);
        SpotColumns s = new SpotColumns(n);
        for (int i = 0; i < n; i++) {
            int o = order[i];
            s.set(i, ids[o], frames[o], x[o], y[o], z[o]);
        }
        checkUniqueIds(s.ids);
        Map<String, double[]> sorted = new HashMap<>();
        if (features != null) {
            for (Map.Entry<String, double[]> e : features.entrySet()) {
                if (e.getValue().length != n) {
                    throw new IllegalArgumentException("feature column " + e.getKey() + " has length "
                            + e.getValue().length + ", expected " + n);
                }
                double[] col = new double[n];
                for (int i = 0; i < n; i++) {
                    col[i] = e.getValue()[order[i]];
                }
                sorted.put(e.getKey(), col);
            }
        }
        int[] fk = frameKeys == null ? distinct(s.frames) : sortedDistinct(frameKeys);
        return new LapSpots(s, fk, sorted, order);
    }

    /**
     * Builds the sorted table from spot columns in the caller's order.
     *
     * @param spots ID, frame and position of each spot
     * @param frameKeys all frame keys, or null to use the distinct frames of the spots
     * @param features spot feature columns (parallel to the spots) needed by penalties; may be empty
     * @return the sorted table
     * @throws IllegalArgumentException on duplicate IDs, negative frames or non-finite positions
     */
    public static LapSpots of(SpotColumns spots, int[] frameKeys, Map<String, double[]> features) {
        return of(spots.ids, spots.frames, spots.x, spots.y, spots.z, frameKeys, features);
    }

    private static void checkUniqueIds(int[] sortedByFrameThenId) {
        int[] copy = sortedByFrameThenId.clone();
        Arrays.sort(copy);
        for (int i = 1; i < copy.length; i++) {
            if (copy[i] == copy[i - 1]) {
                throw new IllegalArgumentException("duplicate spot ID " + copy[i]);
            }
        }
    }

    private static int[] distinct(int[] sorted) {
        return Arrays.stream(sorted).distinct().toArray();
    }

    private static int[] sortedDistinct(int[] values) {
        return Arrays.stream(values).sorted().distinct().toArray();
    }

    /**
     * @param name a spot feature key
     * @return its column (sorted order), or null when absent
     */
    double[] feature(String name) {
        return features.get(name);
    }
}
