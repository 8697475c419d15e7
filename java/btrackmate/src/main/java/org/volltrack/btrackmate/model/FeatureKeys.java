package org.volltrack.btrackmate.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TrackMate feature keys of spots, edges and tracks (trackmate.md §5), with their declarations (name, short
 * name, {@link Dimension}, isint) exactly as TrackMate 7.14/8.x declares them, plus volltrack's own spot
 * features ({@code LABEL}, {@code VOLUME}, tissue features).
 */
public final class FeatureKeys {

    private FeatureKeys() {
    }

    /** Spot quality. */
    public static final String QUALITY = "QUALITY";
    /** Spot X position, physical units. */
    public static final String POSITION_X = "POSITION_X";
    /** Spot Y position, physical units. */
    public static final String POSITION_Y = "POSITION_Y";
    /** Spot Z position, physical units (0 in 2D). */
    public static final String POSITION_Z = "POSITION_Z";
    /** Spot time, physical units (FRAME × frame interval). */
    public static final String POSITION_T = "POSITION_T";
    /** Spot frame (int). */
    public static final String FRAME = "FRAME";
    /** Spot radius, physical units. */
    public static final String RADIUS = "RADIUS";
    /** Spot visibility, 1 visible or 0 filtered out (int). */
    public static final String VISIBILITY = "VISIBILITY";
    /** Label of the cell in the label image (int). */
    public static final String LABEL = "LABEL";
    /** Cell volume, physical units cubed. */
    public static final String VOLUME = "VOLUME";
    /** Mean intensity of channel 1. */
    public static final String MEAN_INTENSITY_CH1 = "MEAN_INTENSITY_CH1";
    /** Total intensity of channel 1. */
    public static final String TOTAL_INTENSITY_CH1 = "TOTAL_INTENSITY_CH1";
    /** 1 when the spot is inside the tissue mask, else 0 (int). */
    public static final String INSIDE_TISSUE = "INSIDE_TISSUE";
    /** Fraction of the cell's voxels inside the tissue mask. */
    public static final String TISSUE_FRACTION = "TISSUE_FRACTION";
    /** Physical distance of the spot centre to the tissue mask boundary. */
    public static final String DISTANCE_TO_BOUNDARY = "DISTANCE_TO_BOUNDARY";

    /** Edge source spot ID (int). */
    public static final String SPOT_SOURCE_ID = "SPOT_SOURCE_ID";
    /** Edge target spot ID (int). */
    public static final String SPOT_TARGET_ID = "SPOT_TARGET_ID";
    /** Edge cost (the graph edge weight). */
    public static final String LINK_COST = "LINK_COST";
    /** Edge speed. */
    public static final String SPEED = "SPEED";
    /** Edge displacement. */
    public static final String DISPLACEMENT = "DISPLACEMENT";
    /** Edge mid time. */
    public static final String EDGE_TIME = "EDGE_TIME";
    /** Edge mid X. */
    public static final String EDGE_X_LOCATION = "EDGE_X_LOCATION";
    /** Edge mid Y. */
    public static final String EDGE_Y_LOCATION = "EDGE_Y_LOCATION";
    /** Edge mid Z. */
    public static final String EDGE_Z_LOCATION = "EDGE_Z_LOCATION";
    /** Directional change rate. */
    public static final String DIRECTIONAL_CHANGE_RATE = "DIRECTIONAL_CHANGE_RATE";

