package org.volltrack.btrackmate.xml;

import java.util.Collection;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.Spot;

/**
 * The edges of one track in written order: oriented earlier → later (lower FRAME first; graph order when
 * frames are equal) and sorted by source FRAME, source ID, target ID. Tracks the engine builds already come in
 * this order, so the sort is usually a single check.
 */
final class SortedEdges {

    private final DefaultWeightedEdge[] edges;
    private final int[] frame;
    private final int[] source;
    private final int[] target;

    private SortedEdges(final int n) {
        edges = new DefaultWeightedEdge[n];
        frame = new int[n];
        source = new int[n];
        target = new int[n];
    }

    /**
     * @param graph the graph
     * @param track the edges of one track
     * @return the sorted edges with their oriented spot IDs
     */
    static SortedEdges of(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            final Collection<DefaultWeightedEdge> track) {
        final SortedEdges s = new SortedEdges(track.size());
        int k = 0;
        boolean sorted = true;
        for (final DefaultWeightedEdge edge : track) {
            final Spot a = graph.getEdgeSource(edge);
            final Spot b = graph.getEdgeTarget(edge);
            final int fa = a.frame();
            final int fb = b.frame();
            final boolean swap = fb < fa;
            s.edges[k] = edge;
            s.frame[k] = swap ? fb : fa;
            s.source[k] = swap ? b.getId() : a.getId();
            s.target[k] = swap ? a.getId() : b.getId();
            sorted &= k == 0 || s.compare(k - 1, k) <= 0;
            k++;
        }
        if (!sorted) {
            s.sort();
        }
        return s;
    }

    private int compare(final int i, final int j) {
        if (frame[i] != frame[j]) {
            return Integer.compare(frame[i], frame[j]);
        }
        if (source[i] != source[j]) {
            return Integer.compare(source[i], source[j]);
        }
        return Integer.compare(target[i], target[j]);
    }

    /** Stable sort of all four arrays together (rarely needed: tracks read from files, edited graphs). */
    private void sort() {
        final Integer[] order = new Integer[edges.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, this::compare);
        final DefaultWeightedEdge[] e = edges.clone();
        final int[] f = frame.clone();
        final int[] s = source.clone();
        final int[] t = target.clone();
        for (int i = 0; i < order.length; i++) {
            edges[i] = e[order[i]];
            frame[i] = f[order[i]];
            source[i] = s[order[i]];
            target[i] = t[order[i]];
        }
    }

    int size() {
        return edges.length;
    }

    DefaultWeightedEdge edge(final int k) {
        return edges[k];
    }

    int sourceId(final int k) {
        return source[k];
    }

    int targetId(final int k) {
        return target[k];
    }
}
