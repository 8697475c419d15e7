package org.volltrack.btrackmate.tracker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * TrackMate's {@code SparseLAPTracker} (7.14 / 8.x) on a {@link SpotCollection}: visible spots only,
 * frame-to-frame linking of consecutive frame keys, then gap closing, splitting and merging of the segments.
 * The result graph holds only linked spots; edge weights are the LINK_COSTs TrackMate stores.
 *
 * <p>Usage mirrors TrackMate: {@code checkInput()}, {@code process()}, then {@code getResult()} or
 * {@code getErrorMessage()}.
 */
public final class SparseLapTracker {

    private final SpotCollection spots;
    private final Map<String, Object> settings;
    private SimpleWeightedGraph<Spot, DefaultWeightedEdge> result;
    private String errorMessage;
    private LapSettings parsed;

    /**
     * @param spots the spots to track (invisible ones are ignored)
     * @param settings tracker settings keyed as {@link TrackerKeys}; missing keys take the defaults
     */
    public SparseLapTracker(SpotCollection spots, Map<String, Object> settings) {
        this.spots = spots;
        this.settings = settings;
    }

    /** @return true when spots and settings are valid; otherwise see {@link #getErrorMessage()} */
    public boolean checkInput() {
        if (spots == null) {
            errorMessage = "The spot collection is null.";
            return false;
        }
        try {
            Map<String, Object> normalized = TrackerSettings.normalize(settings);
            parsed = LapSettings.parse(normalized);
            return true;
        } catch (IllegalArgumentException e) {
            errorMessage = "Invalid tracker settings: " + e.getMessage();
            return false;
        }
    }

    /** @return true on success; the graph is then available from {@link #getResult()} */
    public boolean process() {
        if (parsed == null && !checkInput()) {
            return false;
        }
        try {
            List<Spot> visible = new ArrayList<>();
            LapSpots table = toTable(visible);
            LapEdges edges = LapTracking.track(table, parsed);
            result = toGraph(table, visible, edges);
            return true;
        } catch (IllegalArgumentException e) {
            errorMessage = e.getMessage();
            return false;
        }
    }

    /** @return the track graph of the last successful {@link #process()}, or null */
    public SimpleWeightedGraph<Spot, DefaultWeightedEdge> getResult() {
        return result;
    }

    /** @return the reason of the last failure, or null */
    public String getErrorMessage() {
        return errorMessage;
    }

    private LapSpots toTable(List<Spot> visible) {
        List<Integer> frameOf = new ArrayList<>();
        for (int frame : spots.keySet()) {
            for (Spot spot : spots.iterable(frame, true)) {
                visible.add(spot);
                frameOf.add(frame);
            }
        }
        SpotColumns columns = new SpotColumns(visible.size());
        for (int i = 0; i < columns.size(); i++) {
            Spot s = visible.get(i);
            columns.set(i, s.getId(), frameOf.get(i), s.getDoublePosition(0), s.getDoublePosition(1),
                    s.getDoublePosition(2));
        }
        int[] keys = spots.keySet().stream().mapToInt(Integer::intValue).toArray();
        return LapSpots.of(columns, keys, penaltyColumns(visible));
    }

    private Map<String, double[]> penaltyColumns(List<Spot> visible) {
        Set<String> names = new LinkedHashSet<>();
        names.addAll(parsed.linkingPenalties.keySet());
        names.addAll(parsed.gapClosingPenalties.keySet());
        names.addAll(parsed.splittingPenalties.keySet());
        names.addAll(parsed.mergingPenalties.keySet());
        Map<String, double[]> columns = new HashMap<>();
        if (parsed.divisionAware) {
            List<String> wanted = new ArrayList<>(List.of(DivisionPass.SIZE_FEATURES));
            wanted.add(DivisionPass.INTENSITY_FEATURE);
            for (String name : wanted) {
                double[] col = optionalColumn(visible, name);
                if (col != null) {
                    columns.put(name, col);
                }
            }
            double[] boundary = partialColumn(visible, DivisionPass.BOUNDARY_FEATURE);
            if (boundary != null) {
                columns.put(DivisionPass.BOUNDARY_FEATURE, boundary);
            }
        }
        for (String name : names) {
            double[] col = new double[visible.size()];
            for (int i = 0; i < col.length; i++) {
                Double value = visible.get(i).getFeature(name);
                if (value == null) {
                    throw new IllegalArgumentException("spot ID " + visible.get(i).getId() + " has no feature '"
                            + name + "', which the tracker's feature penalties use");
                }
                col[i] = value;
            }
            columns.put(name, col);
        }
        return columns;
    }

    /** @return the feature column when every visible spot has it, else null */
    private static double[] optionalColumn(List<Spot> visible, String name) {
        double[] col = new double[visible.size()];
        for (int i = 0; i < col.length; i++) {
            Double value = visible.get(i).getFeature(name);
            if (value == null || !Double.isFinite(value)) {
                return null;
            }
            col[i] = value;
        }
        return col;
    }

    /** @return the feature's column with NaN where a spot lacks it or has no finite value; null when none has one */
    private static double[] partialColumn(List<Spot> visible, String name) {
        double[] col = new double[visible.size()];
        boolean any = false;
        for (int i = 0; i < col.length; i++) {
            Double value = visible.get(i).getFeature(name);
            col[i] = value == null || !Double.isFinite(value) ? Double.NaN : value;
            any |= !Double.isNaN(col[i]);
        }
        return any ? col : null;
    }

    private static SimpleWeightedGraph<Spot, DefaultWeightedEdge> toGraph(LapSpots table, List<Spot> visible,
            LapEdges edges) {
        SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = Model.newGraph();
        for (int k = 0; k < edges.size(); k++) {
            Spot source = visible.get(table.order[edges.source(k)]);
            Spot target = visible.get(table.order[edges.target(k)]);
            graph.addVertex(source);
            graph.addVertex(target);
            DefaultWeightedEdge edge = graph.addEdge(source, target);
            graph.setEdgeWeight(edge, edges.cost(k));
        }
        return graph;
    }
}
