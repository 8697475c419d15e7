package org.volltrack.btrackmate.xml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;

/**
 * Reads the {@code Model} element (units, spots, tracks, filtered tracks) into a {@link Model}. Edges are kept
 * as IDs until the end of the document, then resolved; the file's grouping of edges into tracks is trusted, as
 * in TrackMate, but a spot may belong to one track only.
 */
final class ModelXmlReader {

    private final Model model;
    private final XmlErrors errors;
    private final List<PendingTrack> tracks = new ArrayList<>();
    private final Set<Integer> filtered = new HashSet<>();
    private int currentFrame;
    private PendingTrack currentTrack;

    ModelXmlReader(final Model model, final XmlErrors errors) {
        this.model = model;
        this.errors = errors;
    }

    /** @return true when the element's end tag was consumed */
    boolean start(final XMLStreamReader r, final String name, final String parent)
            throws XMLStreamException, XmlFormatException {
        switch (name) {
            case XmlKeys.MODEL:
                final String space = r.getAttributeValue(null, "spatialunits");
                final String time = r.getAttributeValue(null, "timeunits");
                model.setPhysicalUnits(space == null ? "pixel" : space, time == null ? "frame" : time);
                return false;
            case XmlKeys.SPOTS_IN_FRAME:
                final String frame = r.getAttributeValue(null, "frame");
                currentFrame = frame == null ? 0 : errors.parseInt(r, "frame", frame);
                if (currentFrame < 0) {
                    throw errors.at(r, "SpotsInFrame frame=\"" + frame + "\" is negative");
                }
                model.getSpots().addFrame(currentFrame);
                return false;
            case XmlKeys.SPOT:
                readSpot(r);
                return true;
            case XmlKeys.TRACK:
                currentTrack = new PendingTrack(r);
                tracks.add(currentTrack);
                return false;
            case XmlKeys.EDGE:
                if (currentTrack != null && XmlKeys.TRACK.equals(parent)) {
                    currentTrack.edges.add(new PendingEdge(r));
                }
                return false;
            case XmlKeys.TRACK_ID:
                final String id = r.getAttributeValue(null, FeatureKeys.TRACK_ID);
                if (id != null) {
                    filtered.add(errors.parseInt(r, FeatureKeys.TRACK_ID, id));
                }
                return false;
            default:
                return false;
        }
    }