    /** Track index (int). */
    public static final String TRACK_INDEX = "TRACK_INDEX";
    /** Track ID (int). */
    public static final String TRACK_ID = "TRACK_ID";
    /** Number of spots (int). */
    public static final String NUMBER_SPOTS = "NUMBER_SPOTS";
    /** Number of gaps (int). */
    public static final String NUMBER_GAPS = "NUMBER_GAPS";
    /** Longest gap (int). */
    public static final String LONGEST_GAP = "LONGEST_GAP";
    /** Number of splits (int). */
    public static final String NUMBER_SPLITS = "NUMBER_SPLITS";
    /** Number of merges (int). */
    public static final String NUMBER_MERGES = "NUMBER_MERGES";
    /** Number of complex points (int). */
    public static final String NUMBER_COMPLEX = "NUMBER_COMPLEX";
    /** Track duration. */
    public static final String TRACK_DURATION = "TRACK_DURATION";
    /** Track start. */
    public static final String TRACK_START = "TRACK_START";
    /** Track stop. */
    public static final String TRACK_STOP = "TRACK_STOP";
    /** Track displacement. */
    public static final String TRACK_DISPLACEMENT = "TRACK_DISPLACEMENT";
    /** Track mean X. */
    public static final String TRACK_X_LOCATION = "TRACK_X_LOCATION";
    /** Track mean Y. */
    public static final String TRACK_Y_LOCATION = "TRACK_Y_LOCATION";
    /** Track mean Z. */
    public static final String TRACK_Z_LOCATION = "TRACK_Z_LOCATION";
    /** Track mean speed. */
    public static final String TRACK_MEAN_SPEED = "TRACK_MEAN_SPEED";
    /** Track max speed. */
    public static final String TRACK_MAX_SPEED = "TRACK_MAX_SPEED";
    /** Track min speed. */
    public static final String TRACK_MIN_SPEED = "TRACK_MIN_SPEED";
    /** Track median speed. */
    public static final String TRACK_MEDIAN_SPEED = "TRACK_MEDIAN_SPEED";
    /** Track speed standard deviation. */
    public static final String TRACK_STD_SPEED = "TRACK_STD_SPEED";
    /** Track mean quality. */
    public static final String TRACK_MEAN_QUALITY = "TRACK_MEAN_QUALITY";
    /** Total distance traveled. */
    public static final String TOTAL_DISTANCE_TRAVELED = "TOTAL_DISTANCE_TRAVELED";
    /** Max distance traveled. */
    public static final String MAX_DISTANCE_TRAVELED = "MAX_DISTANCE_TRAVELED";
    /** Confinement ratio. */
    public static final String CONFINEMENT_RATIO = "CONFINEMENT_RATIO";
    /** Mean straight line speed. */
    public static final String MEAN_STRAIGHT_LINE_SPEED = "MEAN_STRAIGHT_LINE_SPEED";
    /** Linearity of forward progression. */
    public static final String LINEARITY_OF_FORWARD_PROGRESSION = "LINEARITY_OF_FORWARD_PROGRESSION";
    /** Mean directional change rate. */
    public static final String MEAN_DIRECTIONAL_CHANGE_RATE = "MEAN_DIRECTIONAL_CHANGE_RATE";

    /** The 8 base spot features every TrackMate model declares, in TrackMate's order. */
    public static final String[] BASE_SPOT_FEATURES = {
        QUALITY, POSITION_X, POSITION_Y, POSITION_Z, POSITION_T, FRAME, RADIUS, VISIBILITY};

    private static final Map<String, FeatureDeclaration> SPOT = new LinkedHashMap<>();
    private static final Map<String, FeatureDeclaration> EDGE = new LinkedHashMap<>();
    private static final Map<String, FeatureDeclaration> TRACK = new LinkedHashMap<>();

