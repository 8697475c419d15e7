package org.volltrack.btrackmate.ij;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The checks TrackMate's loader (7.x/8.x {@code LoadTrackMatePlugIn}) makes, as listed in trackmate.md §1.13:
 * what makes it crash or abort, and what it logs as an error. Returns every violation found.
 */
final class TrackMateLoaderRules {

    /** Valid names of {@code fiji.plugin.trackmate.Dimension}. */
    static final Set<String> DIMENSIONS = new HashSet<>(Arrays.asList("NONE", "QUALITY", "COST", "INTENSITY",
            "INTENSITY_SQUARED", "POSITION", "VELOCITY", "LENGTH", "AREA", "TIME", "ANGLE", "RATE", "ANGLE_RATE",
            "STRING"));

    private TrackMateLoaderRules() {
    }

    static List<String> violations(final File xml) throws Exception {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final Document doc = factory.newDocumentBuilder().parse(xml);
        final List<String> out = new ArrayList<>();
        final Element root = doc.getDocumentElement();
        if (!"TrackMate".equals(root.getTagName())) {
            out.add("root element is " + root.getTagName());
        }
        if (compareVersions(root.getAttribute("version"), "2.1.0") < 0) {
            out.add("version attribute missing or below 2.1.0: '" + root.getAttribute("version") + "'");
        }
        final Element model = child(root, "Model", out);
        if (model == null) {
            return out;
        }
        final Element declarations = child(model, "FeatureDeclarations", out);
        if (declarations != null) {
            for (final String kind : new String[] {"SpotFeatures", "EdgeFeatures", "TrackFeatures"}) {
                child(declarations, kind, out);
            }
            for (final Element f : elements(declarations, "Feature")) {
                if (!DIMENSIONS.contains(f.getAttribute("dimension"))) {
                    out.add("feature " + f.getAttribute("feature") + " has dimension '" + f.getAttribute("dimension") + "'");
                }
            }
        }
        final Set<String> spotIds = checkSpots(child(model, "AllSpots", out), out);
        final Set<String> trackIds = checkTracks(child(model, "AllTracks", out), spotIds, out);
        final Element filtered = child(model, "FilteredTracks", out);
        if (filtered != null) {
            for (final Element t : elements(filtered, "TrackID")) {
                if (!trackIds.contains(t.getAttribute("TRACK_ID"))) {
                    out.add("FilteredTracks names unknown track " + t.getAttribute("TRACK_ID"));
                }
            }
        }
        final Element settings = directChild(root, "Settings");
        if (settings != null) {
            for (final String name : new String[] {"ImageData", "InitialSpotFilter", "SpotFilterCollection",
                "TrackFilterCollection", "DetectorSettings", "TrackerSettings", "AnalyzerCollection"}) {
                child(settings, name, out);
            }
        }
        return out;
    }

    private static Set<String> checkSpots(final Element allSpots, final List<String> out) {
        final Set<String> ids = new HashSet<>();
        if (allSpots == null) {
            return ids;
        }
        for (final Element spot : elements(allSpots, "Spot")) {
            final String id = spot.getAttribute("ID");
            if (id.isEmpty()) {
                out.add("a Spot has no ID");
            }
            ids.add(id);
            for (final String required : new String[] {"FRAME", "VISIBILITY", "POSITION_X", "POSITION_Y"}) {
                if (!spot.hasAttribute(required)) {
                    out.add("spot " + id + " has no " + required);
                }
            }
            final NamedNodeMap attributes = spot.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                final Node a = attributes.item(i);
                if (!"name".equals(a.getNodeName()) && !isNumber(a.getNodeValue())) {
                    out.add("spot " + id + " attribute " + a.getNodeName() + " is not numeric: " + a.getNodeValue());
                }
            }
            if (!spot.getTextContent().isEmpty() && Character.isWhitespace(spot.getTextContent().charAt(0))) {
                out.add("spot " + id + " ROI text starts with whitespace");
            }
        }
        return ids;
    }

    private static Set<String> checkTracks(final Element allTracks, final Set<String> spotIds,
            final List<String> out) {
        final Set<String> ids = new HashSet<>();
        if (allTracks == null) {
            return ids;
        }
        for (final Element track : elements(allTracks, "Track")) {
            ids.add(track.getAttribute("TRACK_ID"));
            for (final Element edge : elements(track, "Edge")) {
                for (final String end : new String[] {"SPOT_SOURCE_ID", "SPOT_TARGET_ID"}) {
                    if (!spotIds.contains(edge.getAttribute(end))) {
                        out.add("edge names unknown spot " + end + "=" + edge.getAttribute(end));
                    }
                }
            }
        }
        return ids;
    }

    private static boolean isNumber(final String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    private static int compareVersions(final String a, final String b) {
        if (a == null || a.isEmpty()) {
            return -1;
        }
        final String[] x = a.split("\\.");
        final String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            final int xi = i < x.length ? Integer.parseInt(x[i].replaceAll("\\D.*", "")) : 0;
            final int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }

    private static Element child(final Element parent, final String name, final List<String> out) {
        final Element e = directChild(parent, name);
        if (e == null) {
            out.add(parent.getTagName() + " has no " + name);
        }
        return e;
    }

    private static Element directChild(final Element parent, final String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && name.equals(((Element) n).getTagName())) {
                return (Element) n;
            }
        }
        return null;
    }

    private static List<Element> elements(final Element parent, final String name) {
        final NodeList list = parent.getElementsByTagName(name);
        final List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }
}
