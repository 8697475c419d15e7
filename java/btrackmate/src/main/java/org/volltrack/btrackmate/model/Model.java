package org.volltrack.btrackmate.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * A TrackMate-like model: spots ({@link SpotCollection}), the track graph (an undirected jgrapht
 * {@link SimpleWeightedGraph} whose edge weight is LINK_COST, as in TrackMate), the {@link TrackModel} view of
 * its connected components, physical units, feature declarations and the edge and track feature values.
 */
public final class Model {

    private SpotCollection spots = new SpotCollection();
    private SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = newGraph();
    private final TrackModel trackModel = new TrackModel();
    private String spaceUnits = "micron";
    private String timeUnits = "sec";
    private final Map<String, FeatureDeclaration> spotDeclarations = new LinkedHashMap<>();
    private final Map<String, FeatureDeclaration> edgeDeclarations = new LinkedHashMap<>();
    private final Map<String, FeatureDeclaration> trackDeclarations = new LinkedHashMap<>();
    /** Features of edges that are not {@link ModelEdge}s (graphs built outside {@link #newGraph()}). */
    private final Map<DefaultWeightedEdge, FeatureStore> otherEdgeFeatures = new HashMap<>();
    private final Map<Integer, FeatureStore> trackFeatures = new HashMap<>();

    /** Creates an empty model with the base feature declarations of TrackMate. */
    public Model() {
        for (final String key : FeatureKeys.BASE_SPOT_FEATURES) {
            declareSpotFeature(FeatureKeys.spotDeclarations().get(key));
        }
        for (final String key : new String[] {
            FeatureKeys.SPOT_SOURCE_ID, FeatureKeys.SPOT_TARGET_ID, FeatureKeys.LINK_COST}) {
            declareEdgeFeature(FeatureKeys.edgeDeclarations().get(key));
        }
        declareTrackFeature(FeatureKeys.trackDeclarations().get(FeatureKeys.TRACK_INDEX));
        declareTrackFeature(FeatureKeys.trackDeclarations().get(FeatureKeys.TRACK_ID));
    }

    /** @return a new empty track graph of the type TrackMate uses */
    public static SimpleWeightedGraph<Spot, DefaultWeightedEdge> newGraph() {
        return new SimpleWeightedGraph<>(null, ModelEdge::new);
    }

    /** @return the spots */
    public SpotCollection getSpots() {
        return spots;
    }

    /**
     * Replaces the spots; clears the tracks.
     *
     * @param spots new spots
     */
    public void setSpots(final SpotCollection spots) {
        this.spots = spots;
        setTracks(newGraph());
    }

    /** @return the track graph */
    public SimpleWeightedGraph<Spot, DefaultWeightedEdge> getGraph() {
        return graph;
    }

    /**
     * Replaces the track graph and recomputes the tracks as TrackMate does after tracking (all visible);
     * edge and track feature values are cleared.
     *
     * @param newGraph the graph, e.g. a tracker's result
     */
    public void setTracks(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> newGraph) {
        this.graph = newGraph;
        clearEdgeAndTrackFeatures();
        trackModel.rebuild(newGraph);
    }

    /**
     * Replaces the graph without computing tracks; the caller then adds tracks with
     * {@link TrackModel#putTrack} (used by the XML reader, which trusts the file's grouping).
     *
     * @param newGraph the graph
     */
    public void setGraphKeepingTrackModelEmpty(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> newGraph) {
        this.graph = newGraph;
        clearEdgeAndTrackFeatures();
        trackModel.clear();
    }

    /** @return the tracks */
    public TrackModel getTrackModel() {
        return trackModel;
    }

    /** @return spatial units, e.g. "micron" */
    public String getSpaceUnits() {
        return spaceUnits;
    }

    /** @return time units, e.g. "sec" */
    public String getTimeUnits() {
        return timeUnits;
    }

    /**
     * @param space spatial units
     * @param time  time units
     */
    public void setPhysicalUnits(final String space, final String time) {
        this.spaceUnits = space;
        this.timeUnits = time;
    }

    /** @param declaration a spot feature declaration (replaces one with the same key) */
    public void declareSpotFeature(final FeatureDeclaration declaration) {
        spotDeclarations.put(declaration.key(), declaration);
    }

    /** @param declaration an edge feature declaration */
    public void declareEdgeFeature(final FeatureDeclaration declaration) {
        edgeDeclarations.put(declaration.key(), declaration);
    }