    static {
        put(SPOT, QUALITY, "Quality", "Quality", Dimension.QUALITY, false);
        put(SPOT, POSITION_X, "X", "X", Dimension.POSITION, false);
        put(SPOT, POSITION_Y, "Y", "Y", Dimension.POSITION, false);
        put(SPOT, POSITION_Z, "Z", "Z", Dimension.POSITION, false);
        put(SPOT, POSITION_T, "T", "T", Dimension.TIME, false);
        put(SPOT, FRAME, "Frame", "Frame", Dimension.NONE, true);
        put(SPOT, RADIUS, "Radius", "R", Dimension.LENGTH, false);
        put(SPOT, VISIBILITY, "Visibility", "Visibility", Dimension.NONE, true);
        put(SPOT, "MANUAL_SPOT_COLOR", "Manual spot color", "Spot color", Dimension.NONE, true);
        put(SPOT, MEAN_INTENSITY_CH1, "Mean intensity ch1", "Mean ch1", Dimension.INTENSITY, false);
        put(SPOT, "MEDIAN_INTENSITY_CH1", "Median intensity ch1", "Median ch1", Dimension.INTENSITY, false);
        put(SPOT, "MIN_INTENSITY_CH1", "Min intensity ch1", "Min ch1", Dimension.INTENSITY, false);
        put(SPOT, "MAX_INTENSITY_CH1", "Max intensity ch1", "Max ch1", Dimension.INTENSITY, false);
        put(SPOT, TOTAL_INTENSITY_CH1, "Sum intensity ch1", "Sum ch1", Dimension.INTENSITY, false);
        put(SPOT, "STD_INTENSITY_CH1", "Std intensity ch1", "Std ch1", Dimension.INTENSITY, false);
        put(SPOT, "CONTRAST_CH1", "Contrast ch1", "Ctrst ch1", Dimension.NONE, false);
        put(SPOT, "SNR_CH1", "Signal/Noise ratio ch1", "SNR ch1", Dimension.NONE, false);
        put(SPOT, LABEL, "Label", "Label", Dimension.NONE, true);
        put(SPOT, VOLUME, "Volume", "Volume", Dimension.NONE, false);
        put(SPOT, INSIDE_TISSUE, "Inside tissue", "In tissue", Dimension.NONE, true);
        put(SPOT, TISSUE_FRACTION, "Tissue fraction", "Tissue frac.", Dimension.NONE, false);
        put(SPOT, DISTANCE_TO_BOUNDARY, "Distance to boundary", "Dist. bnd.", Dimension.LENGTH, false);

        put(EDGE, SPOT_SOURCE_ID, "Source spot ID", "Source ID", Dimension.NONE, true);
        put(EDGE, SPOT_TARGET_ID, "Target spot ID", "Target ID", Dimension.NONE, true);
        put(EDGE, LINK_COST, "Edge cost", "Cost", Dimension.COST, false);
        put(EDGE, DIRECTIONAL_CHANGE_RATE, "Directional change rate", "\u03b3 rate", Dimension.ANGLE_RATE, false);
        put(EDGE, SPEED, "Speed", "Speed", Dimension.VELOCITY, false);
        put(EDGE, DISPLACEMENT, "Displacement", "Disp.", Dimension.LENGTH, false);
        put(EDGE, EDGE_TIME, "Edge time", "Edge T", Dimension.TIME, false);
        put(EDGE, EDGE_X_LOCATION, "Edge X", "Edge X", Dimension.POSITION, false);
        put(EDGE, EDGE_Y_LOCATION, "Edge Y", "Edge Y", Dimension.POSITION, false);
        put(EDGE, EDGE_Z_LOCATION, "Edge Z", "Edge Z", Dimension.POSITION, false);
        put(EDGE, "MANUAL_EDGE_COLOR", "Manual edge color", "Edge color", Dimension.NONE, true);

        put(TRACK, TRACK_INDEX, "Track index", "Index", Dimension.NONE, true);
        put(TRACK, TRACK_ID, "Track ID", "ID", Dimension.NONE, true);
        put(TRACK, NUMBER_SPOTS, "Number of spots in track", "N spots", Dimension.NONE, true);
        put(TRACK, NUMBER_GAPS, "Number of gaps", "N gaps", Dimension.NONE, true);
        put(TRACK, NUMBER_SPLITS, "Number of split events", "N splits", Dimension.NONE, true);
        put(TRACK, NUMBER_MERGES, "Number of merge events", "N merges", Dimension.NONE, true);
        put(TRACK, NUMBER_COMPLEX, "Number of complex points", "N complex", Dimension.NONE, true);
        put(TRACK, LONGEST_GAP, "Longest gap", "Lgst gap", Dimension.NONE, true);
        put(TRACK, TRACK_DURATION, "Track duration", "Duration", Dimension.TIME, false);
        put(TRACK, TRACK_START, "Track start", "Track start", Dimension.TIME, false);
        put(TRACK, TRACK_STOP, "Track stop", "Track stop", Dimension.TIME, false);
        put(TRACK, TRACK_DISPLACEMENT, "Track displacement", "Track disp.", Dimension.LENGTH, false);
        put(TRACK, TRACK_X_LOCATION, "Track mean X", "Track X", Dimension.POSITION, false);
        put(TRACK, TRACK_Y_LOCATION, "Track mean Y", "Track Y", Dimension.POSITION, false);
        put(TRACK, TRACK_Z_LOCATION, "Track mean Z", "Track Z", Dimension.POSITION, false);
        put(TRACK, TRACK_MEAN_SPEED, "Track mean speed", "Mean sp.", Dimension.VELOCITY, false);
        put(TRACK, TRACK_MAX_SPEED, "Track max speed", "Max speed", Dimension.VELOCITY, false);
        put(TRACK, TRACK_MIN_SPEED, "Track min speed", "Min speed", Dimension.VELOCITY, false);
        put(TRACK, TRACK_MEDIAN_SPEED, "Track median speed", "Med. speed", Dimension.VELOCITY, false);
        put(TRACK, TRACK_STD_SPEED, "Track std speed", "Std speed", Dimension.VELOCITY, false);
        put(TRACK, TRACK_MEAN_QUALITY, "Track mean quality", "Mean Q", Dimension.QUALITY, false);
        put(TRACK, TOTAL_DISTANCE_TRAVELED, "Total distance traveled", "Total dist.", Dimension.LENGTH, false);
        put(TRACK, MAX_DISTANCE_TRAVELED, "Max distance traveled", "Max dist.", Dimension.LENGTH, false);
        put(TRACK, CONFINEMENT_RATIO, "Confinement ratio", "Cfn. ratio", Dimension.NONE, false);
        put(TRACK, MEAN_STRAIGHT_LINE_SPEED, "Mean straight line speed", "Mn. v. line", Dimension.VELOCITY,
                false);
        put(TRACK, LINEARITY_OF_FORWARD_PROGRESSION, "Linearity of forward progression", "Fwd. progr.",
                Dimension.NONE, false);
        put(TRACK, MEAN_DIRECTIONAL_CHANGE_RATE, "Mean directional change rate", "Mn. \u03b3 rate",
                Dimension.ANGLE_RATE, false);
    }

