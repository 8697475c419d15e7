package org.volltrack.btrackmate.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.stream.XMLStreamReader;

import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;

/**
 * Reads the children of TrackMate's {@code Settings} element into a {@link TrackMateFile}, driven by the start
 * and end events of {@link TrackMateXmlReader}. LAP tracker settings ({@code [SIMPLE_][SPARSE_|FAST_]LAP_TRACKER}, nested layout of
 * trackmate.md §1.11; the old BTrackmate fork's {@code TRACKLET_LENGTH} becomes {@code MIN_TRACKLET_LENGTH})
 * are typed and checked with {@link TrackerSettings}; other trackers' attributes are kept verbatim.
 */
final class SettingsXmlReader {

    private final TrackMateFile out;
    private final XmlErrors errors;
    private final Map<String, Object> lapRaw = new LinkedHashMap<>();
    private boolean lapTracker;
    private int lapParts;
    private String currentPart;

    SettingsXmlReader(final TrackMateFile out, final XmlErrors errors) {
        this.out = out;
        this.errors = errors;
    }

    /**
     * Handles a start tag inside Settings.
     *
     * @return true when the element was recognised
     */
    boolean start(final String name, final String parent, final XMLStreamReader r) throws XmlFormatException {
        switch (name) {
            case XmlKeys.SETTINGS:
                out.hasSettings = true;
                return true;
            case XmlKeys.IMAGE_DATA:
                readImageData(r);
                return true;
            case XmlKeys.BASIC_SETTINGS:
                out.basicSettings = attributes(r, null);
                return true;
            case XmlKeys.DETECTOR_SETTINGS:
                out.detectorSettings = attributes(r, null);
                return true;
            case XmlKeys.INITIAL_SPOT_FILTER:
                out.initialSpotFilterValue = errors.parseDouble(r, "value", r.getAttributeValue(null, "value"));
                return true;
            case XmlKeys.FILTER:
                readFilter(parent, r);
                return true;
            case XmlKeys.TRACKER_SETTINGS:
                startTracker(r);
                return true;
            case XmlKeys.ANALYZER_COLLECTION:
                out.spotAnalyzers = new ArrayList<>();
                out.edgeAnalyzers = new ArrayList<>();
                out.trackAnalyzers = new ArrayList<>();
                return true;
            case XmlKeys.ANALYZER:
                readAnalyzer(parent, r);
                return true;
            case XmlKeys.ENGINE_SETTINGS:
                putTyped(r);
                return true;
            default:
                return startLapPart(name, parent, r);
        }
    }

    /** Handles an end tag inside Settings. */
    void end(final String name, final XMLStreamReader r) throws XmlFormatException {
        if (XmlKeys.SETTINGS.equals(name) && lapTracker) {
            if (lapParts < 4) {
                out.warnings.add("TrackerSettings of " + out.trackerName + " lacks some of Linking, GapClosing, "
                        + "TrackSplitting, TrackMerging; defaults used for the missing keys");
            }
            try {
                out.trackerSettings = TrackerSettings.normalize(lapRaw);
            } catch (final IllegalArgumentException e) {
                throw errors.at(r, "invalid tracker settings: " + e.getMessage());
            }
        }
    }

    private void readImageData(final XMLStreamReader r) throws XmlFormatException {
        final ImageData d = out.imageData;
        final String filename = r.getAttributeValue(null, "filename");
        final String folder = r.getAttributeValue(null, "folder");
        d.filename = filename == null ? "" : filename;
        d.folder = folder == null ? "" : folder;
        d.width = intAttribute(r, "width", d.width);
        d.height = intAttribute(r, "height", d.height);
        d.nslices = intAttribute(r, "nslices", d.nslices);
        d.nframes = intAttribute(r, "nframes", d.nframes);
        d.pixelwidth = doubleAttribute(r, "pixelwidth", d.pixelwidth);
        d.pixelheight = doubleAttribute(r, "pixelheight", d.pixelheight);
        d.voxeldepth = doubleAttribute(r, "voxeldepth", d.voxeldepth);
        d.timeinterval = doubleAttribute(r, "timeinterval", d.timeinterval);
    }

    private int intAttribute(final XMLStreamReader r, final String key, final int fallback)
            throws XmlFormatException {
        final String text = r.getAttributeValue(null, key);
        return text == null ? fallback : errors.parseInt(r, key, text);
    }

    private double doubleAttribute(final XMLStreamReader r, final String key, final double fallback)
            throws XmlFormatException {
        final String text = r.getAttributeValue(null, key);
        return text == null ? fallback : errors.parseDouble(r, key, text);
    }

