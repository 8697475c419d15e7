package org.volltrack.btrackmate.xml;

/**
 * A TrackMate feature filter ({@code <Filter feature value isabove/>}): keeps objects whose feature is
 * {@code >= value} when {@code isAbove}, else {@code <= value}.
 */
public final class FeatureFilter {

    /** Feature key. */
    public final String feature;
    /** Threshold. */
    public final double value;
    /** True to keep values above (inclusive), false to keep values below (inclusive). */
    public final boolean isAbove;

    /**
     * @param feature feature key
     * @param value   threshold
     * @param isAbove keep values &gt;= threshold (true) or &lt;= threshold (false)
     */
    public FeatureFilter(final String feature, final double value, final boolean isAbove) {
        this.feature = feature;
        this.value = value;
        this.isAbove = isAbove;
    }
}
