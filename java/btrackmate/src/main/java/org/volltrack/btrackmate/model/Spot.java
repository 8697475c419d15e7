package org.volltrack.btrackmate.model;

import java.util.Map;

/**
 * A detected cell at one time point, as a TrackMate spot: a unique integer ID, a name and numeric features in
 * TrackMate keys ({@link FeatureKeys}). Positions and radius are in physical units. Equality is identity (as in
 * TrackMate); {@link #compareTo} orders by ID, which the LAP tracker uses to sort cost matrix rows and columns.
 *
 * <p>A new spot is visible ({@code VISIBILITY = 1}). Features keep their insertion order, so a file read and
 * written again lists them in the same order. They are stored compactly (two small arrays), because a movie can
 * hold millions of spots.
 */
public final class Spot implements Comparable<Spot> {

    private final int id;
    private String name;
    private final FeatureStore features = new FeatureStore();
    private double[] roi;

    /**
     * Creates a visible spot without position.
     *
     * @param id unique spot ID
     */
    public Spot(final int id) {
        this.id = id;
        features.put(FeatureKeys.VISIBILITY, 1.0);
    }

    /**
     * Creates a visible spot at a position.
     *
     * @param id      unique spot ID
     * @param x       POSITION_X, physical units
     * @param y       POSITION_Y, physical units
     * @param z       POSITION_Z, physical units (0 in 2D)
     * @param radius  RADIUS, physical units
     * @param quality QUALITY
     */
    public Spot(final int id, final double x, final double y, final double z, final double radius,
            final double quality) {
        this(id);
        putFeature(FeatureKeys.POSITION_X, x);
        putFeature(FeatureKeys.POSITION_Y, y);
        putFeature(FeatureKeys.POSITION_Z, z);
        putFeature(FeatureKeys.RADIUS, radius);
        putFeature(FeatureKeys.QUALITY, quality);
    }

    /** @return the unique spot ID */
    public int getId() {
        return id;
    }

    /** @return the spot name ("ID&lt;id&gt;" unless set) */
    public String getName() {
        return name == null ? "ID" + id : name;
    }

    /**
     * Sets the spot name; null or empty restores the default "ID&lt;id&gt;".
     *
     * @param name new name
     */
    public void setName(final String name) {
        this.name = name == null || name.isEmpty() ? null : name;
    }

    /**
     * Stores a feature value.
     *
     * @param key   feature key
     * @param value value
     */
    public void putFeature(final String key, final double value) {
        features.put(key, value);
    }

    /**
     * Returns a feature value.
     *
     * @param key feature key
     * @return the value, or null when the spot has no such feature
     */
    public Double getFeature(final String key) {
        return features.get(key);
    }

    /**
     * Removes a feature.
     *
     * @param key feature key
     */
    public void removeFeature(final String key) {
        features.remove(key);
    }

    /** @return the features of this spot in insertion order (unmodifiable view) */
    public Map<String, Double> getFeatures() {
        return features.view();
    }

    /** @return number of features */
    public int featureCount() {
        return features.size();
    }

    /**
     * @param index position in insertion order, 0 .. {@link #featureCount()} - 1
     * @return the key there
     */
    public String featureKey(final int index) {
        return features.layout().key(index);
    }

    /**
     * @param index position in insertion order, 0 .. {@link #featureCount()} - 1
     * @return the value there
     */
    public double featureValue(final int index) {
        return features.valueAt(index);
    }

    /**
     * An opaque token equal (identical) for spots whose features have the same keys in the same order, for
     * callers that cache per key sequence (e.g. the XML writer's attribute order); spots with equal key
     * sequences usually, but not always, share a token.
     *
     * @return the token
     */
    public FeatureLayout featureLayout() {
        return features.layout();
    }

    /**
     * Returns a position coordinate.
     *
     * @param d 0 = X, 1 = Y, 2 = Z
     * @return the coordinate; 0 when the feature is absent
     */
    public double getDoublePosition(final int d) {
        final String key;
        switch (d) {
            case 0:
                key = FeatureKeys.POSITION_X;
                break;
            case 1:
                key = FeatureKeys.POSITION_Y;
                break;
            case 2:
                key = FeatureKeys.POSITION_Z;
                break;
            default:
                throw new IllegalArgumentException("dimension must be 0, 1 or 2, got " + d);
        }
        return features.getOrDefault(key, 0.0);
    }

    /** @return the FRAME feature as int (0 when absent) */
    public int frame() {
        final double value = features.getOrDefault(FeatureKeys.FRAME, 0.0);
        final int frame = (int) value;
        return frame == value ? frame : (int) Math.round(value);
    }

    /** @return true unless VISIBILITY is 0 */
    public boolean isVisible() {
        final double value = features.getOrDefault(FeatureKeys.VISIBILITY, 1.0);
        return value > 0 || Double.isNaN(value);
    }

    /**
     * Sets the VISIBILITY feature.
     *
     * @param visible true for 1, false for 0
     */
    public void setVisible(final boolean visible) {
        features.put(FeatureKeys.VISIBILITY, visible ? 1.0 : 0.0);
    }

    /**
     * Squared physical distance to another spot, Z included.
     *
     * @param other the other spot
     * @return squared distance
     */
    public double squareDistanceTo(final Spot other) {
        double sum = 0;
        for (int d = 0; d < 3; d++) {
            final double delta = getDoublePosition(d) - other.getDoublePosition(d);
            sum += delta * delta;
        }
        return sum;
    }

    /**
     * Returns the 2D ROI polygon as {@code x0, y0, x1, y1, ...}, physical units relative to the spot centre,
     * or null when the spot has none (3D spots are spheres).
     *
     * @return a copy of the polygon, or null
     */
    public double[] getRoi() {
        return roi == null ? null : roi.clone();
    }

    /**
     * Sets the 2D ROI polygon ({@code x0, y0, x1, y1, ...} relative to the centre), or null for none.
     *
     * @param polygon the polygon (even length), or null
     */
    public void setRoi(final double[] polygon) {
        if (polygon != null && polygon.length % 2 != 0) {
            throw new IllegalArgumentException("spot " + id + ": ROI needs an even number of coordinates, got "
                    + polygon.length);
        }
        this.roi = polygon == null ? null : polygon.clone();
    }

    @Override
    public int compareTo(final Spot other) {
        return Integer.compare(id, other.id);
    }

    @Override
    public String toString() {
        return getName();
    }
}
