package org.volltrack.btrackmate.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.FeatureLayout;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotIndex;
import org.volltrack.btrackmate.model.TrackModel;

/**
 * Computes TrackMate's edge and track features on a {@link Model} and stores them in its feature maps, with
 * their declarations: the edge target features (SPOT_SOURCE_ID, SPOT_TARGET_ID, LINK_COST), the features of
 * {@link EdgeFeatureCalculator} and {@link TrackFeatureCalculator}, TRACK_INDEX (position in
 * {@code trackIDs(false)}, i.e. sorted by name) and TRACK_ID. Every track of the model is computed.
 */
public final class FeatureCalculator {

    private FeatureCalculator() {
    }

    /**
     * @param model the model; its spots need POSITION_X/Y/Z/T, FRAME and QUALITY (QUALITY may be absent: NaN)
     * @throws IllegalArgumentException if a spot in a track lacks a position, time or frame
     */
    public static void computeAll(Model model) {
        TrackModel tracks = model.getTrackModel();
        SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = model.getGraph();
        List<Integer> trackIds = new ArrayList<>(tracks.trackIDs(false));
        List<DefaultWeightedEdge> edges = new ArrayList<>();
        int[] trackStart = new int[trackIds.size() + 1];
        for (int k = 0; k < trackIds.size(); k++) {
            edges.addAll(tracks.trackEdges(trackIds.get(k)));
            trackStart[k + 1] = edges.size();
        }
        SpotIndex spotIndex = new SpotIndex(new ArrayList<>(graph.vertexSet()));
        TrackGraphData data = toData(graph, spotIndex, edges, trackStart);
        Map<String, double[]> ef = EdgeFeatureCalculator.compute(data);
        storeEdgeFeatures(model, graph, data, spotIndex, edges, ef);
        Map<String, double[]> tf = TrackFeatureCalculator.compute(data, ef);
        storeTrackFeatures(model, trackIds, tf);
    }

    private static TrackGraphData toData(SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, SpotIndex spots,
            List<DefaultWeightedEdge> edges, int[] trackStart) {
        int n = spots.size();
        int[] ids = new int[n];
        double[] x = new double[n];
        double[] y = new double[n];
        double[] z = new double[n];
        double[] t = new double[n];
        int[] frame = new int[n];
        double[] quality = new double[n];
        int m = edges.size();
        int[] src = new int[m];
        int[] tgt = new int[m];
        int[] trk = new int[m];
        boolean[] used = new boolean[n];
        for (int k = 0; k + 1 < trackStart.length; k++) {
            for (int e = trackStart[k]; e < trackStart[k + 1]; e++) {
                src[e] = spots.indexOf(graph.getEdgeSource(edges.get(e)));
                tgt[e] = spots.indexOf(graph.getEdgeTarget(edges.get(e)));
                trk[e] = k;
                used[src[e]] = true;
                used[tgt[e]] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            Spot s = spots.spot(i);
            ids[i] = s.getId();
            if (!used[i]) {
                continue;
            }
            x[i] = required(s, FeatureKeys.POSITION_X);
            y[i] = required(s, FeatureKeys.POSITION_Y);
            z[i] = required(s, FeatureKeys.POSITION_Z);
            t[i] = required(s, FeatureKeys.POSITION_T);
            frame[i] = (int) required(s, FeatureKeys.FRAME);
            Double q = s.getFeature(FeatureKeys.QUALITY);
            quality[i] = q == null ? Double.NaN : q;
        }
        return new TrackGraphData(ids, x, y, z, t, frame, quality, src, tgt, trk, trackStart.length - 1);
    }

    private static double required(Spot s, String key) {
        Double v = s.getFeature(key);
        if (v == null) {
            throw new IllegalArgumentException("spot ID " + s.getId() + " has no " + key
                    + ", needed for edge and track features");
        }
        return v;
    }

    private static void storeEdgeFeatures(Model model, SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            TrackGraphData data, SpotIndex spots, List<DefaultWeightedEdge> edges, Map<String, double[]> ef) {
        declareEdge(model, FeatureKeys.SPOT_SOURCE_ID, FeatureKeys.SPOT_TARGET_ID, FeatureKeys.LINK_COST);
        declareEdge(model, EdgeFeatureCalculator.KEYS);
        String[] keys = new String[3 + ef.size()];
        keys[0] = FeatureKeys.SPOT_SOURCE_ID;
        keys[1] = FeatureKeys.SPOT_TARGET_ID;
        keys[2] = FeatureKeys.LINK_COST;
        double[][] columns = new double[ef.size()][];
        int c = 0;
        for (Map.Entry<String, double[]> f : ef.entrySet()) {
            keys[3 + c] = f.getKey();
            columns[c++] = f.getValue();
        }
        FeatureLayout layout = FeatureLayout.of(keys);
        for (int e = 0; e < edges.size(); e++) {
            DefaultWeightedEdge edge = edges.get(e);
            double[] values = new double[keys.length];
            values[0] = spots.spot(data.source[e]).getId();
            values[1] = spots.spot(data.target[e]).getId();
            values[2] = graph.getEdgeWeight(edge);
            for (int k = 0; k < columns.length; k++) {
                values[3 + k] = columns[k][e];
            }
            if (model.getEdgeFeatureLayout(edge).size() == 0) {
                model.setEdgeFeatures(edge, layout, values);
            } else {
                for (int k = 0; k < keys.length; k++) {
                    model.putEdgeFeature(edge, keys[k], values[k]);
                }
            }
        }
    }

    private static void storeTrackFeatures(Model model, List<Integer> trackIds, Map<String, double[]> tf) {
        declareTrack(model, FeatureKeys.TRACK_INDEX, FeatureKeys.TRACK_ID);
        declareTrack(model, TrackFeatureCalculator.KEYS);
        for (int k = 0; k < trackIds.size(); k++) {
            int id = trackIds.get(k);
            model.putTrackFeature(id, FeatureKeys.TRACK_INDEX, k);
            model.putTrackFeature(id, FeatureKeys.TRACK_ID, id);
            for (Map.Entry<String, double[]> f : tf.entrySet()) {
                model.putTrackFeature(id, f.getKey(), f.getValue()[k]);
            }
        }
    }

    private static void declareEdge(Model model, String... keys) {
        for (String key : keys) {
            model.declareEdgeFeature(FeatureKeys.edgeDeclarations().get(key));
        }
    }

    private static void declareTrack(Model model, String... keys) {
        for (String key : keys) {
            model.declareTrackFeature(FeatureKeys.trackDeclarations().get(key));
        }
    }
}
