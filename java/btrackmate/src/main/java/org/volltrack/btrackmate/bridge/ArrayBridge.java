package org.volltrack.btrackmate.bridge;

import java.util.LinkedHashMap;
import java.util.Map;

import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.input.SpotTableBuilder;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.pipeline.TrackingPipeline;
import org.volltrack.btrackmate.util.Interrupts;

/**
 * Entry point for Python (JPype): tracks spots given as parallel primitive arrays with the standard pipeline
 * (tissue filter, LAP tracker, pruning, features) and returns everything as arrays in a {@link TrackingResult}.
 * Bad input (NaN/infinite positions, negative or non-integer frames, duplicate IDs, mismatched lengths,
 * unknown settings keys, wrong types) throws {@link IllegalArgumentException} with a precise message.
 */
public final class ArrayBridge {

    private ArrayBridge() {
    }

    /**
     * Tracks spots.
     *
     * @param frames        FRAME per spot (&gt;= 0)
     * @param x             POSITION_X, physical units
     * @param y             POSITION_Y
     * @param z             POSITION_Z (0 in 2D)
     * @param radius        RADIUS (&gt; 0)
     * @param quality       QUALITY
     * @param ids           spot IDs, or null for 0..n-1
     * @param featureNames  names of further spot features (e.g. TISSUE_FRACTION), may be null or empty
     * @param featureValues values, [feature][spot]; NaN leaves the feature unset on that spot
     * @param settingsJson  one flat JSON object of TrackerKeys keys ("" or null for the defaults)
     * @param spaceUnits    spatial units, e.g. "micron"
     * @param timeUnits     time units, e.g. "sec"
     * @param frameInterval dt; POSITION_T = FRAME × dt unless a POSITION_T feature is given
     * @return the tracking result
     * @throws IllegalArgumentException on bad input
     */
    public static TrackingResult track(final int[] frames, final double[] x, final double[] y, final double[] z,
            final double[] radius, final double[] quality, final int[] ids, final String[] featureNames,
            final double[][] featureValues, final String settingsJson, final String spaceUnits,
            final String timeUnits, final double frameInterval) {
        final Map<String, Object> settings = settingsJson == null || settingsJson.trim().isEmpty()
                ? TrackerSettings.normalize(null) : TrackerSettings.fromJson(settingsJson, "settingsJson");
        final SpotCollection spots = toSpots(frames, x, y, z, radius, quality, ids, featureNames, featureValues,
                frameInterval);
        final TrackingPipeline.Result result = TrackingPipeline.standard().run(spots, settings,
                spaceUnits == null ? "micron" : spaceUnits, timeUnits == null ? "sec" : timeUnits);
        return TrackingResult.of(result);
    }

    /**
     * Builds a validated spot collection from arrays (frame keys 0..last frame).
     *
     * @param frames        FRAME per spot
     * @param x             POSITION_X
     * @param y             POSITION_Y
     * @param z             POSITION_Z
     * @param radius        RADIUS
     * @param quality       QUALITY
     * @param ids           IDs or null
     * @param featureNames  extra feature names or null
     * @param featureValues extra feature values [feature][spot] or null
     * @param frameInterval dt
     * @return the spots
     * @throws IllegalArgumentException on bad input
     */
    public static SpotCollection toSpots(final int[] frames, final double[] x, final double[] y, final double[] z,
            final double[] radius, final double[] quality, final int[] ids, final String[] featureNames,
            final double[][] featureValues, final double frameInterval) {
        if (frames == null) {
            throw new IllegalArgumentException("frames must not be null");
        }
        final int n = frames.length;
        requireLength("x", x, n);
        requireLength("y", y, n);
        requireLength("z", z, n);
        requireLength("radius", radius, n);
        requireLength("quality", quality, n);
        if (ids != null && ids.length != n) {
            throw new IllegalArgumentException("ids has length " + ids.length + ", expected " + n + " (one per spot)");
        }
        final String[] names = featureNames == null ? new String[0] : featureNames;
        if (featureValues != null && featureValues.length != names.length
                || featureValues == null && names.length > 0) {
            throw new IllegalArgumentException("featureValues must have one row per feature name ("
                    + names.length + ")");
        }
        for (int f = 0; f < names.length; f++) {
            requireLength("featureValues[" + f + "] (" + names[f] + ")", featureValues[f], n);
        }
        if (!(frameInterval > 0) || !Double.isFinite(frameInterval)) {
            throw new IllegalArgumentException("frameInterval must be a finite number > 0, got " + frameInterval);
        }
        final SpotTableBuilder builder = new SpotTableBuilder(frameInterval);
        for (int i = 0; i < n; i++) {
            if ((i & 0xffff) == 0) {
                Interrupts.check();
            }
            final Map<String, Double> features = new LinkedHashMap<>();
            for (int f = 0; f < names.length; f++) {
                if (!Double.isNaN(featureValues[f][i]) && !FeatureKeys.VISIBILITY.equals(names[f])) {
                    features.put(names[f], featureValues[f][i]);
                }
            }
            builder.add("spot " + i + (ids == null ? "" : " (ID " + ids[i] + ")"), ids == null ? null : ids[i],
                    frames[i], x[i], y[i], z[i], radius[i], quality[i], features);
        }
        return builder.build("arrays");
    }

    private static void requireLength(final String name, final double[] values, final int n) {
        if (values == null || values.length != n) {
            throw new IllegalArgumentException(name + " has length " + (values == null ? "null" : values.length)
                    + ", expected " + n + " (one per spot, like frames)");
        }
    }
}