    /** @param declaration a track feature declaration */
    public void declareTrackFeature(final FeatureDeclaration declaration) {
        trackDeclarations.put(declaration.key(), declaration);
    }

    /** @return spot feature declarations in declaration order */
    public Map<String, FeatureDeclaration> getSpotDeclarations() {
        return Collections.unmodifiableMap(spotDeclarations);
    }

    /** @return edge feature declarations in declaration order */
    public Map<String, FeatureDeclaration> getEdgeDeclarations() {
        return Collections.unmodifiableMap(edgeDeclarations);
    }

    /** @return track feature declarations in declaration order */
    public Map<String, FeatureDeclaration> getTrackDeclarations() {
        return Collections.unmodifiableMap(trackDeclarations);
    }

    private void clearEdgeAndTrackFeatures() {
        otherEdgeFeatures.clear();
        trackFeatures.clear();
        for (final DefaultWeightedEdge edge : graph.edgeSet()) {
            if (edge instanceof ModelEdge) {
                ((ModelEdge) edge).features.clear();
            }
        }
    }

    private FeatureStore edgeStore(final DefaultWeightedEdge edge, final boolean create) {
        if (edge instanceof ModelEdge) {
            return ((ModelEdge) edge).features;
        }
        return create ? otherEdgeFeatures.computeIfAbsent(edge, e -> new FeatureStore())
                : otherEdgeFeatures.get(edge);
    }

    /**
     * @param edge  an edge of the graph
     * @param key   feature key
     * @param value value
     */
    public void putEdgeFeature(final DefaultWeightedEdge edge, final String key, final double value) {
        edgeStore(edge, true).put(key, value);
    }

    /**
     * Replaces all feature values of an edge at once (the fast path for computed features).
     *
     * @param edge   an edge of the graph
     * @param layout the keys, e.g. one {@link FeatureLayout#of} shared by all edges
     * @param values one value per key (adopted, not copied)
     * @throws IllegalArgumentException if the lengths differ
     */
    public void setEdgeFeatures(final DefaultWeightedEdge edge, final FeatureLayout layout, final double[] values) {
        if (values.length < layout.size()) {
            throw new IllegalArgumentException("need " + layout.size() + " values, got " + values.length);
        }
        edgeStore(edge, true).setAll(layout, values);
    }

    /**
     * @param edge an edge
     * @param key  feature key
     * @return the value, or null
     */
    public Double getEdgeFeature(final DefaultWeightedEdge edge, final String key) {
        final FeatureStore features = edgeStore(edge, false);
        return features == null ? null : features.get(key);
    }

    /**
     * @param edge an edge
     * @return its stored feature values in insertion order (unmodifiable; empty if none)
     */
    public Map<String, Double> getEdgeFeatures(final DefaultWeightedEdge edge) {
        final FeatureStore features = edgeStore(edge, false);
        return features == null ? Collections.emptyMap() : features.view();
    }

    /**
     * The keys of an edge's features in insertion order, for fast iteration with {@link #getEdgeFeatureValue}.
     *
     * @param edge an edge
     * @return the layout (shared between edges with the same keys)
     */
    public FeatureLayout getEdgeFeatureLayout(final DefaultWeightedEdge edge) {
        final FeatureStore features = edgeStore(edge, false);
        return features == null ? FeatureLayout.EMPTY : features.layout();
    }

    /**
     * @param edge  an edge
     * @param index position in {@link #getEdgeFeatureLayout}
     * @return the value there
     */
    public double getEdgeFeatureValue(final DefaultWeightedEdge edge, final int index) {
        return edgeStore(edge, false).valueAt(index);
    }

    /**
     * @param trackId track ID
     * @param key     feature key
     * @param value   value
     */
    public void putTrackFeature(final int trackId, final String key, final double value) {
        trackFeatures.computeIfAbsent(trackId, e -> new FeatureStore()).put(key, value);
    }

    /**
     * @param trackId track ID
     * @param key     feature key
     * @return the value, or null
     */
    public Double getTrackFeature(final int trackId, final String key) {
        final FeatureStore features = trackFeatures.get(trackId);
        return features == null ? null : features.get(key);
    }

    /**
     * @param trackId track ID
     * @return its stored feature values in insertion order (unmodifiable; empty if none)
     */
    public Map<String, Double> getTrackFeatures(final int trackId) {
        final FeatureStore features = trackFeatures.get(trackId);
        return features == null ? Collections.emptyMap() : features.view();
    }
}
