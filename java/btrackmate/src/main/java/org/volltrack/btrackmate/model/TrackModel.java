package org.volltrack.btrackmate.model;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.tracker.IndexSort;

/**
 * Tracks of a {@link Model}: the connected components of the track graph, with IDs, names and visibility as
 * TrackMate's {@code TrackModel} assigns them.
 *
 * <p>{@link #rebuild} numbers components in the order of their first spot in the graph's vertex order (what a
 * breadth-first search over the vertex insertion order gives); the ID counter increases for every component,
 * including single spots, which are then dropped (a track has at least one edge). Names
 * {@code Track_0, Track_1, ...} count only the kept tracks. A rebuilt track lists its edges in a fixed order
 * (earlier spot's FRAME, earlier spot's ID, later spot's ID), so that sums over a track's edges, and hence its
 * features, do not depend on hash order. {@link #putTrack} instead trusts a grouping read from a file.
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
        final SpotIndex index = new SpotIndex(new ArrayList<>(graph.vertexSet()));
        final int n = index.size();
        final DefaultWeightedEdge[] edges = graph.edgeSet().toArray(new DefaultWeightedEdge[0]);
        final int m = edges.length;
        final int[] source = new int[m];
        final int[] target = new int[m];
        final int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int e = 0; e < m; e++) {
            final int a = index.indexOf(graph.getEdgeSource(edges[e]));
            final int b = index.indexOf(graph.getEdgeTarget(edges[e]));
            final boolean swap = index.spot(b).frame() < index.spot(a).frame();
            source[e] = swap ? b : a;
            target[e] = swap ? a : b;
            union(parent, a, b);
        }
        final int[] component = new int[n];
        final int[] componentOfRoot = new int[n];
        Arrays.fill(componentOfRoot, -1);
        int nComponents = 0;
        for (int i = 0; i < n; i++) {
            final int root = find(parent, i);
            if (componentOfRoot[root] < 0) {
                componentOfRoot[root] = nComponents++;
            }
            component[i] = componentOfRoot[root];
        }
        addTracks(index, edges, source, target, component, nComponents);
    }

    private static int find(final int[] parent, final int i) {
        int root = i;
        while (parent[root] != root) {
            root = parent[root];
        }
        int k = i;
        while (parent[k] != root) {
            final int next = parent[k];
            parent[k] = root;
            k = next;
        }
        return root;
    }

    private static void union(final int[] parent, final int a, final int b) {
        final int ra = find(parent, a);
        final int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** Groups edges by component, in the fixed edge order, and spots in graph vertex order. */
    private void addTracks(final SpotIndex index, final DefaultWeightedEdge[] edges, final int[] source,
            final int[] target, final int[] component, final int nComponents) {
        final int m = edges.length;
        final long[] keys = new long[m];
        for (int e = 0; e < m; e++) {
            keys[e] = ((long) index.spot(source[e]).getId() << 32)
                    | ((index.spot(target[e]).getId() ^ 0x80000000L) & 0xFFFFFFFFL);
        }
        final int[] byIds = IndexSort.byKey(keys, m);
        for (int k = 0; k < m; k++) {
            final int e = byIds[k];
            keys[k] = ((long) component[source[e]] << 32) | (index.spot(source[e]).frame() & 0xFFFFFFFFL);
        }
        final int[] byTrack = IndexSort.byKey(keys, m);
        final int[] edgeStart = new int[nComponents + 1];
        for (int e = 0; e < m; e++) {
            edgeStart[component[source[e]] + 1]++;
        }
        final int[] spotStart = new int[nComponents + 1];
        for (int i = 0; i < index.size(); i++) {
            spotStart[component[i] + 1]++;
        }
        for (int c = 0; c < nComponents; c++) {
            edgeStart[c + 1] += edgeStart[c];
            spotStart[c + 1] += spotStart[c];
        }
        final Spot[] spotsInOrder = new Spot[index.size()];
        final int[] fill = Arrays.copyOf(spotStart, nComponents);
        for (int i = 0; i < index.size(); i++) {
            spotsInOrder[fill[component[i]]++] = index.spot(i);
        }
        int nameCounter = 0;
        for (int c = 0; c < nComponents; c++) {
            if (edgeStart[c + 1] == edgeStart[c]) {
                continue;
            }
            final DefaultWeightedEdge[] trackEdges = new DefaultWeightedEdge[edgeStart[c + 1] - edgeStart[c]];
            for (int k = 0; k < trackEdges.length; k++) {
                trackEdges[k] = edges[byIds[byTrack[edgeStart[c] + k]]];
            }
            tracks.put(c, new Track(Arrays.copyOfRange(spotsInOrder, spotStart[c], spotStart[c + 1]), trackEdges,
                    "Track_" + nameCounter++, true));
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
            final Map<Spot, Integer> map = new HashMap<>();
            tracks.forEach((id, track) -> {
                for (final Spot s : track.spots) {
                    map.put(s, id);
                }
            });
            trackOfSpot = map;
        }
        return trackOfSpot.get(spot);
    }

    /**
     * @param edge an edge
     * @return the ID of its track, or null
     */
    public Integer trackIDOf(final DefaultWeightedEdge edge) {
        if (trackOfEdge == null) {
            final Map<DefaultWeightedEdge, Integer> map = new HashMap<>();
            tracks.forEach((id, track) -> {
                for (final DefaultWeightedEdge e : track.edges) {
                    map.put(e, id);
                }
            });
            trackOfEdge = map;
        }
        return trackOfEdge.get(edge);
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

    /** Unmodifiable set view of an array of distinct elements, in array order. */
    private static final class ArraySet<T> extends AbstractSet<T> {
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
}
