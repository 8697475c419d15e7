package org.volltrack.btrackmate.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;

/**
 * Spots grouped by frame, as TrackMate's {@code SpotCollection}. Frame keys matter: the frame-to-frame linker
 * pairs consecutive keys, so frames without spots are kept as keys ({@link #addFrame}). Spot IDs are unique.
 */
public final class SpotCollection {

    private final TreeMap<Integer, List<Spot>> byFrame = new TreeMap<>();
    private final Map<Integer, Spot> byId = new HashMap<>();

    /**
     * Adds a spot to a frame and sets its FRAME feature.
     *
     * @param spot  the spot
     * @param frame frame index, &gt;= 0
     * @throws IllegalArgumentException on a negative frame or a duplicate spot ID
     */
    public void add(final Spot spot, final int frame) {
        if (frame < 0) {
            throw new IllegalArgumentException("spot " + spot.getId() + ": frame must be >= 0, got " + frame);
        }
        final Spot previous = byId.putIfAbsent(spot.getId(), spot);
        if (previous != null) {
            throw new IllegalArgumentException("duplicate spot ID " + spot.getId());
        }
        spot.putFeature(FeatureKeys.FRAME, frame);
        byFrame.computeIfAbsent(frame, f -> new ArrayList<>()).add(spot);
    }

    /**
     * Adds a frame key without spots (no-op if present).
     *
     * @param frame frame index, &gt;= 0
     */
    public void addFrame(final int frame) {
        if (frame < 0) {
            throw new IllegalArgumentException("frame must be >= 0, got " + frame);
        }
        byFrame.computeIfAbsent(frame, f -> new ArrayList<>());
    }

    /**
     * Adds every frame key from {@code first} to {@code last} inclusive.
     *
     * @param first first frame
     * @param last  last frame
     */
    public void addFrames(final int first, final int last) {
        for (int f = first; f <= last; f++) {
            addFrame(f);
        }
    }

    /** @return frame keys in ascending order (unmodifiable view) */
    public NavigableSet<Integer> keySet() {
        return Collections.unmodifiableNavigableSet(byFrame.navigableKeySet());
    }

    /**
     * Spots of one frame, in insertion order.
     *
     * @param frame       frame index
     * @param visibleOnly true to skip invisible spots
     * @return the spots (empty for an unknown frame)
     */
    public Iterable<Spot> iterable(final int frame, final boolean visibleOnly) {
        final List<Spot> spots = byFrame.getOrDefault(frame, Collections.emptyList());
        if (!visibleOnly) {
            return Collections.unmodifiableList(spots);
        }
        final List<Spot> visible = new ArrayList<>();
        for (final Spot spot : spots) {
            if (spot.isVisible()) {
                visible.add(spot);
            }
        }
        return visible;
    }

    /**
     * All spots, frame by frame in ascending frame order.
     *
     * @param visibleOnly true to skip invisible spots
     * @return the spots
     */
    public List<Spot> all(final boolean visibleOnly) {
        final List<Spot> out = new ArrayList<>();
        for (final List<Spot> spots : byFrame.values()) {
            for (final Spot spot : spots) {
                if (!visibleOnly || spot.isVisible()) {
                    out.add(spot);
                }
            }
        }
        return out;
    }

    /**
     * Number of spots.
     *
     * @param visibleOnly true to count visible spots only
     * @return the count
     */
    public int getNSpots(final boolean visibleOnly) {
        if (!visibleOnly) {
            return byId.size();
        }
        int n = 0;
        for (final List<Spot> spots : byFrame.values()) {
            for (final Spot spot : spots) {
                n += spot.isVisible() ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * Number of spots in one frame.
     *
     * @param frame       frame index
     * @param visibleOnly true to count visible spots only
     * @return the count
     */
    public int getNSpots(final int frame, final boolean visibleOnly) {
        int n = 0;
        for (final Spot spot : byFrame.getOrDefault(frame, Collections.emptyList())) {
            n += !visibleOnly || spot.isVisible() ? 1 : 0;
        }
        return n;
    }

    /**
     * Looks a spot up by ID.
     *
     * @param id spot ID
     * @return the spot, or null
     */
    public Spot getSpot(final int id) {
        return byId.get(id);
    }
}
