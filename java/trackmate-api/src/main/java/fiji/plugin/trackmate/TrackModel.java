package fiji.plugin.trackmate;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Stand-in for TrackMate's {@code TrackModel} (test only): the track graph, whose connected components are
 * tracks. Track IDs are recomputed after each change, in vertex insertion order.
 */
public class TrackModel {

    private SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
    private final Map<Integer, Set<Spot>> spots = new LinkedHashMap<>();
    private final Map<Integer, Set<DefaultWeightedEdge>> edges = new LinkedHashMap<>();
    private final Map<Integer, Boolean> visibility = new HashMap<>();

    SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph() {
        return graph;
    }

    void setGraph(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> newGraph) {
        graph = newGraph;
        rebuild();
    }

    void rebuild() {
        spots.clear();
        edges.clear();
        final List<Set<Spot>> components = new ConnectivityInspector<>(graph).connectedSets();
        int id = 0;
        for (final Set<Spot> component : components) {
            final Set<DefaultWeightedEdge> compEdges = new LinkedHashSet<>();
            for (final Spot spot : component) {
                compEdges.addAll(graph.edgesOf(spot));
            }
            spots.put(id, component);
            edges.put(id, compEdges);
            visibility.putIfAbsent(id, Boolean.TRUE);
            id++;
        }
        visibility.keySet().retainAll(spots.keySet());
    }

    /**
     * @param visibleOnly only visible tracks
     * @return the track IDs, sorted
     */
    public Set<Integer> trackIDs(final boolean visibleOnly) {
        final Set<Integer> ids = new TreeSet<>();
        for (final Integer id : spots.keySet()) {
            if (!visibleOnly || isVisible(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * @param visibleOnly only visible tracks
     * @return the number of tracks
     */
    public int nTracks(final boolean visibleOnly) {
        return trackIDs(visibleOnly).size();
    }

    /**
     * @param ID a track ID
     * @return true if the track is visible
     */
    public boolean isVisible(final Integer ID) {
        return visibility.getOrDefault(ID, Boolean.FALSE);
    }

    void setVisible(final Integer ID, final boolean visible) {
        visibility.put(ID, visible);
    }

    /**
     * @param trackID a track ID
     * @return its spots, or null
     */
    public Set<Spot> trackSpots(final Integer trackID) {
        return spots.get(trackID);
    }

    /**
     * @param trackID a track ID
     * @return its edges, or null
     */
    public Set<DefaultWeightedEdge> trackEdges(final Integer trackID) {
        return edges.get(trackID);
    }

    /**
     * @param spot a spot
     * @return the ID of its track, or null
     */
    public Integer trackIDOf(final Spot spot) {
        for (final Map.Entry<Integer, Set<Spot>> entry : spots.entrySet()) {
            if (entry.getValue().contains(spot)) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** @return every edge */
    public Set<DefaultWeightedEdge> edgeSet() {
        return graph.edgeSet();
    }

    /** @return every spot of the graph */
    public Set<Spot> vertexSet() {
        return graph.vertexSet();
    }

    /**
     * @param spot a spot
     * @return its edges
     */
    public Set<DefaultWeightedEdge> edgesOf(final Spot spot) {
        return graph.edgesOf(spot);
    }

    /**
     * @param source a spot
     * @param target a spot
     * @return the edge between them, or null
     */
    public DefaultWeightedEdge getEdge(final Spot source, final Spot target) {
        return graph.getEdge(source, target);
    }

    /**
     * @param e an edge
     * @return its source
     */
    public Spot getEdgeSource(final DefaultWeightedEdge e) {
        return graph.getEdgeSource(e);
    }

    /**
     * @param e an edge
     * @return its target
     */
    public Spot getEdgeTarget(final DefaultWeightedEdge e) {
        return graph.getEdgeTarget(e);
    }

    /**
     * @param edge an edge
     * @return its weight (the linking cost)
     */
    public double getEdgeWeight(final DefaultWeightedEdge edge) {
        return graph.getEdgeWeight(edge);
    }
}
