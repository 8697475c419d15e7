package org.volltrack.btrackmate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

/** {@link FeatureCalculator} on engine models: a reference file and a hand-made branching track. */
class FeatureCalculatorTest {

    @Test
    void modelFeaturesEqualStoredValuesOfTheSplitMergeFile() throws Exception {
        String resource = "trackmate_tracks_with_splitting_merging.xml";
        TrackMateFile file;
        try (InputStream in = getClass().getResourceAsStream("/trackmate/" + resource)) {
            file = TrackMateXmlReader.read(in, resource);
        }
        Model model = file.model;
        Map<DefaultWeightedEdge, Double> storedSpeed = new HashMap<>();
        for (DefaultWeightedEdge e : model.getGraph().edgeSet()) {
            storedSpeed.put(e, model.getEdgeFeature(e, "VELOCITY"));
        }
        Map<Integer, Map<String, Double>> storedTracks = new HashMap<>();
        for (int id : model.getTrackModel().trackIDs(false)) {
            storedTracks.put(id, new HashMap<>(model.getTrackFeatures(id)));
        }
        FeatureCalculator.computeAll(model);
        assertTrue(storedSpeed.size() > 100);
        for (Map.Entry<DefaultWeightedEdge, Double> e : storedSpeed.entrySet()) {
            assertEquals(e.getValue(), model.getEdgeFeature(e.getKey(), "SPEED"), 0.0);
            assertEquals(model.getGraph().getEdgeWeight(e.getKey()), model.getEdgeFeature(e.getKey(), "LINK_COST"));
        }
        for (Map.Entry<Integer, Map<String, Double>> t : storedTracks.entrySet()) {
            for (String key : new String[] {"NUMBER_SPOTS", "NUMBER_SPLITS", "NUMBER_MERGES", "TRACK_DURATION",
                "TRACK_DISPLACEMENT", "TRACK_MEDIAN_SPEED", "TRACK_ID", "TRACK_INDEX"}) {
                assertEquals(t.getValue().get(key), model.getTrackFeature(t.getKey(), key), 0.0, key);
            }
            assertEquals(t.getValue().get("TRACK_STD_SPEED"), model.getTrackFeature(t.getKey(), "TRACK_STD_SPEED"),
                    1e-12);
        }
    }

    @Test
    void branchingTrackGapsSplitsAndMotility() {
        SpotCollection spots = new SpotCollection();
        Spot a = spot(spots, 1, 0, 0, 0);
        Spot b = spot(spots, 2, 1, 3, 0);
        Spot c = spot(spots, 3, 2, 3, 4);
        Spot d = spot(spots, 4, 2, 6, 0);
        Spot e = spot(spots, 5, 5, 6, 4);
        Model model = new Model();
        model.setSpots(spots);
        var graph = Model.newGraph();
        for (Spot s : new Spot[] {a, b, c, d, e}) {
            graph.addVertex(s);
        }
        graph.setEdgeWeight(graph.addEdge(a, b), 9);
        graph.setEdgeWeight(graph.addEdge(b, c), 16);
        graph.setEdgeWeight(graph.addEdge(d, b), 9);
        graph.setEdgeWeight(graph.addEdge(c, e), 25);
        model.setTracks(graph);
        FeatureCalculator.computeAll(model);
        int id = model.getTrackModel().trackIDs(false).iterator().next();
        assertEquals(5.0, model.getTrackFeature(id, "NUMBER_SPOTS"));
        assertEquals(1.0, model.getTrackFeature(id, "NUMBER_SPLITS"));
        assertEquals(1.0, model.getTrackFeature(id, "NUMBER_GAPS"));
        assertEquals(2.0, model.getTrackFeature(id, "LONGEST_GAP"));
        assertEquals(5.0, model.getTrackFeature(id, "TRACK_DURATION"));
        assertEquals(Math.hypot(6, 4), model.getTrackFeature(id, "TRACK_DISPLACEMENT"), 1e-12);
        assertEquals(3 + 4 + 3 + 3, model.getTrackFeature(id, "TOTAL_DISTANCE_TRAVELED"), 1e-12);
        assertEquals(Math.hypot(6, 4), model.getTrackFeature(id, "MAX_DISTANCE_TRAVELED"), 1e-12);
        DefaultWeightedEdge ce = graph.getEdge(c, e);
        assertEquals(1.0, model.getEdgeFeature(ce, "SPEED"), 1e-12);
        // c has one predecessor (b): b->c = (0,0,4), c->e = (3,0,0): a right angle over dt 3.
        assertEquals(Math.PI / 2 / 3, model.getEdgeFeature(ce, "DIRECTIONAL_CHANGE_RATE"), 1e-12);
        assertTrue(Double.isNaN(model.getEdgeFeature(graph.getEdge(a, b), "DIRECTIONAL_CHANGE_RATE")));
    }

    private static Spot spot(SpotCollection spots, int id, int frame, double x, double z) {
        Spot s = new Spot(id, x, 0, z, 1, id);
        spots.add(s, frame);
        s.putFeature("POSITION_T", frame);
        return s;
    }
}
