package org.volltrack.btrackmate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tracker settings key of the engine, with its default. TrackMate's LAP tracker keys (trackmate.md §3.1,
 * same names, types and defaults as {@code fiji.plugin.trackmate.tracking.TrackerKeys}) plus volltrack's own
 * keys for the tissue filter and tracklet pruning. Settings maps are checked by {@link TrackerSettings}.
 */
public final class TrackerKeys {

    private TrackerKeys() {
    }

    /** Double: maximal frame-to-frame linking distance (physical units); cost cutoff is its square, strict. */
    public static final String LINKING_MAX_DISTANCE = "LINKING_MAX_DISTANCE";
    /** Map&lt;String, Double&gt;: spot feature penalties for frame-to-frame linking. */
    public static final String LINKING_FEATURE_PENALTIES = "LINKING_FEATURE_PENALTIES";
    /** Boolean: allow gap closing between segments. */
    public static final String ALLOW_GAP_CLOSING = "ALLOW_GAP_CLOSING";
    /** Double: maximal gap-closing distance. */
    public static final String GAP_CLOSING_MAX_DISTANCE = "GAP_CLOSING_MAX_DISTANCE";
    /** Integer: maximal frame gap for gap closing. */
    public static final String MAX_FRAME_GAP = "MAX_FRAME_GAP";
    /** Map&lt;String, Double&gt;: feature penalties for gap closing. */
    public static final String GAP_CLOSING_FEATURE_PENALTIES = "GAP_CLOSING_FEATURE_PENALTIES";
    /** Boolean: allow track splitting (cell division). */
    public static final String ALLOW_TRACK_SPLITTING = "ALLOW_TRACK_SPLITTING";
    /** Double: maximal splitting distance. */
    public static final String SPLITTING_MAX_DISTANCE = "SPLITTING_MAX_DISTANCE";
    /** Map&lt;String, Double&gt;: feature penalties for splitting. */
    public static final String SPLITTING_FEATURE_PENALTIES = "SPLITTING_FEATURE_PENALTIES";
    /** Boolean: allow track merging. */
    public static final String ALLOW_TRACK_MERGING = "ALLOW_TRACK_MERGING";
    /** Double: maximal merging distance. */
    public static final String MERGING_MAX_DISTANCE = "MERGING_MAX_DISTANCE";
    /** Map&lt;String, Double&gt;: feature penalties for merging. */
    public static final String MERGING_FEATURE_PENALTIES = "MERGING_FEATURE_PENALTIES";
    /** Double: factor of the alternative (no-link) cost. */
    public static final String ALTERNATIVE_LINKING_COST_FACTOR = "ALTERNATIVE_LINKING_COST_FACTOR";
    /** Double: percentile of segment-linking costs the alternative cost is based on. */
    public static final String CUTOFF_PERCENTILE = "CUTOFF_PERCENTILE";
    /** Double: blocking value (stored and validated, unused by the sparse tracker, as in TrackMate). */
    public static final String BLOCKING_VALUE = "BLOCKING_VALUE";
    /**
     * Double: Kalman search radius. Kalman trackers only: not part of {@link #defaultSettings()} and refused
     * by the LAP settings check, as in TrackMate.
     */
    public static final String KALMAN_SEARCH_RADIUS = "KALMAN_SEARCH_RADIUS";

    /** Integer: minimal tracklet length in frames for pruning; 0 disables pruning. */
    public static final String MIN_TRACKLET_LENGTH = "MIN_TRACKLET_LENGTH";
    /** String: pruning rule, one of {@link #PRUNE_BRANCH}, {@link #PRUNE_TRACK}, {@link #PRUNE_BOTH}. */
    public static final String PRUNE_MODE = "PRUNE_MODE";
    /** Boolean: hide spots outside the tissue mask before tracking. */
    public static final String TISSUE_FILTER = "TISSUE_FILTER";
    /** Double in [0, 1]: minimal TISSUE_FRACTION of a spot kept by the tissue filter. */
    public static final String TISSUE_MIN_FRACTION = "TISSUE_MIN_FRACTION";

