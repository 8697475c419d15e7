package org.volltrack.btrackmate.model;

/**
 * Physical dimension of a feature, with exactly the constant names of TrackMate 7.x/8.x
 * {@code fiji.plugin.trackmate.Dimension}. TrackMate's reader calls {@code Dimension.valueOf} on the
 * {@code dimension} attribute of feature declarations, so only these names may be written.
 */
public enum Dimension {
    /** Dimensionless. */
    NONE,
    /** Detection quality. */
    QUALITY,
    /** Linking cost. */
    COST,
    /** Intensity. */
    INTENSITY,
    /** Squared intensity. */
    INTENSITY_SQUARED,
    /** Position in space. */
    POSITION,
    /** Speed. */
    VELOCITY,
    /** Length. */
    LENGTH,
    /** Area. */
    AREA,
    /** Time. */
    TIME,
    /** Angle. */
    ANGLE,
    /** Rate (per time). */
    RATE,
    /** Angle per time. */
    ANGLE_RATE,
    /** String-valued (not used for numeric features). */
    STRING
}
