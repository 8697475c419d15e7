package org.volltrack.btrackmate.model;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers a list of distinct spots 0..n-1 and finds the number of a spot fast: an open-addressing table keyed
 * by spot ID (no boxing, no hashing of objects), checked by identity; if two distinct spots share an ID it falls
 * back to an identity map.
 */
public final class SpotIndex {

    private final Spot[] spots;
    private final int[] table;
    private final int[] tableIds;
    private final int mask;
    private Map<Spot, Integer> byIdentity;

    /**
     * @param spots distinct spots; spot i gets number i
     */
    public SpotIndex(final List<Spot> spots) {
        this.spots = spots.toArray(new Spot[0]);
        int capacity = 16;
        while (capacity < 2L * this.spots.length) {
            capacity <<= 1;
        }
        table = new int[capacity];
        tableIds = new int[capacity];
        Arrays.fill(table, -1);
        mask = capacity - 1;
        for (int i = 0; i < this.spots.length && byIdentity == null; i++) {
            insert(i);
        }
    }

    private void insert(final int index) {
        final int id = this.spots[index].getId();
        int slot = mix(id) & mask;
        while (table[slot] >= 0) {
            if (tableIds[slot] == id) {
                useIdentityMap();
                return;
            }
            slot = (slot + 1) & mask;
        }
        table[slot] = index;
        tableIds[slot] = id;
    }

    private void useIdentityMap() {
        byIdentity = new IdentityHashMap<>(2 * spots.length);
        for (int i = 0; i < spots.length; i++) {
            byIdentity.put(spots[i], i);
        }
    }

    private static int mix(final int id) {
        final int h = id * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** @return number of spots */
    public int size() {
        return spots.length;
    }

    /**
     * @param index a number
     * @return the spot with that number
     */
    public Spot spot(final int index) {
        return spots[index];
    }

    /**
     * @param spot a spot
     * @return its number, or -1 if it is not in the list
     */
    public int indexOf(final Spot spot) {
        if (byIdentity != null) {
            final Integer index = byIdentity.get(spot);
            return index == null ? -1 : index;
        }
        final int id = spot.getId();
        int slot = mix(id) & mask;
        while (table[slot] >= 0) {
            if (tableIds[slot] == id) {
                return spots[table[slot]] == spot ? table[slot] : -1;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }
}
