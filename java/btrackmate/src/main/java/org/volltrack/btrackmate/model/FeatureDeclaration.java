package org.volltrack.btrackmate.model;

import java.util.Objects;

/**
 * Declaration of one feature as TrackMate writes it in {@code FeatureDeclarations}: key, long name, short name,
 * {@link Dimension} and whether the feature is an integer.
 */
public final class FeatureDeclaration {

    private final String key;
    private final String name;
    private final String shortName;
    private final Dimension dimension;
    private final boolean isInt;

    /**
     * Creates a declaration.
     *
     * @param key       feature key, e.g. {@code POSITION_X}
     * @param name      long name, e.g. {@code X}
     * @param shortName short name
     * @param dimension physical dimension
     * @param isInt     whether values are integers (written without a decimal point)
     */
    public FeatureDeclaration(final String key, final String name, final String shortName,
            final Dimension dimension, final boolean isInt) {
        this.key = Objects.requireNonNull(key, "key");
        this.name = Objects.requireNonNull(name, "name");
        this.shortName = Objects.requireNonNull(shortName, "shortName");
        this.dimension = Objects.requireNonNull(dimension, "dimension");
        this.isInt = isInt;
    }

    /** @return the feature key */
    public String key() {
        return key;
    }

    /** @return the long name */
    public String name() {
        return name;
    }

    /** @return the short name */
    public String shortName() {
        return shortName;
    }

    /** @return the physical dimension */
    public Dimension dimension() {
        return dimension;
    }

    /** @return true when the feature holds integers */
    public boolean isInt() {
        return isInt;
    }

    @Override
    public boolean equals(final Object other) {
        if (!(other instanceof FeatureDeclaration)) {
            return false;
        }
        final FeatureDeclaration that = (FeatureDeclaration) other;
        return key.equals(that.key) && name.equals(that.name) && shortName.equals(that.shortName)
                && dimension == that.dimension && isInt == that.isInt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, name, shortName, dimension, isInt);
    }

    @Override
    public String toString() {
        return key + " (" + name + " / " + shortName + " / " + dimension + (isInt ? ", int)" : ")");
    }
}
