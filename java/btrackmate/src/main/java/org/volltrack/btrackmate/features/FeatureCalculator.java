package org.volltrack.btrackmate.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
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
        Map<Spot, Integer> spotIndex = new HashMap<>();
        List<Spot> spots = new ArrayList<>();
        List<DefaultWeightedEdge> edges = new ArrayList<>();
        List<Integer> edgeTrack = new ArrayList<>();
        for (int k = 0; k < trackIds.size(); k++) {
            for (DefaultWeightedEdge edge : tracks.trackEdges(trackIds.get(k))) {
                edges.add(edge);
                edgeTrack.add(k);
                for (Spot s : new Spot[] {graph.getEdgeSource(edge), graph.getEdgeTarget(edge)}) {
                    if (!spotIndex.containsKey(s)) {
                        spotIndex.put(s, spots.size());
                        spots.add(s);
                    }
                }
            }
        }
        TrackGraphData data = toData(graph, spots, spotIndex, edges, edgeTrack, trackIds.size());
        Map<String, double[]> ef = EdgeFeatureCalculator.compute(data);
        storeEdgeFeatures(model, graph, data, spots, edges, ef);
        Map<String, double[]> tf = TrackFeatureCalculator.compute(data, ef);
        storeTrackFeatures(model, trackIds, tf);
    }

    private static TrackGraphData toData(SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, List<Spot> spots,
            Map<Spot, Integer> spotIndex, List<DefaultWeightedEdge> edges, List<Integer> edgeTrack, int nTracks) {
        int n = spots.size();
        int[] ids = new int[n];
        double[] x = new double[n];
        double[] y = new double[n];
        double[] z = new double[n];
        double[] t = new double[n];
        int[] frame = new int[n];
        double[] quality = new double[n];
        for (int i = 0; i < n; i++) {
            Spot s = spots.get(i);
            ids[i] = s.getId();
            x[i] = required(s, FeatureKeys.POSITION_X);
            y[i] = required(s, FeatureKeys.POSITION_Y);
            z[i] = required(s, FeatureKeys.POSITION_Z);
            t[i] = required(s, FeatureKeys.POSITION_T);
            frame[i] = (int) required(s, FeatureKeys.FRAME);
            Double q = s.getFeature(FeatureKeys.QUALITY);
            quality[i] = q == null ? Double.NaN : q;
        }
        int m = edges.size();
        int[] src = new int[m];
        int[] tgt = new int[m];
        int[] trk = new int[m];
        for (int e = 0; e < m; e++) {
            src[e] = spotIndex.get(graph.getEdgeSource(edges.get(e)));
            tgt[e] = spotIndex.get(graph.getEdgeTarget(edges.get(e)));
            trk[e] = edgeTrack.get(e);
        }
        return new TrackGraphData(ids, x, y, z, t, frame, quality, src, tgt, trk, nTracks);
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
            TrackGraphData data, List<Spot> spots, List<DefaultWeightedEdge> edges, Map<String, double[]> ef) {
        declareEdge(model, FeatureKeys.SPOT_SOURCE_ID, FeatureKeys.SPOT_TARGET_ID, FeatureKeys.LINK_COST);
        declareEdge(model, EdgeFeatureCalculator.KEYS);
        for (int e = 0; e < edges.size(); e++) {
            DefaultWeightedEdge edge = edges.get(e);
            model.putEdgeFeature(edge, FeatureKeys.SPOT_SOURCE_ID, spots.get(data.source[e]).getId());
            model.putEdgeFeature(edge, FeatureKeys.SPOT_TARGET_ID, spots.get(data.target[e]).getId());
            model.putEdgeFeature(edge, FeatureKeys.LINK_COST, graph.getEdgeWeight(edge));
            for (Map.Entry<String, double[]> f : ef.entrySet()) {
                model.putEdgeFeature(edge, f.getKey(), f.getValue()[e]);
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
