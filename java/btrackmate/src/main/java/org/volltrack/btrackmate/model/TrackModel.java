package org.volltrack.btrackmate.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Tracks of a {@link Model}: the connected components of the track graph, with IDs, names and visibility as
 * TrackMate's {@code TrackModel} assigns them.
 *
 * <p>{@link #rebuild} takes the components of {@link TrackComponents} (numbered as TrackMate does, single spots
 * included) and keeps those with an edge as tracks named {@code Track_0, Track_1, ...} (the names count only the
 * kept tracks). A rebuilt track lists its edges in a fixed order (earlier spot's FRAME, earlier spot's ID, later
 * spot's ID), so that sums over a track's edges, and hence its features, do not depend on hash order.
 * {@link #putTrack} instead trusts a grouping read from a file.
 *
 * <p>Tracks are stored as arrays; the spot → track and edge → track maps are built on first use.
 */
public final class TrackModel {

    private final Map<Integer, Track> tracks = new LinkedHashMap<>();
    private Map<Spot, Integer> trackOfSpot;
    private Map<DefaultWeightedEdge, Integer> trackOfEdge;

    /** One track: its spots and edges in order, name and visibility. */
    private static final class Track {
        final Spot[] spots;
        final DefaultWeightedEdge[] edges;
        String name;
        boolean visible;

        Track(final Spot[] spots, final DefaultWeightedEdge[] edges, final String name, final boolean visible) {
            this.spots = spots;
            this.edges = edges;
            this.name = name;
            this.visible = visible;
        }
    }

    /**
     * Recomputes all tracks from a graph as TrackMate does after tracking; every track becomes visible.
     *
     * @param graph the track graph
     */
    public void rebuild(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph) {
        clear();
        int nameCounter = 0;
        for (final TrackComponents.Component c : TrackComponents.of(graph)) {
            if (c.edges.length > 0) {
                tracks.put(c.id, new Track(c.spots, c.edges, "Track_" + nameCounter++, true));
            }
        }
    }

    /**
     * Adds one track with a trusted grouping (as the XML reader does).
     *
     * @param trackId   track ID
     * @param name      track name
     * @param spots     its spots
     * @param edges     its edges
     * @param isVisible whether the track is visible (listed in FilteredTracks)
     * @throws IllegalArgumentException if the ID is already used
     */
    public void putTrack(final int trackId, final String name, final Set<Spot> spots,
            final Set<DefaultWeightedEdge> edges, final boolean isVisible) {
        if (tracks.containsKey(trackId)) {
            throw new IllegalArgumentException("duplicate TRACK_ID " + trackId);
        }
        tracks.put(trackId, new Track(new LinkedHashSet<>(spots).toArray(new Spot[0]),
                new LinkedHashSet<>(edges).toArray(new DefaultWeightedEdge[0]), name, isVisible));
        trackOfSpot = null;
        trackOfEdge = null;
    }

    /** Removes all tracks. */
    public void clear() {
        tracks.clear();
        trackOfSpot = null;
        trackOfEdge = null;
    }

    /**
     * Track IDs sorted by track name (alphanumeric: digit runs compare as numbers), ties by ID.
     *
     * @param visibleOnly true for visible tracks only
     * @return the IDs
     */
    public Set<Integer> trackIDs(final boolean visibleOnly) {
        final List<Integer> ids = new ArrayList<>();
        for (final Map.Entry<Integer, Track> e : tracks.entrySet()) {
            if (!visibleOnly || e.getValue().visible) {
                ids.add(e.getKey());
            }
        }
        final Comparator<Integer> byName = (a, b) -> AlphanumericComparator.compareStrings(tracks.get(a).name,
                tracks.get(b).name);
        ids.sort(byName.thenComparing(Comparator.naturalOrder()));
        return Collections.unmodifiableSet(new LinkedHashSet<>(ids));
    }

    /** @return the number of tracks (visible and invisible) */
    public int nTracks() {
        return tracks.size();
    }

    /**
     * @param trackId track ID
     * @return spots of the track (unmodifiable), or null for an unknown ID
     */
    public Set<Spot> trackSpots(final int trackId) {
        final Track track = tracks.get(trackId);
        return track == null ? null : new ArraySet<>(track.spots);
    }

    /**
     * @param trackId track ID
     * @return edges of the track (unmodifiable, in the track's edge order), or null for an unknown ID
     */
    public Set<DefaultWeightedEdge> trackEdges(final int trackId) {
        final Track track = tracks.get(trackId);
        return track == null ? null : new ArraySet<>(track.edges);
    }

    /**
     * @param spot a spot
     * @return the ID of its track, or null when the spot is in no track
     */
    public Integer trackIDOf(final Spot spot) {
        if (trackOfSpot == null) {
            trackOfSpot = trackIdIndex(track -> track.spots);
        }
        return trackOfSpot.get(spot);
    }

    /**
     * @param edge an edge
     * @return the ID of its track, or null
     */
    public Integer trackIDOf(final DefaultWeightedEdge edge) {
        if (trackOfEdge == null) {
            trackOfEdge = trackIdIndex(track -> track.edges);
        }
        return trackOfEdge.get(edge);
    }

    /** @return member (spot or edge) &rarr; ID of the track that holds it */
    private <K> Map<K, Integer> trackIdIndex(final Function<Track, K[]> members) {
        final Map<K, Integer> map = new HashMap<>();
        tracks.forEach((id, track) -> {
            for (final K member : members.apply(track)) {
                map.put(member, id);
            }
        });
        return map;
    }

    /**
     * @param trackId track ID
     * @return the track name, or null for an unknown ID
     */
    public String name(final int trackId) {
        final Track track = tracks.get(trackId);
        return track == null ? null : track.name;
    }

    /**
     * @param trackId track ID
     * @param name    new name
     */
    public void setName(final int trackId, final String name) {
        requireTrack(trackId).name = name;
    }

    /**
     * @param trackId track ID
     * @return whether the track is visible
     */
    public boolean isVisible(final int trackId) {
        return requireTrack(trackId).visible;
    }

    /**
     * @param trackId   track ID
     * @param isVisible new visibility
     */
    public void setVisibility(final int trackId, final boolean isVisible) {
        requireTrack(trackId).visible = isVisible;
    }

    private Track requireTrack(final int trackId) {
        final Track track = tracks.get(trackId);
        if (track == null) {
            throw new IllegalArgumentException("unknown TRACK_ID " + trackId);
        }
        return track;
    }
}
