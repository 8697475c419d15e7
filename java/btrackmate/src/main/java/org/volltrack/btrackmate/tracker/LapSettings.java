package org.volltrack.btrackmate.tracker;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.volltrack.btrackmate.TrackerKeys;

/**
 * Validated, typed view of a TrackMate LAP tracker settings map (keys as in TrackMate's {@code TrackerKeys}).
 *
 * <p>Missing keys take the defaults of {@link TrackerKeys#defaultSettings()} (TrackMate's for its keys). Numbers may be given as any {@link Number} (15 is accepted where
 * 15.0 is expected); strings, NaN and values of the wrong kind are refused with a message naming the key.
 * Keys of the BTrackmate post-processing steps are accepted and ignored here.
 */
public final class LapSettings {

    /**
     * Keys accepted besides those of {@link TrackerKeys#defaultSettings()}: the Kalman tracker's search radius and
     * the tracker's name, as TrackMate's settings maps may hold them.
     */
    static final Set<String> FOREIGN_KEYS = Set.of(TrackerKeys.KALMAN_SEARCH_RADIUS, "TRACKER_NAME");

    final double linkingMaxDistance;
    final Map<String, Double> linkingPenalties;
    final boolean allowGapClosing;
    final double gapClosingMaxDistance;
    final int maxFrameGap;
    final Map<String, Double> gapClosingPenalties;
    final boolean allowSplitting;
    final double splittingMaxDistance;
    final Map<String, Double> splittingPenalties;
    final boolean allowMerging;
    final double mergingMaxDistance;
    final Map<String, Double> mergingPenalties;
    final double alternativeCostFactor;
    final double cutoffPercentile;
    /** True for TRACKING_MODE = DIVISION_AWARE. */
    final boolean divisionAware;
    final double divisionMaxCost;
    final double divisionSizeWeight;
    final double divisionVolumeWeight;
    final double divisionDistanceWeight;
    final double divisionSeparationWeight;
    final double divisionBorderWeight;
    final double divisionIntensityWeight;
    final double divisionBoundaryWeight;
    final double divisionMergeWeight;
    final double divisionFragmentWeight;
    final double divisionFragmentRatio;

    private LapSettings(Map<String, Object> s) {
        linkingMaxDistance = positive(s, TrackerKeys.LINKING_MAX_DISTANCE);
        linkingPenalties = penalties(s, TrackerKeys.LINKING_FEATURE_PENALTIES);
        allowGapClosing = bool(s, TrackerKeys.ALLOW_GAP_CLOSING);
        gapClosingMaxDistance = positive(s, TrackerKeys.GAP_CLOSING_MAX_DISTANCE);
        maxFrameGap = integer(s, TrackerKeys.MAX_FRAME_GAP);
        gapClosingPenalties = penalties(s, TrackerKeys.GAP_CLOSING_FEATURE_PENALTIES);
        allowSplitting = bool(s, TrackerKeys.ALLOW_TRACK_SPLITTING);
        splittingMaxDistance = positive(s, TrackerKeys.SPLITTING_MAX_DISTANCE);
        splittingPenalties = penalties(s, TrackerKeys.SPLITTING_FEATURE_PENALTIES);
        allowMerging = bool(s, TrackerKeys.ALLOW_TRACK_MERGING);
        mergingMaxDistance = positive(s, TrackerKeys.MERGING_MAX_DISTANCE);
        mergingPenalties = penalties(s, TrackerKeys.MERGING_FEATURE_PENALTIES);
        alternativeCostFactor = number(s, TrackerKeys.ALTERNATIVE_LINKING_COST_FACTOR);
        cutoffPercentile = number(s, TrackerKeys.CUTOFF_PERCENTILE);
        number(s, TrackerKeys.BLOCKING_VALUE);
        divisionAware = trackingMode(s);
        divisionMaxCost = nonNegative(s, TrackerKeys.DIVISION_MAX_COST);
        divisionSizeWeight = nonNegative(s, TrackerKeys.DIVISION_SIZE_WEIGHT);
        divisionVolumeWeight = nonNegative(s, TrackerKeys.DIVISION_VOLUME_WEIGHT);
        divisionDistanceWeight = nonNegative(s, TrackerKeys.DIVISION_DISTANCE_WEIGHT);
        divisionSeparationWeight = nonNegative(s, TrackerKeys.DIVISION_SEPARATION_WEIGHT);
        divisionBorderWeight = nonNegative(s, TrackerKeys.DIVISION_BORDER_WEIGHT);
        divisionIntensityWeight = nonNegative(s, TrackerKeys.DIVISION_INTENSITY_WEIGHT);
        divisionBoundaryWeight = nonNegative(s, TrackerKeys.DIVISION_BOUNDARY_WEIGHT);
        divisionMergeWeight = nonNegative(s, TrackerKeys.DIVISION_MERGE_WEIGHT);
        divisionFragmentWeight = nonNegative(s, TrackerKeys.DIVISION_FRAGMENT_WEIGHT);
        divisionFragmentRatio = nonNegative(s, TrackerKeys.DIVISION_FRAGMENT_RATIO);
        if (!(divisionFragmentRatio > 0)) {
            throw bad(TrackerKeys.DIVISION_FRAGMENT_RATIO, divisionFragmentRatio, "a finite number > 0");
        }
        if (!(alternativeCostFactor > 0) || Double.isInfinite(alternativeCostFactor)) {
            throw bad(TrackerKeys.ALTERNATIVE_LINKING_COST_FACTOR, alternativeCostFactor, "a finite number > 0");
        }
        if (!(cutoffPercentile >= 0 && cutoffPercentile <= 1)) {
            throw bad(TrackerKeys.CUTOFF_PERCENTILE, cutoffPercentile, "a number in [0, 1]");
        }
        if (maxFrameGap < 1) {
            throw bad(TrackerKeys.MAX_FRAME_GAP, maxFrameGap, "an integer >= 1");
        }
    }

