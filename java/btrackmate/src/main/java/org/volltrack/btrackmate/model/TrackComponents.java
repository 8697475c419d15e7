package org.volltrack.btrackmate.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.util.IndexSort;

/**
 * The connected components of a track graph as TrackMate numbers them: in the order of their first spot in the
 * graph's vertex order (what a breadth-first search over the vertex insertion order gives), every component
 * counted, single spots included. Found by union-find on spot numbers, without hashing objects; each
 * component's edges come in a fixed order (earlier spot's FRAME, earlier spot's ID, later spot's ID) and its
 * spots in vertex order.
 */
final class TrackComponents {

    /** One component. */
    static final class Component {
        /** Component number = TrackMate's track ID. */
        final int id;
        /** Its spots in graph vertex order. */
        final Spot[] spots;
        /** Its edges in the fixed order (empty for a single spot). */
        final DefaultWeightedEdge[] edges;

        Component(final int id, final Spot[] spots, final DefaultWeightedEdge[] edges) {
            this.id = id;
            this.spots = spots;
            this.edges = edges;
        }
    }

    private TrackComponents() {
    }

    /**
     * @param graph a track graph
     * @return its components, in ID order
     */
    static List<Component> of(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph) {
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
        return group(index, edges, source, target, component, nComponents);
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

    /** Joins two sets; the root is always the smallest spot number, so roots mark first appearance. */
    private static void union(final int[] parent, final int a, final int b) {
        final int ra = find(parent, a);
        final int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** Groups edges by component in the fixed edge order (two stable sorts), and spots in vertex order. */
    private static List<Component> group(final SpotIndex index, final DefaultWeightedEdge[] edges,
            final int[] source, final int[] target, final int[] component, final int nComponents) {
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
        final List<Component> out = new ArrayList<>(nComponents);
        for (int c = 0; c < nComponents; c++) {
            final DefaultWeightedEdge[] trackEdges = new DefaultWeightedEdge[edgeStart[c + 1] - edgeStart[c]];
            for (int k = 0; k < trackEdges.length; k++) {
                trackEdges[k] = edges[byIds[byTrack[edgeStart[c] + k]]];
            }
            out.add(new Component(c, Arrays.copyOfRange(spotsInOrder, spotStart[c], spotStart[c + 1]),
                    trackEdges));
        }
        return out;
    }
}
