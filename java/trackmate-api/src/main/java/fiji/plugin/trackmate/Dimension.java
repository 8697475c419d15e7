package fiji.plugin.trackmate;

/** Stand-in for TrackMate's {@code Dimension} enum (test only): the physical dimension of a feature. */
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
    /** Position. */
    POSITION,
    /** Velocity. */
    VELOCITY,
    /** Length. */
    LENGTH,
    /** Area. */
    AREA,
    /** Time. */
    TIME,
    /** Angle. */
    ANGLE,
    /** Rate. */
    RATE,
    /** Angular rate. */
    ANGLE_RATE,
    /** Non-numeric feature. */
    STRING
}