    private void readSpot(final XMLStreamReader r) throws XMLStreamException, XmlFormatException {
        final Location location = r.getLocation();
        Integer id = null;
        String name = null;
        int roiPoints = 0;
        final Map<String, Double> features = new LinkedHashMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            final String key = r.getAttributeLocalName(i);
            final String value = r.getAttributeValue(i);
            if ("ID".equals(key)) {
                id = errors.parseInt(r, key, value);
            } else if ("name".equals(key)) {
                name = value;
            } else if ("ROI_N_POINTS".equals(key)) {
                roiPoints = errors.parseInt(r, key, value);
            } else {
                features.put(key, errors.parseDouble(r, key, value));
            }
        }
        final String text = r.getElementText();
        if (id == null) {
            throw errors.at(location, "<Spot> without ID attribute");
        }
        final Spot spot = new Spot(id);
        spot.setName(name);
        features.forEach(spot::putFeature);
        final Double frame = features.get(FeatureKeys.FRAME);
        if (frame != null && frame != currentFrame) {
            throw errors.at(location, "spot " + id + " has FRAME=" + frame + " but is in SpotsInFrame frame="
                    + currentFrame);
        }
        if (roiPoints > 2) {
            spot.setRoi(parseRoi(location, id, roiPoints, text));
        }
        try {
            model.getSpots().add(spot, currentFrame);
        } catch (final IllegalArgumentException e) {
            throw errors.at(location, e.getMessage());
        }
    }

    private double[] parseRoi(final Location location, final int id, final int points, final String text)
            throws XmlFormatException {
        final String[] tokens = text.trim().split("\\s+");
        if (tokens.length < 2 * points) {
            throw errors.at(location, "spot " + id + ": ROI_N_POINTS=" + points + " needs " + 2 * points
                    + " coordinates, found " + tokens.length);
        }
        final double[] roi = new double[2 * points];
        try {
            for (int i = 0; i < roi.length; i++) {
                roi[i] = Double.parseDouble(tokens[i]);
            }
        } catch (final NumberFormatException e) {
            throw errors.at(location, "spot " + id + ": ROI coordinates are not numbers: " + e.getMessage());
        }
        return roi;
    }

    /** Resolves the pending tracks into the model's graph and track model. */
    void finish(final boolean hasFilteredTracks) throws XmlFormatException {
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = Model.newGraph();
        model.setGraphKeepingTrackModelEmpty(graph);
        final Map<Spot, Integer> trackOfSpot = new HashMap<>();
        for (final PendingTrack track : tracks) {
            final Set<Spot> spots = new LinkedHashSet<>();
            final Set<DefaultWeightedEdge> edges = new LinkedHashSet<>();
            for (final PendingEdge pending : track.edges) {
                final DefaultWeightedEdge edge = addEdge(graph, pending);
                edges.add(edge);
                for (final Spot spot : new Spot[] {graph.getEdgeSource(edge), graph.getEdgeTarget(edge)}) {
                    final Integer other = trackOfSpot.putIfAbsent(spot, track.id);
                    if (other != null && other != track.id) {
                        throw errors.at(pending.location, "spot " + spot.getId() + " is in Track " + other
                                + " and in Track " + track.id + "; a connected component must be one Track");
                    }
                    spots.add(spot);
                }
            }
            if (edges.isEmpty()) {
                continue;
            }
            try {
                model.getTrackModel().putTrack(track.id, track.name, spots, edges,
                        !hasFilteredTracks || filtered.contains(track.id));
            } catch (final IllegalArgumentException e) {
                throw errors.at(track.location, e.getMessage());
            }
            track.features.forEach((key, value) -> model.putTrackFeature(track.id, key, value));
        }
    }

    private DefaultWeightedEdge addEdge(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            final PendingEdge pending) throws XmlFormatException {
        final Spot source = model.getSpots().getSpot(pending.source);
        final Spot target = model.getSpots().getSpot(pending.target);
        if (source == null || target == null) {
            throw errors.at(pending.location, "edge " + pending.source + " -> " + pending.target
                    + " refers to unknown spot ID " + (source == null ? pending.source : pending.target));
        }
        if (source == target) {
            throw errors.at(pending.location, "edge " + pending.source + " -> " + pending.target
                    + " is a self-loop");
        }
        graph.addVertex(source);
        graph.addVertex(target);
        final DefaultWeightedEdge edge = graph.addEdge(source, target);
        if (edge == null) {
            throw errors.at(pending.location, "duplicate edge " + pending.source + " -> " + pending.target);
        }
        graph.setEdgeWeight(edge, pending.cost);
        pending.features.forEach((key, value) -> model.putEdgeFeature(edge, key, value));
        return edge;
    }

    /** A Track element before its edges are resolved. */
    private final class PendingTrack {
        final Location location;
        final String name;
        final int id;
        final Map<String, Double> features = new LinkedHashMap<>();
        final List<PendingEdge> edges = new ArrayList<>();

        PendingTrack(final XMLStreamReader r) throws XmlFormatException {
            location = r.getLocation();
            final String trackName = r.getAttributeValue(null, "name");
            name = trackName == null ? "Unnamed" : trackName;
            id = errors.parseInt(r, FeatureKeys.TRACK_ID, r.getAttributeValue(null, FeatureKeys.TRACK_ID));
            for (int i = 0; i < r.getAttributeCount(); i++) {
                final String key = r.getAttributeLocalName(i);
                if (!"name".equals(key)) {
                    try {
                        features.put(key, Double.parseDouble(r.getAttributeValue(i).trim()));
                    } catch (final NumberFormatException e) {
                        // TrackMate logs and skips non-numeric track attributes; so do we
                    }
                }
            }
        }
    }

    /** An Edge element before its spots are resolved. */
    private final class PendingEdge {
        final Location location;
        final int source;
        final int target;
        final double cost;
        final Map<String, Double> features = new LinkedHashMap<>();

        PendingEdge(final XMLStreamReader r) throws XmlFormatException {
            location = r.getLocation();
            source = errors.parseInt(r, FeatureKeys.SPOT_SOURCE_ID, r.getAttributeValue(null,
                    FeatureKeys.SPOT_SOURCE_ID));
            target = errors.parseInt(r, FeatureKeys.SPOT_TARGET_ID, r.getAttributeValue(null,
                    FeatureKeys.SPOT_TARGET_ID));
            final String costText = r.getAttributeValue(null, FeatureKeys.LINK_COST);
            cost = costText == null ? 0.0 : errors.parseDouble(r, FeatureKeys.LINK_COST, costText);
            for (int i = 0; i < r.getAttributeCount(); i++) {
                final String key = r.getAttributeLocalName(i);
                if (!FeatureKeys.SPOT_SOURCE_ID.equals(key) && !FeatureKeys.SPOT_TARGET_ID.equals(key)
                        && !FeatureKeys.LINK_COST.equals(key)) {
                    features.put(key, errors.parseDouble(r, key, r.getAttributeValue(i)));
                }
            }
        }
    }
}