    /**
     * String: how links are chosen, {@link #MODE_EXACT_LAP} (TrackMate's LAP tracker, bit for bit; the default)
     * or {@link #MODE_DIVISION_AWARE} (the LAP, then every division re-judged by what a division looks like).
     */
    public static final String TRACKING_MODE = "TRACKING_MODE";
    /** Double &ge; 0: DIVISION_AWARE only; largest division cost accepted (see {@code DivisionPass}). */
    public static final String DIVISION_MAX_COST = "DIVISION_MAX_COST";
    /** Double &ge; 0: DIVISION_AWARE only; weight of the daughters' size asymmetry in the division cost. */
    public static final String DIVISION_SIZE_WEIGHT = "DIVISION_SIZE_WEIGHT";
    /** Double &ge; 0: DIVISION_AWARE only; weight of log(daughter volumes / mother volume)² in the cost. */
    public static final String DIVISION_VOLUME_WEIGHT = "DIVISION_VOLUME_WEIGHT";
    /** Double &ge; 0: DIVISION_AWARE only; weight of ln(|a - m| / |b - m|)², daughters equally far from the mother. */
    public static final String DIVISION_DISTANCE_WEIGHT = "DIVISION_DISTANCE_WEIGHT";
    /** Double &ge; 0: DIVISION_AWARE only; weight of (half the daughters' distance / mother radius)². */
    public static final String DIVISION_SEPARATION_WEIGHT = "DIVISION_SEPARATION_WEIGHT";
    /** Double &ge; 0: DIVISION_AWARE only; weight of the border term of a daughter without LAP predecessor. */
    public static final String DIVISION_BORDER_WEIGHT = "DIVISION_BORDER_WEIGHT";
    /**
     * Double &ge; 0: DIVISION_AWARE only; weight of ln(I_daughter / I_mother)² summed over both daughters, I the
     * spot feature MEAN_INTENSITY_CH1 above most of the frame's dimmest spot (0 without that feature).
     */
    public static final String DIVISION_INTENSITY_WEIGHT = "DIVISION_INTENSITY_WEIGHT";
    /**
     * Double &ge; 0: DIVISION_AWARE only; weight of exp(-d / R_mother), d the spot feature DISTANCE_TO_BOUNDARY
     * (distance to the tissue mask's boundary) of a daughter without LAP predecessor (0 without that feature).
     */
    public static final String DIVISION_BOUNDARY_WEIGHT = "DIVISION_BOUNDARY_WEIGHT";
    /**
     * Double &ge; 0: DIVISION_AWARE only; weight of exp(-e / R_mother), e the distance from the mother to the
     * nearest spot of the frame before that has no LAP successor (a cell that vanished into the "mother": two
     * cells merged by the segmentation, which then "divide").
     */
    public static final String DIVISION_MERGE_WEIGHT = "DIVISION_MERGE_WEIGHT";
    /**
     * Double &ge; 0: DIVISION_AWARE only; weight of max(0, ln(DIVISION_FRAGMENT_RATIO &times; V_mother /
     * (V_a + V_b)))²: "daughters" whose volumes sum to less than that ratio times the mother's (the pieces of
     * one cell split by the segmentation).
     */
    public static final String DIVISION_FRAGMENT_WEIGHT = "DIVISION_FRAGMENT_WEIGHT";
    /** Double &gt; 0: DIVISION_AWARE only; the ratio of the fragment term (daughters' volumes over mother's). */
    public static final String DIVISION_FRAGMENT_RATIO = "DIVISION_FRAGMENT_RATIO";

    /** TRACKING_MODE value: TrackMate's sparse LAP tracker, bit-identical (default). */
    public static final String MODE_EXACT_LAP = "EXACT_LAP";
    /** TRACKING_MODE value: LAP links, divisions chosen by their division cost. */
    public static final String MODE_DIVISION_AWARE = "DIVISION_AWARE";

