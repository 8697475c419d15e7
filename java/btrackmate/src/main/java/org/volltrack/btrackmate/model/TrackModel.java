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

import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Tracks of a {@link Model}: the connected components of the track graph, with IDs, names and visibility as
 * TrackMate's {@code TrackModel} assigns them.
 *
 * <p>{@link #rebuild} numbers components breadth-first over the graph's vertex insertion order; the ID counter
 * increases for every component, including single spots, which are then dropped (a track has at least one
 * edge). Names {@code Track_0, Track_1, ...} count only the kept tracks. {@link #putTrack} instead trusts a
 * grouping read from a file.
 */
public final class TrackModel {

    private final Map<Integer, Set<Spot>> spotsById = new LinkedHashMap<>();
    private final Map<Integer, Set<DefaultWeightedEdge>> edgesById = new LinkedHashMap<>();
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Boolean> visible = new HashMap<>();
    private final Map<Spot, Integer> trackOfSpot = new HashMap<>();
    private final Map<DefaultWeightedEdge, Integer> trackOfEdge = new HashMap<>();

    /**
     * Recomputes all tracks from a graph as TrackMate does after tracking; every track becomes visible.
     *
     * @param graph the track graph
     */
    public void rebuild(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph) {
        clear();
        final List<Set<Spot>> components = new ConnectivityInspector<>(graph).connectedSets();
        int idCounter = 0;
        int nameCounter = 0;
        for (final Set<Spot> component : components) {
            final int trackId = idCounter++;
            final Set<DefaultWeightedEdge> edges = new LinkedHashSet<>();
            for (final Spot spot : component) {
                edges.addAll(graph.edgesOf(spot));
            }
            if (edges.isEmpty()) {
                continue;
            }
            putTrack(trackId, "Track_" + nameCounter++, component, edges, true);
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
        if (spotsById.containsKey(trackId)) {
            throw new IllegalArgumentException("duplicate TRACK_ID " + trackId);
        }
        spotsById.put(trackId, new LinkedHashSet<>(spots));
        edgesById.put(trackId, new LinkedHashSet<>(edges));
        names.put(trackId, name);
        visible.put(trackId, isVisible);
        for (final Spot spot : spots) {
            trackOfSpot.put(spot, trackId);
        }
        for (final DefaultWeightedEdge edge : edges) {
            trackOfEdge.put(edge, trackId);
        }
    }

    /** Removes all tracks. */
    public void clear() {
        spotsById.clear();
        edgesById.clear();
        names.clear();
        visible.clear();
        trackOfSpot.clear();
        trackOfEdge.clear();
    }

    /**
     * Track IDs sorted by track name (alphanumeric: digit runs compare as numbers), ties by ID.
     *
     * @param visibleOnly true for visible tracks only
     * @return the IDs
     */
    public Set<Integer> trackIDs(final boolean visibleOnly) {
        final List<Integer> ids = new ArrayList<>();
        for (final Integer id : spotsById.keySet()) {
            if (!visibleOnly || visible.get(id)) {
                ids.add(id);
            }
        }
        final Comparator<Integer> byName = (a, b) -> AlphanumericComparator.compareStrings(names.get(a),
                names.get(b));
        ids.sort(byName.thenComparing(Comparator.naturalOrder()));
        return Collections.unmodifiableSet(new LinkedHashSet<>(ids));
    }

    /** @return the number of tracks (visible and invisible) */
    public int nTracks() {
        return spotsById.size();
    }

    /**
     * @param trackId track ID
     * @return spots of the track (unmodifiable), or null for an unknown ID
     */
    public Set<Spot> trackSpots(final int trackId) {
        final Set<Spot> spots = spotsById.get(trackId);
        return spots == null ? null : Collections.unmodifiableSet(spots);
    }

    /**
     * @param trackId track ID
     * @return edges of the track (unmodifiable), or null for an unknown ID
     */
    public Set<DefaultWeightedEdge> trackEdges(final int trackId) {
        final Set<DefaultWeightedEdge> edges = edgesById.get(trackId);
        return edges == null ? null : Collections.unmodifiableSet(edges);
    }

    /**
     * @param spot a spot
     * @return the ID of its track, or null when the spot is in no track
     */
    public Integer trackIDOf(final Spot spot) {
        return trackOfSpot.get(spot);
    }

    /**
     * @param edge an edge
     * @return the ID of its track, or null
     */
    public Integer trackIDOf(final DefaultWeightedEdge edge) {
        return trackOfEdge.get(edge);
    }

    /**
     * @param trackId track ID
     * @return the track name, or null for an unknown ID
     */
    public String name(final int trackId) {
        return names.get(trackId);
    }

    /**
     * @param trackId track ID
     * @param name    new name
     */
    public void setName(final int trackId, final String name) {
        requireTrack(trackId);
        names.put(trackId, name);
    }

    /**
     * @param trackId track ID
     * @return whether the track is visible
     */
    public boolean isVisible(final int trackId) {
        requireTrack(trackId);
        return visible.get(trackId);
    }

    /**
     * @param trackId   track ID
     * @param isVisible new visibility
     */
    public void setVisibility(final int trackId, final boolean isVisible) {
        requireTrack(trackId);
        visible.put(trackId, isVisible);
    }

    private void requireTrack(final int trackId) {
        if (!spotsById.containsKey(trackId)) {
            throw new IllegalArgumentException("unknown TRACK_ID " + trackId);
        }
    }
}
