package fiji.plugin.trackmate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.jgrapht.graph.DefaultWeightedEdge;

/** Stand-in for TrackMate's {@code FeatureModel} (test only): declarations and edge/track feature values. */
public class FeatureModel {

    private final Collection<String> spotFeatures = new ArrayList<>();
    private final Collection<String> trackFeatures = new ArrayList<>();
    private final Map<String, Dimension> trackDimensions = new HashMap<>();
    private final Map<Integer, Map<String, Double>> trackValues = new HashMap<>();
    private final Map<DefaultWeightedEdge, Map<String, Double>> edgeValues = new HashMap<>();

    /**
     * Declares spot features.
     *
     * @param features keys
     * @param featureNames names
     * @param featureShortNames short names
     * @param featureDimensions dimensions
     * @param isIntFeature integer flags
     */
    public void declareSpotFeatures(final Collection<String> features, final Map<String, String> featureNames,
            final Map<String, String> featureShortNames, final Map<String, Dimension> featureDimensions,
            final Map<String, Boolean> isIntFeature) {
        spotFeatures.addAll(features);
    }

    /**
     * Declares track features.
     *
     * @param features keys
     * @param featureNames names
     * @param featureShortNames short names
     * @param featureDimensions dimensions
     * @param isIntFeature integer flags
     */
    public void declareTrackFeatures(final Collection<String> features, final Map<String, String> featureNames,
            final Map<String, String> featureShortNames, final Map<String, Dimension> featureDimensions,
            final Map<String, Boolean> isIntFeature) {
        trackFeatures.addAll(features);
        trackDimensions.putAll(featureDimensions);
    }

    /** @return declared spot features */
    public Collection<String> getSpotFeatures() {
        return spotFeatures;
    }

    /** @return declared track features */
    public Collection<String> getTrackFeatures() {
        return trackFeatures;
    }

    /** @return dimensions of the declared track features */
    public Map<String, Dimension> getTrackFeatureDimensions() {
        return trackDimensions;
    }

    /**
     * @param trackID a track
     * @param feature a key
     * @param value its value
     */
    public synchronized void putTrackFeature(final Integer trackID, final String feature, final Double value) {
        trackValues.computeIfAbsent(trackID, k -> new HashMap<>()).put(feature, value);
    }

    /**
     * @param trackID a track
     * @param feature a key
     * @return the value, or null
     */
    public Double getTrackFeature(final Integer trackID, final String feature) {
        final Map<String, Double> values = trackValues.get(trackID);
        return values == null ? null : values.get(feature);
    }

    /**
     * @param edge an edge
     * @param feature a key
     * @param value its value
     */
    public synchronized void putEdgeFeature(final DefaultWeightedEdge edge, final String feature,
            final Double value) {
        edgeValues.computeIfAbsent(edge, k -> new HashMap<>()).put(feature, value);
    }

    /**
     * @param edge an edge
     * @param featureName a key
     * @return the value, or null
     */
    public Double getEdgeFeature(final DefaultWeightedEdge edge, final String featureName) {
        final Map<String, Double> values = edgeValues.get(edge);
        return values == null ? null : values.get(featureName);
    }
}
