package org.volltrack.btrackmate.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

/** {@link SparseLapTracker} on the engine model: reference files through the XML reader, and the rules of §3. */
class SparseLapTrackerTest {

    @ParameterizedTest
    @MethodSource("org.volltrack.btrackmate.testdata.ReferenceFile#laptrackFiles")
    void modelRetrackEqualsFileGraph(String resource) throws Exception {
        TrackMateFile file;
        try (InputStream in = getClass().getResourceAsStream("/trackmate/" + resource)) {
            file = TrackMateXmlReader.read(in, resource);
        }
        SparseLapTracker tracker = new SparseLapTracker(file.model.getSpots(), file.trackerSettings);
        assertTrue(tracker.checkInput(), tracker.getErrorMessage());
        assertTrue(tracker.process(), tracker.getErrorMessage());
        assertEquals(edgeMap(file.model.getGraph()), edgeMap(tracker.getResult()));
    }

    @Test
    void splitMergeAndGapClosingFollowTrackMateRules() {
        SpotCollection spots = new SpotCollection();
        // Track A: frames 0..3 along x; track B starts at frame 2 near A's spot of frame 1 (split from A).
        int id = 0;
        for (int f = 0; f < 4; f++) {
            spots.add(new Spot(id++, f, 0, 0, 1, 1), f);
        }
        spots.add(new Spot(100, 1.2, 3, 0, 1, 1), 2);
        spots.add(new Spot(101, 1.4, 6, 0, 1, 1), 3);
        // Track C: frames 0, 1, then a gap at 2, then frames 3, 4 far from everything else.
        spots.add(new Spot(200, 50, 50, 0, 1, 1), 0);
        spots.add(new Spot(201, 50, 51, 0, 1, 1), 1);
        spots.add(new Spot(202, 50, 52, 0, 1, 1), 3);
        spots.add(new Spot(203, 50, 53, 0, 1, 1), 4);
        // A lone spot at frame 2 next to C's gap: a single-spot segment, never gap-closed.
        spots.add(new Spot(300, 80, 80, 0, 1, 1), 2);
        spots.add(new Spot(301, 80, 80.5, 0, 1, 1), 4);
        Map<String, Object> settings = TrackerKeys.defaultSettings();
        settings.put(TrackerKeys.ALLOW_TRACK_SPLITTING, true);
        settings.put(TrackerKeys.LINKING_MAX_DISTANCE, 5.0);
        Map<String, Double> edges = run(spots, settings);
        assertTrue(edges.containsKey("1-100"), "split from the middle spot of A: " + edges);
        assertTrue(edges.containsKey("201-202"), "gap closed across frame 2: " + edges);
        assertFalse(edges.keySet().stream().anyMatch(k -> k.contains("300") || k.contains("301")),
                "single-spot segments never join: " + edges);
        assertEquals(3.0 * 3.0 + 0.2 * 0.2, edges.get("1-100"), 1e-12);
    }

    @Test
    void coincidentSpotsCostMinNormalAndInvisibleSpotsAreIgnored() {
        SpotCollection spots = new SpotCollection();
        spots.add(new Spot(1, 5, 5, 0, 1, 1), 0);
        spots.add(new Spot(2, 5, 5, 0, 1, 1), 1);
        Spot hidden = new Spot(3, 5, 5.1, 0, 1, 1);
        spots.add(hidden, 2);
        hidden.setVisible(false);
        Map<String, Double> edges = run(spots, TrackerKeys.defaultSettings());
        assertEquals(Map.of("1-2", Double.MIN_NORMAL), edges);
    }

    @Test
    void consecutiveFrameKeysAreLinkedNotConsecutiveFrames() {
        SpotCollection keyless = new SpotCollection();
        keyless.add(new Spot(1, 0, 0, 0, 1, 1), 2);
        keyless.add(new Spot(2, 1, 0, 0, 1, 1), 4);
        Map<String, Object> noGap = TrackerKeys.defaultSettings();
        noGap.put(TrackerKeys.ALLOW_GAP_CLOSING, false);
        assertEquals(Map.of("1-2", 1.0), run(keyless, noGap), "frame 3 has no key: 2 and 4 are linked");
        keyless.addFrame(3);
        assertEquals(Map.of(), run(keyless, noGap), "frame 3 is an empty key: nothing links");
    }

