package org.volltrack.btrackmate.tracker;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Validated, typed view of a TrackMate LAP tracker settings map (keys as in TrackMate's {@code TrackerKeys}).
 *
 * <p>Missing keys take TrackMate's defaults. Numbers may be given as any {@link Number} (15 is accepted where
 * 15.0 is expected); strings, NaN and values of the wrong kind are refused with a message naming the key.
 * Keys of the BTrackmate post-processing steps are accepted and ignored here.
 */
public final class LapSettings {

    /** Keys read by the LAP tracker. */
    static final Set<String> LAP_KEYS = Set.of("LINKING_MAX_DISTANCE", "LINKING_FEATURE_PENALTIES",
            "ALLOW_GAP_CLOSING", "GAP_CLOSING_MAX_DISTANCE", "MAX_FRAME_GAP", "GAP_CLOSING_FEATURE_PENALTIES",
            "ALLOW_TRACK_SPLITTING", "SPLITTING_MAX_DISTANCE", "SPLITTING_FEATURE_PENALTIES",
            "ALLOW_TRACK_MERGING", "MERGING_MAX_DISTANCE", "MERGING_FEATURE_PENALTIES",
            "ALTERNATIVE_LINKING_COST_FACTOR", "CUTOFF_PERCENTILE", "BLOCKING_VALUE");

    /** Keys accepted but used elsewhere (Kalman tracker, BTrackmate post-processing). */
    static final Set<String> OTHER_KEYS = Set.of("KALMAN_SEARCH_RADIUS", "MIN_TRACKLET_LENGTH", "PRUNE_MODE",
            "TISSUE_FILTER", "TISSUE_MIN_FRACTION", "TRACKER_NAME");

    /** Keys of the division-aware mode (read here, see {@link DivisionPass}). */
    static final Set<String> DIVISION_KEYS = Set.of("TRACKING_MODE", "DIVISION_MAX_COST", "DIVISION_SIZE_WEIGHT",
            "DIVISION_VOLUME_WEIGHT", "DIVISION_DISTANCE_WEIGHT", "DIVISION_SEPARATION_WEIGHT",
            "DIVISION_BORDER_WEIGHT", "DIVISION_INTENSITY_WEIGHT");

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

    private LapSettings(Map<String, Object> s) {
        linkingMaxDistance = positive(s, "LINKING_MAX_DISTANCE");
        linkingPenalties = penalties(s, "LINKING_FEATURE_PENALTIES");
        allowGapClosing = bool(s, "ALLOW_GAP_CLOSING", true);
        gapClosingMaxDistance = positive(s, "GAP_CLOSING_MAX_DISTANCE");
        maxFrameGap = integer(s, "MAX_FRAME_GAP", 2);
        gapClosingPenalties = penalties(s, "GAP_CLOSING_FEATURE_PENALTIES");
        allowSplitting = bool(s, "ALLOW_TRACK_SPLITTING", false);
        splittingMaxDistance = positive(s, "SPLITTING_MAX_DISTANCE");
        splittingPenalties = penalties(s, "SPLITTING_FEATURE_PENALTIES");
        allowMerging = bool(s, "ALLOW_TRACK_MERGING", false);
        mergingMaxDistance = positive(s, "MERGING_MAX_DISTANCE");
        mergingPenalties = penalties(s, "MERGING_FEATURE_PENALTIES");
        alternativeCostFactor = number(s, "ALTERNATIVE_LINKING_COST_FACTOR", 1.05);
        cutoffPercentile = number(s, "CUTOFF_PERCENTILE", 0.9);
        number(s, "BLOCKING_VALUE", Double.POSITIVE_INFINITY);
        divisionAware = trackingMode(s);
        divisionMaxCost = nonNegative(s, "DIVISION_MAX_COST", 0.5);
        divisionSizeWeight = nonNegative(s, "DIVISION_SIZE_WEIGHT", 1.0);
        divisionVolumeWeight = nonNegative(s, "DIVISION_VOLUME_WEIGHT", 0.5);
        divisionDistanceWeight = nonNegative(s, "DIVISION_DISTANCE_WEIGHT", 1.0);
        divisionSeparationWeight = nonNegative(s, "DIVISION_SEPARATION_WEIGHT", 0.0);
        divisionBorderWeight = nonNegative(s, "DIVISION_BORDER_WEIGHT", 0.0);
        divisionIntensityWeight = nonNegative(s, "DIVISION_INTENSITY_WEIGHT", 0.0);
        if (!(alternativeCostFactor > 0) || Double.isInfinite(alternativeCostFactor)) {
            throw bad("ALTERNATIVE_LINKING_COST_FACTOR", alternativeCostFactor, "a finite number > 0");
        }
        if (!(cutoffPercentile >= 0 && cutoffPercentile <= 1)) {
            throw bad("CUTOFF_PERCENTILE", cutoffPercentile, "a number in [0, 1]");
        }
        if (maxFrameGap < 1) {
            throw bad("MAX_FRAME_GAP", maxFrameGap, "an integer >= 1");
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
        for (String key : s.keySet()) {
            if (!LAP_KEYS.contains(key) && !OTHER_KEYS.contains(key) && !DIVISION_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown tracker setting '" + key + "'; expected one of "
                        + new java.util.TreeSet<>(LAP_KEYS));
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

    private static double number(Map<String, Object> s, String key, double def) {
        Object v = s.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Number) || Double.isNaN(((Number) v).doubleValue())) {
            throw bad(key, v, "a number");
        }
        return ((Number) v).doubleValue();
    }

    private static double nonNegative(Map<String, Object> s, String key, double def) {
        double value = number(s, key, def);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw bad(key, s.get(key), "a finite number >= 0");
        }
        return value;
    }

    private static boolean trackingMode(Map<String, Object> s) {
        Object v = s.get("TRACKING_MODE");
        if (v == null) {
            return false;
        }
        String mode = v instanceof String ? ((String) v).toUpperCase(java.util.Locale.ROOT) : "";
        if (mode.equals("EXACT_LAP")) {
            return false;
        }
        if (mode.equals("DIVISION_AWARE")) {
            return true;
        }
        throw bad("TRACKING_MODE", v, "EXACT_LAP or DIVISION_AWARE");
    }

    private static double positive(Map<String, Object> s, String key) {
        double value = number(s, key, 15.0);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw bad(key, s.get(key), "a finite distance > 0");
        }
        return value;
    }

    private static int integer(Map<String, Object> s, String key, int def) {
        Object v = s.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
                || Math.abs(((Number) v).doubleValue()) > Integer.MAX_VALUE) {
            throw bad(key, v, "an integer");
        }
        return ((Number) v).intValue();
    }

    private static boolean bool(Map<String, Object> s, String key, boolean def) {
        Object v = s.get(key);
        if (v == null) {
            return def;
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
