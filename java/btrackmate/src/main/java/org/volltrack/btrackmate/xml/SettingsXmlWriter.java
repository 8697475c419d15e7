package org.volltrack.btrackmate.xml;

import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamException;

import org.volltrack.btrackmate.TrackerKeys;

/**
 * Writes the {@code Settings} element of a {@link TrackMateFile}: ImageData, BasicSettings, DetectorSettings,
 * InitialSpotFilter, SpotFilterCollection, TrackerSettings (the nested LAP layout of trackmate.md §1.11, numbers
 * in plain decimals), TrackFilterCollection, AnalyzerCollection and the engine's own keys in
 * {@code BTrackmateSettings} (ignored by TrackMate).
 */
final class SettingsXmlWriter {

    /** The engine's own keys, written in {@link XmlKeys#ENGINE_SETTINGS}. */
    static final List<String> ENGINE_KEYS = TrackerKeys.engineKeys();

    private SettingsXmlWriter() {
    }

    static void write(final IndentedXmlWriter xml, final TrackMateFile file) throws XMLStreamException {
        xml.start(XmlKeys.SETTINGS);
        writeImageData(xml, file.imageData);
        writeBasicSettings(xml, file);
        if (file.detectorSettings != null) {
            xml.empty(XmlKeys.DETECTOR_SETTINGS);
            writeAttributes(xml, file.detectorSettings);
        }
        xml.empty(XmlKeys.INITIAL_SPOT_FILTER);
        xml.attribute("feature", "QUALITY");
        xml.attribute("value", Double.toString(file.initialSpotFilterValue));
        xml.attribute("isabove", "true");
        writeFilters(xml, XmlKeys.SPOT_FILTER_COLLECTION, file.spotFilters);
        writeTracker(xml, file);
        writeFilters(xml, XmlKeys.TRACK_FILTER_COLLECTION, file.trackFilters);
        if (file.spotAnalyzers != null) {
            xml.start(XmlKeys.ANALYZER_COLLECTION);
            writeAnalyzers(xml, XmlKeys.SPOT_ANALYZERS, file.spotAnalyzers);
            writeAnalyzers(xml, XmlKeys.EDGE_ANALYZERS, file.edgeAnalyzers);
            writeAnalyzers(xml, XmlKeys.TRACK_ANALYZERS, file.trackAnalyzers);
            xml.end();
        }
        if (file.trackerSettings != null) {
            xml.empty(XmlKeys.ENGINE_SETTINGS);
            for (final String key : ENGINE_KEYS) {
                if (file.trackerSettings.containsKey(key)) {
                    xml.attribute(key, settingText(file.trackerSettings.get(key)));
                }
            }
        }
        xml.end();
    }

    private static void writeImageData(final IndentedXmlWriter xml, final ImageData d) throws XMLStreamException {
        xml.empty(XmlKeys.IMAGE_DATA);
        xml.attribute("filename", d.filename);
        xml.attribute("folder", d.folder);
        xml.attribute("width", Integer.toString(d.width));
        xml.attribute("height", Integer.toString(d.height));
        xml.attribute("nslices", Integer.toString(d.nslices));
        xml.attribute("nframes", Integer.toString(d.nframes));
        xml.attribute("pixelwidth", Double.toString(d.pixelwidth));
        xml.attribute("pixelheight", Double.toString(d.pixelheight));
        xml.attribute("voxeldepth", Double.toString(d.voxeldepth));
        xml.attribute("timeinterval", Double.toString(d.timeinterval));
    }

    private static void writeBasicSettings(final IndentedXmlWriter xml, final TrackMateFile file)
            throws XMLStreamException {
        xml.empty(XmlKeys.BASIC_SETTINGS);
        if (file.basicSettings != null) {
            writeAttributes(xml, file.basicSettings);
            return;
        }
        final ImageData d = file.imageData;
        final int[] values = {0, d.width - 1, 0, d.height - 1, 0, d.nslices - 1, 0, d.nframes - 1};
        final String[] names = {"xstart", "xend", "ystart", "yend", "zstart", "zend", "tstart", "tend"};
        for (int i = 0; i < names.length; i++) {
            xml.attribute(names[i], Integer.toString(Math.max(0, values[i])));
        }
    }

