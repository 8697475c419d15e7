package org.volltrack.btrackmate.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Compact insertion-ordered map from feature key to double value: the keys live in a {@link FeatureLayout}
 * shared by every store that got the same keys in the same order, the values in one primitive array. Lookup is
 * linear, which is faster and far smaller than a hash map for the 8–30 features a spot or edge carries. Not
 * thread-safe for writes.
 */
final class FeatureStore {

    private static final double[] NO_VALUES = new double[0];

    private FeatureLayout layout = FeatureLayout.EMPTY;
    private double[] values = NO_VALUES;

    /** @return the current key layout (shared; identity may be used as a cache key) */
    FeatureLayout layout() {
        return layout;
    }

    /** @return number of features */
    int size() {
        return layout.size();
    }

    /**
     * @param index position in {@link #layout()}
     * @return the value there
     */
    double valueAt(final int index) {
        return values[index];
    }

    void put(final String key, final double value) {
        final int index = layout.indexOf(key);
        if (index >= 0) {
            values[index] = value;
            return;
        }
        final int size = layout.size();
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.max(8, size * 2));
        }
        layout = layout.with(key);
        values[size] = value;
    }

    /**
     * Replaces all features at once by a shared layout and its values (the array is adopted, not copied).
     *
     * @param newLayout the keys
     * @param newValues one value per key
     */
    void setAll(final FeatureLayout newLayout, final double[] newValues) {
        layout = newLayout;
        values = newValues;
    }

    /** Removes all features. */
    void clear() {
        layout = FeatureLayout.EMPTY;
        values = NO_VALUES;
    }

    Double get(final Object key) {
        final int index = key instanceof String ? layout.indexOf((String) key) : -1;
        return index < 0 ? null : values[index];
    }

    double getOrDefault(final String key, final double fallback) {
        final int index = layout.indexOf(key);
        return index < 0 ? fallback : values[index];
    }

    void remove(final String key) {
        final int index = layout.indexOf(key);
        if (index < 0) {
            return;
        }
        final int size = layout.size();
        final double[] copy = new double[Math.max(8, size)];
        System.arraycopy(values, 0, copy, 0, index);
        System.arraycopy(values, index + 1, copy, index, size - index - 1);
        values = copy;
        layout = layout.without(index);
    }

    /** @return an unmodifiable live map view in insertion order */
    Map<String, Double> view() {
        return new View();
    }

    /** Read-only map view over the arrays. */
    private final class View extends AbstractMap<String, Double> {

        @Override
        public Double get(final Object key) {
            return FeatureStore.this.get(key);
        }

        @Override
        public boolean containsKey(final Object key) {
            return key instanceof String && layout.indexOf((String) key) >= 0;
        }

        @Override
        public int size() {
            return layout.size();
        }

        @Override
        public Set<Map.Entry<String, Double>> entrySet() {
            return new AbstractSet<Map.Entry<String, Double>>() {
                @Override
                public Iterator<Map.Entry<String, Double>> iterator() {
                    return new Iterator<Map.Entry<String, Double>>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < layout.size();
                        }

                        @Override
                        public Map.Entry<String, Double> next() {
                            if (next >= layout.size()) {
                                throw new NoSuchElementException();
                            }
                            final int i = next++;
                            return new AbstractMap.SimpleImmutableEntry<>(layout.key(i), values[i]);
                        }
                    };
                }

                @Override
                public int size() {
                    return layout.size();
                }
            };
        }
    }
}
