package org.volltrack.btrackmate.model;

import java.util.Arrays;

/**
 * An immutable, shared sequence of feature keys (a "hidden class"): every {@link FeatureStore} that received the
 * same keys in the same order points to the same layout, so millions of spots or edges share one key array
 * instead of holding their own, and code that handles many stores (the XML writer) can cache work per layout.
 *
 * <p>Layouts form a tree rooted at {@link #EMPTY}: {@link #with} returns the child for one more key, created
 * once and then reused. The child table is published copy-on-write through a volatile field, so concurrent
 * builders at worst create an equal duplicate layout, which is harmless (layouts are compared by content where
 * it matters and by identity only as a cache key).
 */
public final class FeatureLayout {

    /** The layout without keys. */
    static final FeatureLayout EMPTY = new FeatureLayout(new String[0]);

    private final String[] keys;
    private volatile FeatureLayout[] children = new FeatureLayout[0];

    private FeatureLayout(final String[] keys) {
        this.keys = keys;
    }

    /** @return number of keys */
    public int size() {
        return keys.length;
    }

    /**
     * @param index position
     * @return the key at that position
     */
    public String key(final int index) {
        return keys[index];
    }

    /**
     * @param key a key
     * @return its position, or -1
     */
    public int indexOf(final String key) {
        final String[] k = keys;
        for (int i = 0; i < k.length; i++) {
            if (k[i] == key) {
                return i;
            }
        }
        for (int i = 0; i < k.length; i++) {
            if (k[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The layout with one more key at the end (the key must not be present).
     *
     * @param key the new key
     * @return the shared child layout
     */
    FeatureLayout with(final String key) {
        final FeatureLayout[] current = children;
        for (final FeatureLayout child : current) {
            final String last = child.keys[keys.length];
            if (last == key || last.equals(key)) {
                return child;
            }
        }
        final String[] grown = Arrays.copyOf(keys, keys.length + 1);
        grown[keys.length] = key;
        final FeatureLayout child = new FeatureLayout(grown);
        if (current.length < 64) {
            final FeatureLayout[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = child;
            children = next;
        }
        return child;
    }

    /**
     * The layout without the key at {@code index}, built from the root so that it is shared too.
     *
     * @param index position of the key to drop
     * @return the layout
     */
    FeatureLayout without(final int index) {
        FeatureLayout layout = EMPTY;
        for (int i = 0; i < keys.length; i++) {
            if (i != index) {
                layout = layout.with(keys[i]);
            }
        }
        return layout;
    }

    /**
     * The layout of the given keys in order (shared with every store that got them in this order).
     *
     * @param keys distinct keys
     * @return the layout
     */
    public static FeatureLayout of(final String... keys) {
        FeatureLayout layout = EMPTY;
        for (final String key : keys) {
            layout = layout.with(key);
        }
        return layout;
    }
}
