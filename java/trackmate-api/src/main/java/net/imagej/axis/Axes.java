package net.imagej.axis;

/** Stand-in for imagej-common's {@code Axes} (test only): the axis types TrackMate images use. */
public final class Axes {

    /** X axis. */
    public static final AxisType X = new Named("X", true);
    /** Y axis. */
    public static final AxisType Y = new Named("Y", true);
    /** Z axis. */
    public static final AxisType Z = new Named("Z", true);
    /** Channel axis. */
    public static final AxisType CHANNEL = new Named("Channel", false);
    /** Time axis. */
    public static final AxisType TIME = new Named("Time", false);

    private Axes() {
    }

    private static final class Named implements AxisType {
        private final String label;
        private final boolean spatial;

        Named(final String label, final boolean spatial) {
            this.label = label;
            this.spatial = spatial;
        }

        @Override
        public String getLabel() {
            return label;
        }

        @Override
        public boolean isSpatial() {
            return spatial;
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
