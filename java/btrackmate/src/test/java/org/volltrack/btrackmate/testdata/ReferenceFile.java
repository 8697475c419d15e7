package org.volltrack.btrackmate.testdata;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Test-only minimal reader of the reference TrackMate XML files: spots, frame keys, edges, tracks and the
 * LAP tracker settings, all attributes kept as strings/doubles. Not a general TrackMate reader.
 */
public final class ReferenceFile {

    /**
     * @return the TrackMate LAP tracker outputs of the laptrack project, one per tracker mode (resource names)
     */
    public static java.util.stream.Stream<String> laptrackFiles() {
        return java.util.stream.Stream.of("trackmate_tracks_without_gap_closing.xml",
                "trackmate_tracks_with_gap_closing.xml", "trackmate_tracks_with_splitting.xml",
                "trackmate_tracks_with_merging.xml", "trackmate_tracks_with_splitting_merging.xml");
    }

    /** One spot: every attribute, numeric ones parsed. */
    public static final class RefSpot {
        public final int id;
        public final Map<String, Double> features = new HashMap<>();

        RefSpot(int id) {
            this.id = id;
        }

        public double get(String key) {
            return features.get(key);
        }
    }

    /** One edge or track: all numeric attributes. */
    public static final class Attributes {
        public final Map<String, Double> values = new LinkedHashMap<>();
        public final List<Attributes> edges = new ArrayList<>();
    }

    public final List<RefSpot> spots = new ArrayList<>();
    public final TreeSet<Integer> frameKeys = new TreeSet<>();
    public final List<Attributes> edges = new ArrayList<>();
    public final List<Attributes> tracks = new ArrayList<>();
    public final Map<String, Object> settings = new HashMap<>();

    /**
     * @param resource file name under the test resource folder /trackmate/
     * @return the parsed file
     * @throws Exception when the resource is missing or malformed
     */
    public static ReferenceFile load(String resource) throws Exception {
        ReferenceFile file = new ReferenceFile();
        try (InputStream in = ReferenceFile.class.getResourceAsStream("/trackmate/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /trackmate/" + resource);
            }
            XMLInputFactory factory = XMLInputFactory.newInstance();
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            XMLStreamReader r = factory.createXMLStreamReader(in);
            Attributes track = null;
            String section = "";
            while (r.hasNext()) {
                if (r.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String name = r.getLocalName();
                switch (name) {
                    case "SpotsInFrame":
                        file.frameKeys.add(Integer.parseInt(r.getAttributeValue(null, "frame")));
                        break;
                    case "Spot":
                        file.spots.add(readSpot(r));
                        break;
                    case "Track":
                        track = numeric(r);
                        file.tracks.add(track);
                        break;
                    case "Edge":
                        Attributes edge = numeric(r);
                        file.edges.add(edge);
                        track.edges.add(edge);
                        break;
                    case "Linking":
                    case "GapClosing":
                    case "TrackSplitting":
                    case "TrackMerging":
                        section = name;
                        file.readSettings(r);
                        break;
                    case "TrackerSettings":
                        file.readSettings(r);
                        file.settings.remove("TRACKER_NAME");
                        break;
                    case "FeaturePenalties":
                        file.readPenalties(r, section);
                        break;
                    default:
                        break;
                }
            }
        }
        return file;
    }

    /** @return for each edge (file order), the index of its Track element */
    public int[] edgeTrackIndex() {
        int[] out = new int[edges.size()];
        int e = 0;
        for (int k = 0; k < tracks.size(); k++) {
            for (int i = 0; i < tracks.get(k).edges.size(); i++) {
                out[e++] = k;
            }
        }
        return out;
    }

    private static RefSpot readSpot(XMLStreamReader r) {
        RefSpot spot = new RefSpot(Integer.parseInt(r.getAttributeValue(null, "ID")));
        for (int a = 0; a < r.getAttributeCount(); a++) {
            String key = r.getAttributeLocalName(a);
            if (!key.equals("ID") && !key.equals("name")) {
                spot.features.put(key, Double.valueOf(r.getAttributeValue(a)));
            }
        }
        return spot;
    }

    private static Attributes numeric(XMLStreamReader r) {
        Attributes out = new Attributes();
        for (int a = 0; a < r.getAttributeCount(); a++) {
            String key = r.getAttributeLocalName(a);
            if (!key.equals("name")) {
                out.values.put(key, Double.valueOf(r.getAttributeValue(a)));
            }
        }
        return out;
    }

    private void readSettings(XMLStreamReader r) {
        for (int a = 0; a < r.getAttributeCount(); a++) {
            String key = r.getAttributeLocalName(a);
            String value = r.getAttributeValue(a);
            if (key.startsWith("ALLOW_")) {
                settings.put(key, Boolean.parseBoolean(value));
            } else if (key.equals("MAX_FRAME_GAP")) {
                settings.put(key, Integer.parseInt(value));
            } else if (!key.equals("TRACKER_NAME")) {
                settings.put(key, Double.valueOf(value));
            }
        }
    }

    private void readPenalties(XMLStreamReader r, String section) {
        Map<String, Double> map = new HashMap<>();
        for (int a = 0; a < r.getAttributeCount(); a++) {
            map.put(r.getAttributeLocalName(a), Double.valueOf(r.getAttributeValue(a)));
        }
        String key;
        switch (section) {
            case "Linking":
                key = "LINKING_FEATURE_PENALTIES";
                break;
            case "GapClosing":
                key = "GAP_CLOSING_FEATURE_PENALTIES";
                break;
            case "TrackSplitting":
                key = "SPLITTING_FEATURE_PENALTIES";
                break;
            default:
                key = "MERGING_FEATURE_PENALTIES";
                break;
        }
        settings.put(key, map);
    }
}
