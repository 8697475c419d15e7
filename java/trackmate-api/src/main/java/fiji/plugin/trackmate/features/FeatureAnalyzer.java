package fiji.plugin.trackmate.features;

import java.util.List;
import java.util.Map;

import fiji.plugin.trackmate.Dimension;
import fiji.plugin.trackmate.TrackMateModule;

/** Stand-in for TrackMate's {@code FeatureAnalyzer} (test only; trackmate.md 4.4). */
public interface FeatureAnalyzer extends TrackMateModule {
    /** @return feature keys */
    List<String> getFeatures();

    /** @return short names per key */
    Map<String, String> getFeatureShortNames();

    /** @return names per key */
    Map<String, String> getFeatureNames();

    /** @return dimensions per key */
    Map<String, Dimension> getFeatureDimensions();

    /** @return integer flags per key */
    Map<String, Boolean> getIsIntFeature();

    /** @return true when the values are set by hand */
    boolean isManualFeature();
}