    private void readFilter(final String parent, final XMLStreamReader r) throws XmlFormatException {
        final String feature = r.getAttributeValue(null, "feature");
        final double value = errors.parseDouble(r, "value", r.getAttributeValue(null, "value"));
        final boolean above = Boolean.parseBoolean(r.getAttributeValue(null, "isabove"));
        final FeatureFilter filter = new FeatureFilter(feature == null ? "" : feature, value, above);
        if (XmlKeys.SPOT_FILTER_COLLECTION.equals(parent)) {
            out.spotFilters.add(filter);
        } else if (XmlKeys.TRACK_FILTER_COLLECTION.equals(parent)) {
            out.trackFilters.add(filter);
        }
    }

    private void readAnalyzer(final String parent, final XMLStreamReader r) {
        final String key = r.getAttributeValue(null, "key");
        if (key == null || out.spotAnalyzers == null) {
            return;
        }
        if (XmlKeys.SPOT_ANALYZERS.equals(parent)) {
            out.spotAnalyzers.add(key);
        } else if (XmlKeys.EDGE_ANALYZERS.equals(parent)) {
            out.edgeAnalyzers.add(key);
        } else if (XmlKeys.TRACK_ANALYZERS.equals(parent)) {
            out.trackAnalyzers.add(key);
        }
    }

    private void startTracker(final XMLStreamReader r) throws XmlFormatException {
        final String name = r.getAttributeValue(null, "TRACKER_NAME");
        out.trackerName = name == null ? "" : name;
        lapTracker = out.trackerName.matches("(SIMPLE_)?(SPARSE_|FAST_)?LAP_TRACKER");
        if (lapTracker) {
            putTyped(r);
        } else {
            out.trackerSettings = null;
            final Map<String, String> attributes = attributes(r, "TRACKER_NAME");
            out.otherTrackerAttributes = attributes;
        }
    }

    private boolean startLapPart(final String name, final String parent, final XMLStreamReader r)
            throws XmlFormatException {
        if (!lapTracker) {
            return false;
        }
        if (XmlKeys.TRACKER_SETTINGS.equals(parent) && (XmlKeys.LINKING.equals(name) || XmlKeys.GAP_CLOSING.equals(name)
                || XmlKeys.TRACK_SPLITTING.equals(name) || XmlKeys.TRACK_MERGING.equals(name))) {
            lapParts++;
            currentPart = name;
            putTyped(r);
            return true;
        }
        if (XmlKeys.FEATURE_PENALTIES.equals(name) && currentPart != null) {
            final Map<String, Double> penalties = new LinkedHashMap<>();
            for (int i = 0; i < r.getAttributeCount(); i++) {
                penalties.put(r.getAttributeLocalName(i), errors.parseDouble(r, r.getAttributeLocalName(i),
                        r.getAttributeValue(i)));
            }
            lapRaw.put(penaltiesKey(currentPart), penalties);
            return true;
        }
        return false;
    }

    private static String penaltiesKey(final String part) {
        switch (part) {
            case XmlKeys.LINKING:
                return TrackerKeys.LINKING_FEATURE_PENALTIES;
            case XmlKeys.GAP_CLOSING:
                return TrackerKeys.GAP_CLOSING_FEATURE_PENALTIES;
            case XmlKeys.TRACK_SPLITTING:
                return TrackerKeys.SPLITTING_FEATURE_PENALTIES;
            default:
                return TrackerKeys.MERGING_FEATURE_PENALTIES;
        }
    }

    /** Types the attributes of the current element after {@link TrackerKeys#expectedTypes()}. */
    private void putTyped(final XMLStreamReader r) throws XmlFormatException {
        final Map<String, Class<?>> types = TrackerKeys.expectedTypes();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String key = r.getAttributeLocalName(i);
            final String text = r.getAttributeValue(i);
            if ("TRACKLET_LENGTH".equals(key)) {
                key = TrackerKeys.MIN_TRACKLET_LENGTH;
            }
            final Class<?> type = types.get(key);
            if ("TRACKER_NAME".equals(key)) {
                continue;
            }
            if (type == null || type == Map.class) {
                out.warnings.add("ignored unknown tracker settings attribute " + key + "=\"" + text + "\"");
                continue;
            }
            if (type == Double.class) {
                lapRaw.put(key, errors.parseDouble(r, key, text));
            } else if (type == Integer.class) {
                lapRaw.put(key, errors.parseInt(r, key, text));
            } else if (type == Boolean.class) {
                lapRaw.put(key, Boolean.parseBoolean(text.trim()));
            } else {
                lapRaw.put(key, text);
            }
        }
    }

    private static Map<String, String> attributes(final XMLStreamReader r, final String skip) {
        final Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            if (!r.getAttributeLocalName(i).equals(skip)) {
                map.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
            }
        }
        return map;
    }
}
