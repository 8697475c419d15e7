package org.volltrack.btrackmate.xml;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.XMLStreamException;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.volltrack.btrackmate.model.Dimension;
import org.volltrack.btrackmate.model.FeatureDeclaration;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.FeatureLayout;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;

/**
 * The feature declarations a written file carries: the model's declarations completed with one for every
 * feature actually written (TrackMate's own declaration when it knows the key, else a generic NONE/double one),
 * since TrackMate drops undeclared edge features on load.
 */
final class WrittenDeclarations {
    final Map<String, FeatureDeclaration> spot = new LinkedHashMap<>();
    final Map<String, FeatureDeclaration> edge = new LinkedHashMap<>();
    final Map<String, FeatureDeclaration> track = new LinkedHashMap<>();

    static WrittenDeclarations of(final Model model) {
        final WrittenDeclarations d = new WrittenDeclarations();
        d.spot.putAll(model.getSpotDeclarations());
        d.edge.putAll(model.getEdgeDeclarations());
        d.track.putAll(model.getTrackDeclarations());
        final Set<FeatureLayout> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final Integer frame : model.getSpots().keySet()) {
            for (final Spot spot : model.getSpots().iterable(frame, false)) {
                addKeys(d.spot, FeatureKeys.spotDeclarations(), spot.featureLayout(), seen);
            }
        }
        seen.clear();
        for (final DefaultWeightedEdge e : model.getGraph().edgeSet()) {
            addKeys(d.edge, FeatureKeys.edgeDeclarations(), model.getEdgeFeatureLayout(e), seen);
        }
        for (final Integer id : model.getTrackModel().trackIDs(false)) {
            for (final String key : model.getTrackFeatures(id).keySet()) {
                d.track.computeIfAbsent(key, k -> generic(FeatureKeys.trackDeclarations(), k));
            }
        }
        return d;
    }

    private static void addKeys(final Map<String, FeatureDeclaration> group,
            final Map<String, FeatureDeclaration> known, final FeatureLayout layout, final Set<FeatureLayout> seen) {
        if (!seen.add(layout)) {
            return;
        }
        for (int i = 0; i < layout.size(); i++) {
            group.computeIfAbsent(layout.key(i), k -> generic(known, k));
        }
    }

    private static FeatureDeclaration generic(final Map<String, FeatureDeclaration> known, final String key) {
        final FeatureDeclaration declaration = known.get(key);
        return declaration != null ? declaration
                : new FeatureDeclaration(key, key, key, Dimension.NONE, false);
    }

    void write(final IndentedXmlWriter xml) throws XMLStreamException {
        xml.start(XmlKeys.FEATURE_DECLARATIONS);
        writeGroup(xml, XmlKeys.SPOT_FEATURES, spot);
        writeGroup(xml, XmlKeys.EDGE_FEATURES, edge);
        writeGroup(xml, XmlKeys.TRACK_FEATURES, track);
        xml.end();
    }

    private static void writeGroup(final IndentedXmlWriter xml, final String name,
            final Map<String, FeatureDeclaration> group) throws XMLStreamException {
        xml.start(name);
        for (final FeatureDeclaration f : group.values()) {
            xml.empty(XmlKeys.FEATURE);
            xml.attribute("feature", f.key());
            xml.attribute("name", f.name());
            xml.attribute("shortname", f.shortName());
            xml.attribute("dimension", f.dimension().name());
            xml.attribute("isint", Boolean.toString(f.isInt()));
        }
        xml.end();
    }
}
