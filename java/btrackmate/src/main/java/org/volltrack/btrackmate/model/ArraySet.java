package org.volltrack.btrackmate.model;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Unmodifiable set view of an array of distinct elements, in array order ({@code contains} is a linear scan;
 * the track model hands out its tracks' spots and edges this way without copying them into hash sets).
 *
 * @param <T> element type
 */
final class ArraySet<T> extends AbstractSet<T> {
    private final T[] items;

    ArraySet(final T[] items) {
        this.items = items;
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<T>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < items.length;
            }

            @Override
            public T next() {
                if (next >= items.length) {
                    throw new NoSuchElementException();
                }
                return items[next++];
            }
        };
    }

    @Override
    public int size() {
        return items.length;
    }
}