    /** PRUNE_MODE value: remove short daughter branches after a split (BTrackmate's rule). */
    public static final String PRUNE_BRANCH = "BRANCH";
    /** PRUNE_MODE value: remove tracks spanning fewer than MIN_TRACKLET_LENGTH frames. */
    public static final String PRUNE_TRACK = "TRACK";
    /** PRUNE_MODE value: both rules. */
    public static final String PRUNE_BOTH = "BOTH";

    /** Tracker name written in TrackerSettings. */
    public static final String SPARSE_LAP_TRACKER = "SPARSE_LAP_TRACKER";

    /** Default linking / gap / split / merge distance. */
    public static final double DEFAULT_MAX_DISTANCE = 15.0;
    /** Default MAX_FRAME_GAP. */
    public static final int DEFAULT_MAX_FRAME_GAP = 2;
    /** Default ALTERNATIVE_LINKING_COST_FACTOR. */
    public static final double DEFAULT_ALTERNATIVE_LINKING_COST_FACTOR = 1.05;
    /** Default CUTOFF_PERCENTILE. */
    public static final double DEFAULT_CUTOFF_PERCENTILE = 0.9;
    /** Default TISSUE_MIN_FRACTION. */
    public static final double DEFAULT_TISSUE_MIN_FRACTION = 0.5;
    /** Default DIVISION_MAX_COST. */
    public static final double DEFAULT_DIVISION_MAX_COST = 0.5;
    /** Default DIVISION_SIZE_WEIGHT. */
    public static final double DEFAULT_DIVISION_SIZE_WEIGHT = 1.0;
    /** Default DIVISION_VOLUME_WEIGHT. */
    public static final double DEFAULT_DIVISION_VOLUME_WEIGHT = 0.5;
    /** Default DIVISION_DISTANCE_WEIGHT. */
    public static final double DEFAULT_DIVISION_DISTANCE_WEIGHT = 1.0;
    /** Default DIVISION_SEPARATION_WEIGHT. */
    public static final double DEFAULT_DIVISION_SEPARATION_WEIGHT = 0.0;
    /** Default DIVISION_BORDER_WEIGHT. */
    public static final double DEFAULT_DIVISION_BORDER_WEIGHT = 0.0;
    /** Default DIVISION_INTENSITY_WEIGHT. */
    public static final double DEFAULT_DIVISION_INTENSITY_WEIGHT = 0.0;
    /** Default DIVISION_BOUNDARY_WEIGHT. */
    public static final double DEFAULT_DIVISION_BOUNDARY_WEIGHT = 0.0;
    /** Default DIVISION_MERGE_WEIGHT. */
    public static final double DEFAULT_DIVISION_MERGE_WEIGHT = 0.0;
    /** Default DIVISION_FRAGMENT_WEIGHT. */
    public static final double DEFAULT_DIVISION_FRAGMENT_WEIGHT = 0.0;
    /** Default DIVISION_FRAGMENT_RATIO. */
    public static final double DEFAULT_DIVISION_FRAGMENT_RATIO = 1.0;

