package fiji.plugin.trackmate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import net.imglib2.AbstractEuclideanSpace;
import net.imglib2.RealLocalizable;

/** Stand-in for TrackMate 8's {@code Spot} class (test only; trackmate.md 4.7). */
public class Spot extends AbstractEuclideanSpace implements RealLocalizable, Comparable<Spot> {

    /** Counter giving new spots their ID. */
    public static AtomicInteger IDcounter = new AtomicInteger(-1);
    /** Quality feature key. */
    public static final String QUALITY = "QUALITY";
    /** Radius feature key. */
    public static final String RADIUS = "RADIUS";
    /** X feature key. */
    public static final String POSITION_X = "POSITION_X";
    /** Y feature key. */
    public static final String POSITION_Y = "POSITION_Y";
    /** Z feature key. */
    public static final String POSITION_Z = "POSITION_Z";
    /** T feature key. */
    public static final String POSITION_T = "POSITION_T";
    /** Frame feature key. */
    public static final String FRAME = "FRAME";
    /** The three position keys. */
    public static final String[] POSITION_FEATURES = {POSITION_X, POSITION_Y, POSITION_Z};

    private final Map<String, Double> features = new ConcurrentHashMap<>();
    private final int id;
    private String name;

    /**
     * Creates a spot with a new ID.
     *
     * @param x X position
     * @param y Y position
     * @param z Z position
     * @param radius radius
     * @param quality quality
     * @param name name, or null for "ID" + ID
     */
    public Spot(final double x, final double y, final double z, final double radius, final double quality,
            final String name) {
        super(3);
        this.id = IDcounter.incrementAndGet();
        putFeature(POSITION_X, x);
        putFeature(POSITION_Y, y);
        putFeature(POSITION_Z, z);
        putFeature(RADIUS, radius);
        putFeature(QUALITY, quality);
        this.name = name == null ? "ID" + id : name;
    }

    /**
     * Creates a spot with a new ID and default name.
     *
     * @param x X position
     * @param y Y position
     * @param z Z position
     * @param radius radius
     * @param quality quality
     */
    public Spot(final double x, final double y, final double z, final double radius, final double quality) {
        this(x, y, z, radius, quality, null);
    }

    /** @param ID the ID of a spot being loaded */
    public Spot(final int ID) {
        super(3);
        this.id = ID;
        this.name = "ID" + ID;
    }

    /** @return the ID */
    public int ID() {
        return id;
    }

    /** @return the name */
    public String getName() {
        return name;
    }

    /** @param name the new name */
    public void setName(final String name) {
        this.name = name;
    }

    /** @return the live feature map */
    public Map<String, Double> getFeatures() {
        return features;
    }

    /**
     * @param feature a key
     * @return its value or null
     */
    public Double getFeature(final String feature) {
        return features.get(feature);
    }

    /**
     * @param feature a key
     * @param value its value
     */
    public void putFeature(final String feature, final Double value) {
        features.put(feature, value);
    }

    @Override
    public void localize(final float[] position) {
        for (int d = 0; d < 3; d++) {
            position[d] = getFloatPosition(d);
        }
    }

    @Override
    public void localize(final double[] position) {
        for (int d = 0; d < 3; d++) {
            position[d] = getDoublePosition(d);
        }
    }

    @Override
    public float getFloatPosition(final int d) {
        return (float) getDoublePosition(d);
    }

    @Override
    public double getDoublePosition(final int d) {
        final Double value = getFeature(POSITION_FEATURES[d]);
        return value == null ? 0.0 : value;
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof Spot && ((Spot) other).id == id;
    }

    @Override
    public int compareTo(final Spot o) {
        return Integer.compare(id, o.id);
    }

    @Override
    public String toString() {
        return name;
    }
}
