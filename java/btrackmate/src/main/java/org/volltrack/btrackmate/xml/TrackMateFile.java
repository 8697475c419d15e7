package org.volltrack.btrackmate.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.model.Model;

/**
 * Everything a TrackMate XML file holds: the {@link Model}, the log and the {@code Settings} element's parts.
 * The reader fills it from a file, the writer writes it; unknown detector settings and non-LAP tracker
 * settings are kept verbatim so that write → read → write is byte-identical.
 */
public final class TrackMateFile {

    /** Version the writer puts on the root element (TrackMate's last 7.x release; never below 2.1.0). */
    public static final String WRITER_VERSION = "7.14.0";

    /** Version found on the root element of a file that was read ({@link #WRITER_VERSION} for new ones). */
    public String version = WRITER_VERSION;
    /** Session log text. */
    public String log = "";
    /** The model. */
    public Model model = new Model();
    /** Whether a {@code Settings} element is written (and was present when read). */
    public boolean hasSettings = true;
    /** Image data. */
    public ImageData imageData = new ImageData();
    /** {@code BasicSettings} attributes verbatim, or null to derive them from {@link #imageData}. */
    public Map<String, String> basicSettings;
    /** {@code DetectorSettings} attributes verbatim (DETECTOR_NAME first), or null to omit. */
    public Map<String, String> detectorSettings;
    /** Value of the initial QUALITY filter. */
    public double initialSpotFilterValue;
    /** Spot feature filters. */
    public final List<FeatureFilter> spotFilters = new ArrayList<>();
    /** Track feature filters. */
    public final List<FeatureFilter> trackFilters = new ArrayList<>();
    /** Tracker name, e.g. SPARSE_LAP_TRACKER; null to omit TrackerSettings. */
    public String trackerName = TrackerKeys.SPARSE_LAP_TRACKER;
    /**
     * Typed settings of a LAP tracker (complete map of {@link TrackerKeys}), or null when the file's tracker is
     * not a LAP tracker or its settings could not be read.
     */
    public Map<String, Object> trackerSettings = TrackerKeys.defaultSettings();
    /** TrackerSettings attributes verbatim for trackers other than the LAP trackers (written flat). */
    public Map<String, String> otherTrackerAttributes = new LinkedHashMap<>();
    /** Analyzer keys per kind; null to omit {@code AnalyzerCollection}. */
    public List<String> spotAnalyzers = new ArrayList<>();
    /** Edge analyzer keys. */
    public List<String> edgeAnalyzers = new ArrayList<>();
    /** Track analyzer keys. */
    public List<String> trackAnalyzers = new ArrayList<>();
    /** {@code GUIState/@state}, or null to omit the element. */
    public String guiState;
    /** {@code DisplaySettings} text, or null to omit the element. */
    public String displaySettings;
    /** Non-fatal problems found while reading (e.g. an unknown feature dimension). */
    public final List<String> warnings = new ArrayList<>();

    /**
     * @return a file as a reader starts it: the parts a file may lack (Settings, tracker, analyzers) absent
     *         until read, the rest at the defaults of a new file
     */
    static TrackMateFile beforeReading() {
        final TrackMateFile file = new TrackMateFile();
        file.hasSettings = false;
        file.trackerName = null;
        file.trackerSettings = null;
        // no AnalyzerCollection until one is read
        file.spotAnalyzers = file.edgeAnalyzers = file.trackAnalyzers = null;
        return file;
    }
}