    @Test
    void linkingCutoffIsStrictAndPenaltiesApply() {
        SpotCollection spots = new SpotCollection();
        spots.add(new Spot(1, 0, 0, 0, 1, 10), 0);
        spots.add(new Spot(2, 3, 0, 0, 1, 10), 1);
        Map<String, Object> settings = TrackerKeys.defaultSettings();
        settings.put(TrackerKeys.LINKING_MAX_DISTANCE, 3.0);
        assertEquals(Map.of(), run(spots, settings), "distance == max is not linked in step 1");
        settings.put(TrackerKeys.LINKING_MAX_DISTANCE, 10.0);
        spots.getSpot(2).putFeature("QUALITY", 30);
        settings.put(TrackerKeys.LINKING_FEATURE_PENALTIES, Map.of("QUALITY", 1.0));
        double penalty = 1 + 1.5 * 20 / 20.0;
        assertEquals(9 * penalty * penalty, run(spots, settings).get("1-2"), 1e-12);
    }

    @Test
    void badSettingsAndMissingPenaltyFeaturesGiveClearErrors() {
        SpotCollection spots = new SpotCollection();
        spots.add(new Spot(1, 0, 0, 0, 1, 1), 0);
        spots.add(new Spot(2, 1, 0, 0, 1, 1), 1);
        Map<String, Object> settings = new HashMap<>();
        settings.put("LINKING_MAX_DISTANCE", "abc");
        SparseLapTracker tracker = new SparseLapTracker(spots, settings);
        assertFalse(tracker.checkInput());
        assertTrue(tracker.getErrorMessage().contains("LINKING_MAX_DISTANCE"), tracker.getErrorMessage());
        settings.clear();
        settings.put("NO_SUCH_KEY", 1.0);
        tracker = new SparseLapTracker(spots, settings);
        assertFalse(tracker.checkInput());
        assertTrue(tracker.getErrorMessage().contains("NO_SUCH_KEY"), tracker.getErrorMessage());
        settings.clear();
        settings.put("LINKING_MAX_DISTANCE", 15);
        settings.put("LINKING_FEATURE_PENALTIES", Map.of("MEAN_INTENSITY_CH1", 1.0));
        tracker = new SparseLapTracker(spots, settings);
        assertTrue(tracker.checkInput(), tracker.getErrorMessage());
        assertFalse(tracker.process());
        assertTrue(tracker.getErrorMessage().contains("MEAN_INTENSITY_CH1"), tracker.getErrorMessage());
    }

    @Test
    void nonFinitePositionIsReportedWithTheSpotId() {
        SpotCollection spots = new SpotCollection();
        spots.add(new Spot(1, 0, 0, 0, 1, 1), 0);
        spots.add(new Spot(42, Double.NaN, 0, 0, 1, 1), 1);
        SparseLapTracker tracker = new SparseLapTracker(spots, TrackerKeys.defaultSettings());
        assertTrue(tracker.checkInput(), tracker.getErrorMessage());
        assertFalse(tracker.process());
        assertTrue(tracker.getErrorMessage().contains("42") && tracker.getErrorMessage().contains("non-finite"),
                tracker.getErrorMessage());
    }

    @Test
    void arrayTableRefusesDuplicateIdsAndMismatchedLengths() {
        double[] zero = {0, 0};
        IllegalArgumentException dup = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LapSpots.of(new int[] {5, 5}, new int[] {0, 1}, zero, zero, zero, null, null));
        assertTrue(dup.getMessage().contains("duplicate spot ID 5"), dup.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LapSpots.of(new int[] {1}, new int[] {0, 1}, zero, zero, zero, null, null));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LapSpots.of(new int[] {1, 2}, new int[] {0, -1}, zero, zero, zero, null, null));
    }

    @Test
    void emptyCollectionGivesEmptyGraph() {
        SparseLapTracker tracker = new SparseLapTracker(new SpotCollection(), null);
        assertTrue(tracker.process(), tracker.getErrorMessage());
        assertEquals(0, tracker.getResult().vertexSet().size());
    }

    private static Map<String, Double> run(SpotCollection spots, Map<String, Object> settings) {
        SparseLapTracker tracker = new SparseLapTracker(spots, settings);
        assertTrue(tracker.checkInput(), tracker.getErrorMessage());
        assertTrue(tracker.process(), tracker.getErrorMessage());
        return edgeMap(tracker.getResult());
    }

    private static Map<String, Double> edgeMap(SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph) {
        Map<String, Double> out = new TreeMap<>();
        for (DefaultWeightedEdge e : graph.edgeSet()) {
            int a = graph.getEdgeSource(e).getId();
            int b = graph.getEdgeTarget(e).getId();
            out.put(Math.min(a, b) + "-" + Math.max(a, b), graph.getEdgeWeight(e));
        }
        return out;
    }
}
