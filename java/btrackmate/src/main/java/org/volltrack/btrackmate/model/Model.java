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
    private final Map<DefaultWeightedEdge, Map<String, Double>> edgeFeatures = new HashMap<>();
    private final Map<Integer, Map<String, Double>> trackFeatures = new HashMap<>();

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
        return new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
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
        edgeFeatures.clear();
        trackFeatures.clear();
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
        edgeFeatures.clear();
        trackFeatures.clear();
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

    /**
     * @param edge  an edge of the graph
     * @param key   feature key
     * @param value value
     */
    public void putEdgeFeature(final DefaultWeightedEdge edge, final String key, final double value) {
        edgeFeatures.computeIfAbsent(edge, e -> new LinkedHashMap<>()).put(key, value);
    }

    /**
     * @param edge an edge
     * @param key  feature key
     * @return the value, or null
     */
    public Double getEdgeFeature(final DefaultWeightedEdge edge, final String key) {
        final Map<String, Double> features = edgeFeatures.get(edge);
        return features == null ? null : features.get(key);
    }

    /**
     * @param edge an edge
     * @return its stored feature values in insertion order (unmodifiable; empty if none)
     */
    public Map<String, Double> getEdgeFeatures(final DefaultWeightedEdge edge) {
        final Map<String, Double> features = edgeFeatures.get(edge);
        return features == null ? Collections.emptyMap() : Collections.unmodifiableMap(features);
    }

    /**
     * @param trackId track ID
     * @param key     feature key
     * @param value   value
     */
    public void putTrackFeature(final int trackId, final String key, final double value) {
        trackFeatures.computeIfAbsent(trackId, e -> new LinkedHashMap<>()).put(key, value);
    }

    /**
     * @param trackId track ID
     * @param key     feature key
     * @return the value, or null
     */
    public Double getTrackFeature(final int trackId, final String key) {
        final Map<String, Double> features = trackFeatures.get(trackId);
        return features == null ? null : features.get(key);
    }

    /**
     * @param trackId track ID
     * @return its stored feature values in insertion order (unmodifiable; empty if none)
     */
    public Map<String, Double> getTrackFeatures(final int trackId) {
        final Map<String, Double> features = trackFeatures.get(trackId);
        return features == null ? Collections.emptyMap() : Collections.unmodifiableMap(features);
    }
}
