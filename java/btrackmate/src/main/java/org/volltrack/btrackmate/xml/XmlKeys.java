package org.volltrack.btrackmate.xml;

/**
 * Element names of TrackMate's XML format, in one place (as TrackMate's own {@code TmXmlKeys}), for the engine's
 * reader and writer. Python's {@code volltrack.trackmate.xml_keys} holds the same names under the same constant
 * names (a test compares them).
 */
public final class XmlKeys {

    private XmlKeys() {
    }

    /** {@code <TrackMate>}. */
    public static final String ROOT = "TrackMate";

    /** {@code <Log>}. */
    public static final String LOG = "Log";

    /** {@code <Model>}. */
    public static final String MODEL = "Model";

    /** {@code <FeatureDeclarations>}. */
    public static final String FEATURE_DECLARATIONS = "FeatureDeclarations";

    /** {@code <Feature>}. */
    public static final String FEATURE = "Feature";

    /** {@code <SpotFeatures>}. */
    public static final String SPOT_FEATURES = "SpotFeatures";

    /** {@code <EdgeFeatures>}. */
    public static final String EDGE_FEATURES = "EdgeFeatures";

    /** {@code <TrackFeatures>}. */
    public static final String TRACK_FEATURES = "TrackFeatures";

    /** {@code <AllSpots>}. */
    public static final String ALL_SPOTS = "AllSpots";

    /** {@code <SpotsInFrame>}. */
    public static final String SPOTS_IN_FRAME = "SpotsInFrame";

    /** {@code <Spot>}. */
    public static final String SPOT = "Spot";

    /** {@code <AllTracks>}. */
    public static final String ALL_TRACKS = "AllTracks";

    /** {@code <Track>}. */
    public static final String TRACK = "Track";

    /** {@code <Edge>}. */
    public static final String EDGE = "Edge";

    /** {@code <FilteredTracks>}. */
    public static final String FILTERED_TRACKS = "FilteredTracks";

    /** {@code <TrackID>}. */
    public static final String TRACK_ID = "TrackID";

    /** {@code <Settings>}. */
    public static final String SETTINGS = "Settings";

    /** {@code <ImageData>}. */
    public static final String IMAGE_DATA = "ImageData";

    /** {@code <BasicSettings>}. */
    public static final String BASIC_SETTINGS = "BasicSettings";

    /** {@code <DetectorSettings>}. */
    public static final String DETECTOR_SETTINGS = "DetectorSettings";

    /** {@code <InitialSpotFilter>}. */
    public static final String INITIAL_SPOT_FILTER = "InitialSpotFilter";

    /** {@code <SpotFilterCollection>}. */
    public static final String SPOT_FILTER_COLLECTION = "SpotFilterCollection";

    /** {@code <TrackFilterCollection>}. */
    public static final String TRACK_FILTER_COLLECTION = "TrackFilterCollection";

    /** {@code <Filter>}. */
    public static final String FILTER = "Filter";

    /** {@code <TrackerSettings>}. */
    public static final String TRACKER_SETTINGS = "TrackerSettings";

    /** {@code <FeaturePenalties>}. */
    public static final String FEATURE_PENALTIES = "FeaturePenalties";

    /** {@code <Linking>}. */
    public static final String LINKING = "Linking";

    /** {@code <GapClosing>}. */
    public static final String GAP_CLOSING = "GapClosing";

    /** {@code <TrackSplitting>}. */
    public static final String TRACK_SPLITTING = "TrackSplitting";

    /** {@code <TrackMerging>}. */
    public static final String TRACK_MERGING = "TrackMerging";

    /** {@code <AnalyzerCollection>}. */
    public static final String ANALYZER_COLLECTION = "AnalyzerCollection";

    /** {@code <Analyzer>}. */
    public static final String ANALYZER = "Analyzer";

    /** {@code <SpotAnalyzers>}. */
    public static final String SPOT_ANALYZERS = "SpotAnalyzers";

    /** {@code <EdgeAnalyzers>}. */
    public static final String EDGE_ANALYZERS = "EdgeAnalyzers";

    /** {@code <TrackAnalyzers>}. */
    public static final String TRACK_ANALYZERS = "TrackAnalyzers";

    /** {@code <BTrackmateSettings>}. */
    public static final String ENGINE_SETTINGS = "BTrackmateSettings";

    /** {@code <GUIState>}. */
    public static final String GUISTATE = "GUIState";

    /** {@code <DisplaySettings>}. */
    public static final String DISPLAY_SETTINGS = "DisplaySettings";
}
