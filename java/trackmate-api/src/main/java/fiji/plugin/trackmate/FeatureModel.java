package fiji.plugin.trackmate;

import java.util.HashMap;
import java.util.Map;

/** Stand-in for TrackMate's {@code FeatureModel} (test only): track feature values. */
public class FeatureModel {

    private final Map<Integer, Map<String, Double>> trackValues = new HashMap<>();

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
}
