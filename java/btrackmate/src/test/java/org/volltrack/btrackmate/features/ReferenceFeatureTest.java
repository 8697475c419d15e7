package org.volltrack.btrackmate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.testdata.ReferenceFile;

/**
 * Edge and track features computed on laptrack's TrackMate reference files must equal the values TrackMate
 * stored in them (6.x key names: VELOCITY is SPEED). Counts, times and single-operation values are compared
 * exactly; sums and means to 1e-12 relative (TrackMate sums over hash-set order).
 */
class ReferenceFeatureTest {

    private static final String[][] EDGE_KEYS = {{"SPEED", "VELOCITY"}, {"DISPLACEMENT", "DISPLACEMENT"},
        {"EDGE_TIME", "EDGE_TIME"}, {"EDGE_X_LOCATION", "EDGE_X_LOCATION"}, {"EDGE_Y_LOCATION", "EDGE_Y_LOCATION"},
        {"EDGE_Z_LOCATION", "EDGE_Z_LOCATION"}};
    private static final String[] EXACT_TRACK_KEYS = {"NUMBER_SPOTS", "NUMBER_GAPS", "LONGEST_GAP",
        "NUMBER_SPLITS", "NUMBER_MERGES", "NUMBER_COMPLEX", "TRACK_DURATION", "TRACK_START", "TRACK_STOP",
        "TRACK_DISPLACEMENT", "TRACK_MAX_SPEED", "TRACK_MIN_SPEED", "TRACK_MEDIAN_SPEED"};
    private static final String[] CLOSE_TRACK_KEYS = {"TRACK_X_LOCATION", "TRACK_Y_LOCATION",
        "TRACK_Z_LOCATION", "TRACK_MEAN_SPEED", "TRACK_STD_SPEED", "TRACK_MEAN_QUALITY"};

    private static final String[] MODERN_EDGE_KEYS = {"SPEED", "DISPLACEMENT", "EDGE_TIME", "EDGE_X_LOCATION",
        "EDGE_Y_LOCATION", "EDGE_Z_LOCATION", "DIRECTIONAL_CHANGE_RATE"};
    private static final String[] MODERN_CLOSE_TRACK_KEYS = {"TRACK_X_LOCATION", "TRACK_Y_LOCATION",
        "TRACK_Z_LOCATION", "TRACK_MEAN_SPEED", "TRACK_STD_SPEED", "TRACK_MEAN_QUALITY", "TOTAL_DISTANCE_TRAVELED",
        "MAX_DISTANCE_TRAVELED", "CONFINEMENT_RATIO", "MEAN_STRAIGHT_LINE_SPEED", "LINEARITY_OF_FORWARD_PROGRESSION",
        "MEAN_DIRECTIONAL_CHANGE_RATE"};

    /** TrackMate 7.14 and 8.0 files (pycellin samples) carry every core feature under its current key. */
    @ParameterizedTest
    @ValueSource(strings = {"pycellin_Celegans-5pc-17timepoints.xml", "pycellin_FakeTracks.xml"})
    void modernFilesFeaturesEqualStoredValues(String resource) throws Exception {
        check(resource, MODERN_EDGE_KEYS, MODERN_EDGE_KEYS, MODERN_CLOSE_TRACK_KEYS, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("org.volltrack.btrackmate.testdata.ReferenceFile#laptrackFiles")
    void featuresEqualTheValuesTrackMateStored(String resource) throws Exception {
        String[] ours = new String[EDGE_KEYS.length];
        String[] stored = new String[EDGE_KEYS.length];
        for (int k = 0; k < EDGE_KEYS.length; k++) {
            ours[k] = EDGE_KEYS[k][0];
            stored[k] = EDGE_KEYS[k][1];
        }
        check(resource, ours, stored, CLOSE_TRACK_KEYS, 0.0);
    }

    /** Both NaN, or equal within {@code relative} × max(1, |expected|). */
    private static void assertClose(Double expected, double got, double relative, String what) {
        assertTrue(expected != null, what + ": not stored in the file");
        if (Double.isNaN(expected) || Double.isNaN(got)) {
            assertEquals(Double.isNaN(expected), Double.isNaN(got), what + ": expected " + expected + ", got " + got);
            return;
        }
        assertEquals(expected, got, relative * Math.max(1, Math.abs(expected)), what);
    }

    private static void check(String resource, String[] edgeKeys, String[] storedEdgeKeys, String[] closeTrackKeys,
            double edgeTolerance) throws Exception {
        ReferenceFile file = ReferenceFile.load(resource);
        List<ReferenceFile.RefSpot> spots = file.spots;
        Map<Integer, Integer> index = new HashMap<>();
        int n = spots.size();
        double[][] cols = new double[6][n];
        int[] frame = new int[n];
        int[] ids = new int[n];
        String[] keys = {"POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "QUALITY"};
        for (int i = 0; i < n; i++) {
            ReferenceFile.RefSpot s = spots.get(i);
            index.put(s.id, i);
            ids[i] = s.id;
            for (int c = 0; c < keys.length; c++) {
                cols[c][i] = s.get(keys[c]);
            }
            frame[i] = (int) s.get("FRAME");
        }
        List<ReferenceFile.Attributes> edges = file.edges;
        int m = edges.size();
        int[] src = new int[m];
        int[] tgt = new int[m];
        int[] track = file.edgeTrackIndex();
        for (int e = 0; e < m; e++) {
            src[e] = index.get(edges.get(e).values.get("SPOT_SOURCE_ID").intValue());
            tgt[e] = index.get(edges.get(e).values.get("SPOT_TARGET_ID").intValue());
        }
        List<ReferenceFile.Attributes> tracks = file.tracks;
        TrackGraphData g = new TrackGraphData(ids, cols[0], cols[1], cols[2], cols[3], frame, cols[4], src, tgt, track,
                tracks.size());
        Map<String, double[]> ef = EdgeFeatureCalculator.compute(g);
        for (int e = 0; e < m; e++) {
            for (int k = 0; k < edgeKeys.length; k++) {
                assertClose(edges.get(e).values.get(storedEdgeKeys[k]), ef.get(edgeKeys[k])[e], edgeTolerance,
                        resource + " edge " + e + " " + edgeKeys[k]);
            }
        }
        Map<String, double[]> tf = TrackFeatureCalculator.compute(g, ef);
        for (int k = 0; k < tracks.size(); k++) {
            Map<String, Double> stored = tracks.get(k).values;
            for (String key : EXACT_TRACK_KEYS) {
                assertEquals(stored.get(key), tf.get(key)[k], 0.0, resource + " track " + k + " " + key);
            }
            for (String key : closeTrackKeys) {
                assertClose(stored.get(key), tf.get(key)[k], 1e-12, resource + " track " + k + " " + key);
            }
        }
        assertTrue(tracks.size() > 0);
    }
}
