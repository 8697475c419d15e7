package net.imagej.axis;

/** Stand-in for imagej-common's {@code AxisType} (test only). */
public interface AxisType {
    /** @return the axis label, e.g. "X" */
    String getLabel();

    /** @return true for X, Y and Z */
    boolean isSpatial();
}
