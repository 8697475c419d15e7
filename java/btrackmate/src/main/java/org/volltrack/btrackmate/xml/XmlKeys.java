package org.volltrack.btrackmate.xml;

/**
 * Element names of TrackMate's XML format, in one place (as TrackMate's own {@code TmXmlKeys}), for the engine's
 * reader and writer. Python's {@code volltrack.trackmate.xml_keys} holds the same names under the same constant
 * names, grouped the same way (tests/test_keys_catalogue.py compares the two).
 */
public final class XmlKeys {

    private XmlKeys() {
    }

    // The model: log, feature declarations, spots by frame, tracks of edges, the visible tracks.

    /** The root, the log and the model. */
    public static final String ROOT = "TrackMate", LOG = "Log", MODEL = "Model";
    /** The feature declarations and one feature. */
    public static final String FEATURE_DECLARATIONS = "FeatureDeclarations", FEATURE = "Feature";
    /** The declarations of spot, edge and track features. */
    public static final String SPOT_FEATURES = "SpotFeatures", EDGE_FEATURES = "EdgeFeatures",
            TRACK_FEATURES = "TrackFeatures";
    /** Every spot, the spots of one frame, one spot. */
    public static final String ALL_SPOTS = "AllSpots", SPOTS_IN_FRAME = "SpotsInFrame", SPOT = "Spot";
    /** Every track, one track, one of its edges. */
    public static final String ALL_TRACKS = "AllTracks", TRACK = "Track", EDGE = "Edge";
    /** The visible tracks and one of their IDs. */
    public static final String FILTERED_TRACKS = "FilteredTracks", TRACK_ID = "TrackID";
    /** The GUI's state and display settings (TrackMate 7+). */
    public static final String GUISTATE = "GUIState", DISPLAY_SETTINGS = "DisplaySettings";

    // The settings: image, detector, filters, tracker (with its LAP sub-elements), analyzers, the engine's own keys.

    /** The settings. */
    public static final String SETTINGS = "Settings";
    /** The settings' first children. */
    public static final String IMAGE_DATA = "ImageData", BASIC_SETTINGS = "BasicSettings",
            DETECTOR_SETTINGS = "DetectorSettings", INITIAL_SPOT_FILTER = "InitialSpotFilter";
    /** Spot and track filters and one filter. */
    public static final String SPOT_FILTER_COLLECTION = "SpotFilterCollection",
            TRACK_FILTER_COLLECTION = "TrackFilterCollection", FILTER = "Filter";
    /** The tracker settings and their feature penalties. */
    public static final String TRACKER_SETTINGS = "TrackerSettings", FEATURE_PENALTIES = "FeaturePenalties";
    /** The LAP tracker's parts. */
    public static final String LINKING = "Linking", GAP_CLOSING = "GapClosing", TRACK_SPLITTING = "TrackSplitting",
            TRACK_MERGING = "TrackMerging";
    /** The analyzers and one analyzer. */
    public static final String ANALYZER_COLLECTION = "AnalyzerCollection", ANALYZER = "Analyzer";
    /** Spot, edge and track analyzers. */
    public static final String SPOT_ANALYZERS = "SpotAnalyzers", EDGE_ANALYZERS = "EdgeAnalyzers",
            TRACK_ANALYZERS = "TrackAnalyzers";
    /** The engine's own settings keys (ignored by TrackMate). */
    public static final String ENGINE_SETTINGS = "BTrackmateSettings";
}
