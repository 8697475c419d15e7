package org.volltrack.btrackmate.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.model.Spot;

/**
 * Removes short tracklets from a track graph; removed spots leave the graph and become invisible (never
 * deleted). {@code MIN_TRACKLET_LENGTH} N is in frames, 0 disables pruning. {@code PRUNE_MODE}:
 * <ul>
 * <li>{@code BRANCH} — BTrackmate's rule (peers.md §2.5): for every track end (a spot without later neighbour)
 * in a track with a split, walk back through single predecessors to the nearest split (a spot with more than one
 * later neighbour); if {@code FRAME(end) − FRAME(split) <= N}, the spots after the split up to the end are
 * removed. A walk that meets a merge or the track start first prunes nothing.</li>
 * <li>{@code TRACK} — removes tracks spanning fewer than N frames ({@code last − first + 1 < N}).</li>
 * <li>{@code BOTH} — BRANCH, then TRACK.</li>
 * </ul>
 */
public final class TrackletPruner {

    private TrackletPruner() {
    }

    /**
     * Prunes the graph in place.
     *
     * @param graph    track graph (edges between spots of different frames)
     * @param settings normalised settings
     * @return the number of spots removed
     */
    public static int prune(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            final Map<String, Object> settings) {
        final int minLength = (Integer) settings.get(TrackerKeys.MIN_TRACKLET_LENGTH);
        if (minLength <= 0) {
            return 0;
        }
        final String mode = (String) settings.get(TrackerKeys.PRUNE_MODE);
        int removed = 0;
        if (TrackerKeys.PRUNE_BRANCH.equals(mode) || TrackerKeys.PRUNE_BOTH.equals(mode)) {
            removed += remove(graph, shortBranches(graph, minLength));
        }
        if (TrackerKeys.PRUNE_TRACK.equals(mode) || TrackerKeys.PRUNE_BOTH.equals(mode)) {
            removed += remove(graph, shortTracks(graph, minLength));
        }
        return removed;
    }

    static Set<Spot> shortBranches(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, final int maxSpan) {
        final Set<Spot> doomed = new LinkedHashSet<>();
        for (final Spot end : graph.vertexSet()) {
            if (!later(graph, end).isEmpty()) {
                continue;
            }
            final List<Spot> branch = new ArrayList<>();
            Spot current = end;
            while (true) {
                final List<Spot> before = earlier(graph, current);
                if (before.size() != 1) {
                    break;
                }
                branch.add(current);
                final Spot previous = before.get(0);
                if (later(graph, previous).size() > 1) {
                    if (end.frame() - previous.frame() <= maxSpan) {
                        doomed.addAll(branch);
                    }
                    break;
                }
                current = previous;
            }
        }
        return doomed;
    }

    static Set<Spot> shortTracks(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, final int minSpan) {
        final Set<Spot> doomed = new LinkedHashSet<>();
        for (final Set<Spot> component : new ConnectivityInspector<>(graph).connectedSets()) {
            int first = Integer.MAX_VALUE;
            int last = Integer.MIN_VALUE;
            for (final Spot spot : component) {
                first = Math.min(first, spot.frame());
                last = Math.max(last, spot.frame());
            }
            if (last - first + 1 < minSpan) {
                doomed.addAll(component);
            }
        }
        return doomed;
    }

    private static int remove(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, final Set<Spot> spots) {
        for (final Spot spot : spots) {
            graph.removeVertex(spot);
            spot.setVisible(false);
        }
        return spots.size();
    }

    private static List<Spot> later(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, final Spot spot) {
        return neighbours(graph, spot, true);
    }

    private static List<Spot> earlier(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, final Spot spot) {
        return neighbours(graph, spot, false);
    }

    private static List<Spot> neighbours(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            final Spot spot, final boolean later) {
        final List<Spot> out = new ArrayList<>();
        for (final DefaultWeightedEdge edge : graph.edgesOf(spot)) {
            final Spot other = graph.getEdgeSource(edge) == spot ? graph.getEdgeTarget(edge)
                    : graph.getEdgeSource(edge);
            if (later ? other.frame() > spot.frame() : other.frame() < spot.frame()) {
                out.add(other);
            }
        }
        return out;
    }
}
