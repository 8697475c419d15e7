package org.volltrack.btrackmate.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Compact insertion-ordered map from feature key to double value: parallel arrays with linear lookup, which is
 * faster and far smaller than a hash map for the 8–30 features a spot carries. Not thread-safe for writes.
 */
final class FeatureStore {

    private String[] keys = new String[10];
    private double[] values = new double[10];
    private int size;
    private final Map<String, Double> view = new View();

    private int indexOf(final String key) {
        for (int i = 0; i < size; i++) {
            final String k = keys[i];
            if (k == key || k.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    void put(final String key, final double value) {
        final int index = indexOf(key);
        if (index >= 0) {
            values[index] = value;
            return;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    Double get(final Object key) {
        final int index = key instanceof String ? indexOf((String) key) : -1;
        return index < 0 ? null : values[index];
    }

    double getOrDefault(final String key, final double fallback) {
        final int index = indexOf(key);
        return index < 0 ? fallback : values[index];
    }

    void remove(final String key) {
        final int index = indexOf(key);
        if (index < 0) {
            return;
        }
        System.arraycopy(keys, index + 1, keys, index, size - index - 1);
        System.arraycopy(values, index + 1, values, index, size - index - 1);
        size--;
        keys[size] = null;
    }

    /** @return an unmodifiable live map view in insertion order */
    Map<String, Double> view() {
        return view;
    }

    /** Read-only map view over the arrays. */
    private final class View extends AbstractMap<String, Double> {

        @Override
        public Double get(final Object key) {
            return FeatureStore.this.get(key);
        }

        @Override
        public boolean containsKey(final Object key) {
            return key instanceof String && indexOf((String) key) >= 0;
        }

        @Override
        public int size() {
            return size;
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
                            return next < size;
                        }

                        @Override
                        public Map.Entry<String, Double> next() {
                            if (next >= size) {
                                throw new NoSuchElementException();
                            }
                            final int i = next++;
                            return new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }
}
