package org.volltrack.btrackmate.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.volltrack.btrackmate.testdata.ReferenceFile;

/**
 * Re-tracks the visible spots of laptrack's TrackMate reference files with each file's own tracker settings
 * and requires exactly the file's edges and LINK_COSTs; then the same after a 3D rotation, renumbering and
 * shuffling of the spots (edge set exact, costs to rounding).
 */
class ReferenceRetrackTest {

    @ParameterizedTest
    @MethodSource("org.volltrack.btrackmate.testdata.ReferenceFile#laptrackFiles")
    void retrackGivesExactlyTheFileEdgesAndCosts(String resource) throws Exception {
        ReferenceFile file = ReferenceFile.load(resource);
        Map<Long, Double> expected = expectedEdges(file);
        assertFalse(expected.isEmpty());
        Map<Long, Double> got = retrack(file, identity(file), null, new Random(0), false);
        assertSameEdges(expected, got, resource);
        for (Map.Entry<Long, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), got.get(e.getKey()), 0.0, resource + ": LINK_COST of " + pair(e.getKey()));
        }
    }

    @ParameterizedTest
    @MethodSource("org.volltrack.btrackmate.testdata.ReferenceFile#laptrackFiles")
    void rotatedRenumberedShuffledSpotsGiveTheSameEdges(String resource) throws Exception {
        ReferenceFile file = ReferenceFile.load(resource);
        Map<Long, Double> expected = expectedEdges(file);
        Random random = new Random(resource.hashCode());
        Map<Integer, Integer> newId = renumbering(file, random);
        double[][] rotation = rotation(0.4, -0.9, 1.3);
        Map<Long, Double> got = retrack(file, newId, rotation, random, true);
        Map<Long, Double> expectedRenumbered = new TreeMap<>();
        for (Map.Entry<Long, Double> e : expected.entrySet()) {
            int a = newId.get((int) (e.getKey() >> 32));
            int b = newId.get((int) (long) e.getKey());
            expectedRenumbered.put(key(a, b), e.getValue());
        }
        assertSameEdges(expectedRenumbered, got, resource + " (rotated, renumbered, shuffled)");
        for (Map.Entry<Long, Double> e : expectedRenumbered.entrySet()) {
            assertEquals(e.getValue(), got.get(e.getKey()), 1e-9 * Math.max(1, e.getValue()), resource);
        }
    }

    private static void assertSameEdges(Map<Long, Double> expected, Map<Long, Double> got, String what) {
        java.util.Set<String> missing = new java.util.TreeSet<>();
        java.util.Set<String> extra = new java.util.TreeSet<>();
        expected.keySet().stream().filter(k -> !got.containsKey(k)).forEach(k -> missing.add(pair(k)));
        got.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> extra.add(pair(k)));
        assertTrue(missing.isEmpty() && extra.isEmpty(), what + ": missing edges " + missing + ", extra " + extra);
    }

    static Map<Long, Double> expectedEdges(ReferenceFile file) {
        Map<Long, Double> out = new TreeMap<>();
        for (ReferenceFile.Attributes edge : file.edges) {
            int s = edge.values.get("SPOT_SOURCE_ID").intValue();
            int t = edge.values.get("SPOT_TARGET_ID").intValue();
            out.put(key(s, t), edge.values.get("LINK_COST"));
        }
        return out;
    }

    private static Map<Long, Double> retrack(ReferenceFile file, Map<Integer, Integer> newId, double[][] rot,
            Random random, boolean shuffle) {
        List<ReferenceFile.RefSpot> visible = new ArrayList<>();
        for (ReferenceFile.RefSpot s : file.spots) {
            if (s.get("VISIBILITY") == 1.0) {
                visible.add(s);
            }
        }
        if (shuffle) {
            java.util.Collections.shuffle(visible, random);
        }
        SpotColumns columns = new SpotColumns(visible.size());
        for (int i = 0; i < columns.size(); i++) {
            ReferenceFile.RefSpot s = visible.get(i);
            double[] p = {s.get("POSITION_X"), s.get("POSITION_Y"), s.get("POSITION_Z")};
            if (rot != null) {
                p = apply(rot, p);
            }
            columns.set(i, newId.get(s.id), (int) s.get("FRAME"), p[0], p[1], p[2]);
        }
        int[] keys = file.frameKeys.stream().mapToInt(Integer::intValue).toArray();
        LapSpots spots = LapSpots.of(columns, keys, new HashMap<>());
        LapEdges edges = LapTracking.track(spots, file.settings);
        Map<Long, Double> out = new TreeMap<>();
        for (int k = 0; k < edges.size(); k++) {
            long key = key(spots.ids[edges.source(k)], spots.ids[edges.target(k)]);
            assertTrue(out.put(key, edges.cost(k)) == null, "duplicate edge " + pair(key));
            assertTrue(spots.frames[edges.source(k)] < spots.frames[edges.target(k)], "edge not forward in time");
        }
        return out;
    }

    static long key(int a, int b) {
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        return ((long) lo << 32) | (hi & 0xffffffffL);
    }

    private static String pair(long key) {
        return (key >> 32) + "-" + (int) key;
    }

    private static Map<Integer, Integer> identity(ReferenceFile file) {
        Map<Integer, Integer> out = new HashMap<>();
        for (ReferenceFile.RefSpot s : file.spots) {
            out.put(s.id, s.id);
        }
        return out;
    }

    private static Map<Integer, Integer> renumbering(ReferenceFile file, Random random) {
        List<Integer> fresh = new ArrayList<>();
        for (int i = 0; i < file.spots.size(); i++) {
            fresh.add(1000 + 7 * i);
        }
        java.util.Collections.shuffle(fresh, random);
        Map<Integer, Integer> out = new HashMap<>();
        for (int i = 0; i < file.spots.size(); i++) {
            out.put(file.spots.get(i).id, fresh.get(i));
        }
        return out;
    }

    private static double[][] rotation(double a, double b, double c) {
        double[][] rx = {{1, 0, 0}, {0, Math.cos(a), -Math.sin(a)}, {0, Math.sin(a), Math.cos(a)}};
        double[][] ry = {{Math.cos(b), 0, Math.sin(b)}, {0, 1, 0}, {-Math.sin(b), 0, Math.cos(b)}};
        double[][] rz = {{Math.cos(c), -Math.sin(c), 0}, {Math.sin(c), Math.cos(c), 0}, {0, 0, 1}};
        return multiply(rz, multiply(ry, rx));
    }

    private static double[][] multiply(double[][] p, double[][] q) {
        double[][] out = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    out[i][j] += p[i][k] * q[k][j];
                }
            }
        }
        return out;
    }

    private static double[] apply(double[][] m, double[] p) {
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            out[i] = m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2];
        }
        return out;
    }
}