    /**
     * Parses and validates a settings map.
     *
     * @param settings TrackMate tracker settings; may be null (all defaults)
     * @return the typed settings
     * @throws IllegalArgumentException naming the offending key, the value given and what was expected
     */
    public static LapSettings parse(Map<String, Object> settings) {
        Map<String, Object> s = settings == null ? Collections.emptyMap() : settings;
        final Set<String> known = DEFAULTS.keySet();
        for (String key : s.keySet()) {
            if (!known.contains(key) && !FOREIGN_KEYS.contains(key)) {
                final Set<String> lapKeys = new java.util.TreeSet<>(known);
                lapKeys.removeAll(TrackerKeys.engineKeys());
                throw new IllegalArgumentException("unknown tracker setting '" + key + "'; expected one of "
                        + lapKeys);
            }
        }
        return new LapSettings(s);
    }

    private static IllegalArgumentException bad(String key, Object value, String expected) {
        return new IllegalArgumentException("tracker setting " + key + " = " + describe(value) + ": expected "
                + expected);
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "\"" + value + "\"";
        }
        return value + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")");
    }

    /** Every key's default, from {@link TrackerKeys#defaultSettings()} (the one place they are written). */
    private static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(TrackerKeys.defaultSettings());

    private static double number(Map<String, Object> s, String key) {
        Object v = s.get(key);
        if (v == null) {
            return ((Number) DEFAULTS.get(key)).doubleValue();
        }
        if (!(v instanceof Number) || Double.isNaN(((Number) v).doubleValue())) {
            throw bad(key, v, "a number");
        }
        return ((Number) v).doubleValue();
    }

    private static double nonNegative(Map<String, Object> s, String key) {
        double value = number(s, key);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw bad(key, s.get(key), "a finite number >= 0");
        }
        return value;
    }

    private static boolean trackingMode(Map<String, Object> s) {
        Object v = s.getOrDefault(TrackerKeys.TRACKING_MODE, DEFAULTS.get(TrackerKeys.TRACKING_MODE));
        String mode = v instanceof String ? ((String) v).toUpperCase(java.util.Locale.ROOT) : "";
        if (mode.equals(TrackerKeys.MODE_EXACT_LAP)) {
            return false;
        }
        if (mode.equals(TrackerKeys.MODE_DIVISION_AWARE)) {
            return true;
        }
        throw bad(TrackerKeys.TRACKING_MODE, v,
                TrackerKeys.MODE_EXACT_LAP + " or " + TrackerKeys.MODE_DIVISION_AWARE);
    }

    private static double positive(Map<String, Object> s, String key) {
        double value = number(s, key);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw bad(key, s.get(key), "a finite distance > 0");
        }
        return value;
    }

    private static int integer(Map<String, Object> s, String key) {
        Object v = s.get(key);
        if (v == null) {
            return ((Number) DEFAULTS.get(key)).intValue();
        }
        if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
                || Math.abs(((Number) v).doubleValue()) > Integer.MAX_VALUE) {
            throw bad(key, v, "an integer");
        }
        return ((Number) v).intValue();
    }

    private static boolean bool(Map<String, Object> s, String key) {
        Object v = s.get(key);
        if (v == null) {
            return (Boolean) DEFAULTS.get(key);
        }
        if (!(v instanceof Boolean)) {
            throw bad(key, v, "true or false");
        }
        return (Boolean) v;
    }

    private static Map<String, Double> penalties(Map<String, Object> s, String key) {
        Object v = s.get(key);
        if (v == null) {
            return Collections.emptyMap();
        }
        if (!(v instanceof Map)) {
            throw bad(key, v, "a map of spot feature name to weight");
        }
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof Number)
                    || !Double.isFinite(((Number) e.getValue()).doubleValue())) {
                throw bad(key, v, "a map of spot feature name (string) to finite weight (number), got entry "
                        + e.getKey() + "=" + e.getValue());
            }
            out.put((String) e.getKey(), ((Number) e.getValue()).doubleValue());
        }
        return out;
    }

    /** @return true when the segment step (gap closing, splitting or merging) has anything to do */
    boolean segmentStepEnabled() {
        return allowGapClosing || allowSplitting || allowMerging;
    }
}
