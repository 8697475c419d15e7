package fiji.plugin.trackmate.features;

/** Stand-in for TrackMate's {@code FeatureFilter} (test only): keep objects above or below a value. */
public class FeatureFilter {

    /** Feature key. */
    public final String feature;
    /** Threshold. */
    public final double value;
    /** True to keep objects above the threshold. */
    public final boolean isAbove;

    /**
     * @param feature feature key
     * @param value threshold
     * @param isAbove keep objects above the threshold
     */
    public FeatureFilter(final String feature, final double value, final boolean isAbove) {
        this.feature = feature;
        this.value = value;
        this.isAbove = isAbove;
    }
}
