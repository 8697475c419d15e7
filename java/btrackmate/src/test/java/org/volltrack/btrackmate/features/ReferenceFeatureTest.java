package org.volltrack.btrackmate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
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

    @ParameterizedTest
    @ValueSource(strings = {"trackmate_tracks_without_gap_closing.xml", "trackmate_tracks_with_gap_closing.xml",
        "trackmate_tracks_with_splitting.xml", "trackmate_tracks_with_merging.xml",
        "trackmate_tracks_with_splitting_merging.xml"})
    void featuresEqualTheValuesTrackMateStored(String resource) throws Exception {
        ReferenceFile file = ReferenceFile.load(resource);
        List<ReferenceFile.RefSpot> spots = file.spots;
        Map<Integer, Integer> index = new HashMap<>();
        int n = spots.size();
        double[][] cols = new double[6][n];
        int[] frame = new int[n];
        String[] keys = {"POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "QUALITY"};
        for (int i = 0; i < n; i++) {
            ReferenceFile.RefSpot s = spots.get(i);
            index.put(s.id, i);
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
        TrackGraphData g = new TrackGraphData(cols[0], cols[1], cols[2], cols[3], frame, cols[4], src, tgt, track,
                tracks.size());
        Map<String, double[]> ef = EdgeFeatureCalculator.compute(g);
        for (int e = 0; e < m; e++) {
            for (String[] k : EDGE_KEYS) {
                assertEquals(edges.get(e).values.get(k[1]), ef.get(k[0])[e], 0.0, resource + " edge " + e + " " + k[0]);
            }
        }
        Map<String, double[]> tf = TrackFeatureCalculator.compute(g, ef);
        for (int k = 0; k < tracks.size(); k++) {
            Map<String, Double> stored = tracks.get(k).values;
            for (String key : EXACT_TRACK_KEYS) {
                assertEquals(stored.get(key), tf.get(key)[k], 0.0, resource + " track " + k + " " + key);
            }
            for (String key : CLOSE_TRACK_KEYS) {
                double expected = stored.get(key);
                assertEquals(expected, tf.get(key)[k], 1e-12 * Math.max(1, Math.abs(expected)),
                        resource + " track " + k + " " + key);
            }
        }
        assertTrue(tracks.size() > 0);
    }
}