    /**
     * TrackMate's LAP tracker defaults plus volltrack's keys, in a fresh mutable map (insertion order as
     * listed in trackmate.md §3.1). Penalty maps are empty {@code Map<String, Double>}.
     *
     * @return a new settings map
     */
    public static Map<String, Object> defaultSettings() {
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put(LINKING_MAX_DISTANCE, DEFAULT_MAX_DISTANCE);
        s.put(LINKING_FEATURE_PENALTIES, new LinkedHashMap<String, Double>());
        s.put(ALLOW_GAP_CLOSING, Boolean.TRUE);
        s.put(GAP_CLOSING_MAX_DISTANCE, DEFAULT_MAX_DISTANCE);
        s.put(MAX_FRAME_GAP, DEFAULT_MAX_FRAME_GAP);
        s.put(GAP_CLOSING_FEATURE_PENALTIES, new LinkedHashMap<String, Double>());
        s.put(ALLOW_TRACK_SPLITTING, Boolean.FALSE);
        s.put(SPLITTING_MAX_DISTANCE, DEFAULT_MAX_DISTANCE);
        s.put(SPLITTING_FEATURE_PENALTIES, new LinkedHashMap<String, Double>());
        s.put(ALLOW_TRACK_MERGING, Boolean.FALSE);
        s.put(MERGING_MAX_DISTANCE, DEFAULT_MAX_DISTANCE);
        s.put(MERGING_FEATURE_PENALTIES, new LinkedHashMap<String, Double>());
        s.put(ALTERNATIVE_LINKING_COST_FACTOR, DEFAULT_ALTERNATIVE_LINKING_COST_FACTOR);
        s.put(CUTOFF_PERCENTILE, DEFAULT_CUTOFF_PERCENTILE);
        s.put(BLOCKING_VALUE, Double.POSITIVE_INFINITY);
        s.put(MIN_TRACKLET_LENGTH, 0);
        s.put(PRUNE_MODE, PRUNE_BRANCH);
        s.put(TISSUE_FILTER, Boolean.FALSE);
        s.put(TISSUE_MIN_FRACTION, DEFAULT_TISSUE_MIN_FRACTION);
        s.put(TRACKING_MODE, MODE_EXACT_LAP);
        s.put(DIVISION_MAX_COST, DEFAULT_DIVISION_MAX_COST);
        s.put(DIVISION_SIZE_WEIGHT, DEFAULT_DIVISION_SIZE_WEIGHT);
        s.put(DIVISION_VOLUME_WEIGHT, DEFAULT_DIVISION_VOLUME_WEIGHT);
        s.put(DIVISION_DISTANCE_WEIGHT, DEFAULT_DIVISION_DISTANCE_WEIGHT);
        s.put(DIVISION_SEPARATION_WEIGHT, DEFAULT_DIVISION_SEPARATION_WEIGHT);
        s.put(DIVISION_BORDER_WEIGHT, DEFAULT_DIVISION_BORDER_WEIGHT);
        s.put(DIVISION_INTENSITY_WEIGHT, DEFAULT_DIVISION_INTENSITY_WEIGHT);
        s.put(DIVISION_BOUNDARY_WEIGHT, DEFAULT_DIVISION_BOUNDARY_WEIGHT);
        s.put(DIVISION_MERGE_WEIGHT, DEFAULT_DIVISION_MERGE_WEIGHT);
        s.put(DIVISION_FRAGMENT_WEIGHT, DEFAULT_DIVISION_FRAGMENT_WEIGHT);
        s.put(DIVISION_FRAGMENT_RATIO, DEFAULT_DIVISION_FRAGMENT_RATIO);
        return s;
    }

    /** The engine's own keys, in the order the XML's {@code BTrackmateSettings} element lists them. */
    private static final List<String> ENGINE_KEYS = List.of(MIN_TRACKLET_LENGTH, PRUNE_MODE, TISSUE_FILTER,
            TISSUE_MIN_FRACTION, TRACKING_MODE, DIVISION_MAX_COST, DIVISION_SIZE_WEIGHT, DIVISION_VOLUME_WEIGHT,
            DIVISION_DISTANCE_WEIGHT, DIVISION_SEPARATION_WEIGHT, DIVISION_BORDER_WEIGHT, DIVISION_INTENSITY_WEIGHT,
            DIVISION_BOUNDARY_WEIGHT, DIVISION_MERGE_WEIGHT, DIVISION_FRAGMENT_WEIGHT, DIVISION_FRAGMENT_RATIO);

    /**
     * The keys of {@link #defaultSettings()} that are the engine's own, not TrackMate's: written in the XML's
     * {@code BTrackmateSettings} element and left out of TrackMate's tracker settings. Python's
     * {@code volltrack.tracking.settings.ENGINE_KEYS} lists the same (a test compares them).
     *
     * @return the keys, in their XML order (unmodifiable)
     */
    public static List<String> engineKeys() {
        return ENGINE_KEYS;
    }

    /** The Java type expected for each key of {@link #defaultSettings()}. */
    public static Map<String, Class<?>> expectedTypes() {
        final Map<String, Class<?>> types = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : defaultSettings().entrySet()) {
            types.put(e.getKey(), e.getValue() instanceof Map ? Map.class : e.getValue().getClass());
        }
        return Collections.unmodifiableMap(types);
    }
}