    private static void put(final Map<String, FeatureDeclaration> map, final String key, final String name,
            final String shortName, final Dimension dimension, final boolean isInt) {
        map.put(key, new FeatureDeclaration(key, name, shortName, dimension, isInt));
    }

    /** @return known spot feature declarations by key, in declaration order (unmodifiable) */
    public static Map<String, FeatureDeclaration> spotDeclarations() {
        return Collections.unmodifiableMap(SPOT);
    }

    /** @return known edge feature declarations by key, in declaration order (unmodifiable) */
    public static Map<String, FeatureDeclaration> edgeDeclarations() {
        return Collections.unmodifiableMap(EDGE);
    }

    /** @return known track feature declarations by key, in declaration order (unmodifiable) */
    public static Map<String, FeatureDeclaration> trackDeclarations() {
        return Collections.unmodifiableMap(TRACK);
    }

    /**
     * Whether a feature key can be written as a TrackMate XML attribute name: a letter or underscore, then
     * letters, digits, underscores, dots or hyphens.
     *
     * @param key the key
     * @return true when valid
     */
    public static boolean isValidKey(final String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            final boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
            final boolean other = c >= '0' && c <= '9' || c == '.' || c == '-';
            if (!letter && (i == 0 || !other)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the known declaration of a spot feature, or a generic one (name = short name = key,
     * {@link Dimension#NONE}, not int) for a feature TrackMate does not know.
     *
     * @param key spot feature key
     * @return its declaration
     */
    public static FeatureDeclaration spotDeclarationOrGeneric(final String key) {
        final FeatureDeclaration known = SPOT.get(key);
        return known != null ? known : new FeatureDeclaration(key, key, key, Dimension.NONE, false);
    }
}