    private static void writeFilters(final IndentedXmlWriter xml, final String name,
            final List<FeatureFilter> filters) throws XMLStreamException {
        if (filters.isEmpty()) {
            xml.empty(name);
            return;
        }
        xml.start(name);
        for (final FeatureFilter f : filters) {
            xml.empty(XmlKeys.FILTER);
            xml.attribute("feature", f.feature);
            xml.attribute("value", Double.toString(f.value));
            xml.attribute("isabove", Boolean.toString(f.isAbove));
        }
        xml.end();
    }

    private static void writeAnalyzers(final IndentedXmlWriter xml, final String name, final List<String> keys)
            throws XMLStreamException {
        if (keys == null || keys.isEmpty()) {
            xml.empty(name);
            return;
        }
        xml.start(name);
        for (final String key : keys) {
            xml.empty(XmlKeys.ANALYZER);
            xml.attribute("key", key);
        }
        xml.end();
    }

    private static void writeTracker(final IndentedXmlWriter xml, final TrackMateFile file)
            throws XMLStreamException {
        if (file.trackerName == null) {
            return;
        }
        final Map<String, Object> s = file.trackerSettings;
        if (s == null) {
            xml.empty(XmlKeys.TRACKER_SETTINGS);
            xml.attribute("TRACKER_NAME", file.trackerName);
            writeAttributes(xml, file.otherTrackerAttributes);
            return;
        }
        xml.start(XmlKeys.TRACKER_SETTINGS);
        xml.attribute("TRACKER_NAME", file.trackerName);
        xml.attribute(TrackerKeys.CUTOFF_PERCENTILE, settingText(s.get(TrackerKeys.CUTOFF_PERCENTILE)));
        xml.attribute(TrackerKeys.ALTERNATIVE_LINKING_COST_FACTOR,
                settingText(s.get(TrackerKeys.ALTERNATIVE_LINKING_COST_FACTOR)));
        xml.attribute(TrackerKeys.BLOCKING_VALUE, settingText(s.get(TrackerKeys.BLOCKING_VALUE)));
        writeLapPart(xml, s, XmlKeys.LINKING, TrackerKeys.LINKING_FEATURE_PENALTIES, TrackerKeys.LINKING_MAX_DISTANCE);
        writeLapPart(xml, s, XmlKeys.GAP_CLOSING, TrackerKeys.GAP_CLOSING_FEATURE_PENALTIES,
                TrackerKeys.ALLOW_GAP_CLOSING, TrackerKeys.GAP_CLOSING_MAX_DISTANCE, TrackerKeys.MAX_FRAME_GAP);
        writeLapPart(xml, s, XmlKeys.TRACK_SPLITTING, TrackerKeys.SPLITTING_FEATURE_PENALTIES,
                TrackerKeys.ALLOW_TRACK_SPLITTING, TrackerKeys.SPLITTING_MAX_DISTANCE);
        writeLapPart(xml, s, XmlKeys.TRACK_MERGING, TrackerKeys.MERGING_FEATURE_PENALTIES,
                TrackerKeys.ALLOW_TRACK_MERGING, TrackerKeys.MERGING_MAX_DISTANCE);
        xml.end();
    }

    private static void writeLapPart(final IndentedXmlWriter xml, final Map<String, Object> s, final String name,
            final String penaltiesKey, final String... keys) throws XMLStreamException {
        xml.start(name);
        for (final String key : keys) {
            xml.attribute(key, settingText(s.get(key)));
        }
        xml.empty(XmlKeys.FEATURE_PENALTIES);
        @SuppressWarnings("unchecked")
        final Map<String, Double> penalties = (Map<String, Double>) s.get(penaltiesKey);
        for (final Map.Entry<String, Double> e : penalties.entrySet()) {
            xml.attribute(e.getKey(), XmlText.plain(e.getValue()));
        }
        xml.end();
    }

    /** Settings value as TrackMate's marshalling writes it, numbers in plain decimals. */
    static String settingText(final Object value) {
        if (value instanceof Double) {
            return XmlText.plain((Double) value);
        }
        return String.valueOf(value);
    }

    private static void writeAttributes(final IndentedXmlWriter xml, final Map<String, String> attributes)
            throws XMLStreamException {
        for (final Map.Entry<String, String> e : attributes.entrySet()) {
            xml.attribute(e.getKey(), e.getValue());
        }
    }
}
