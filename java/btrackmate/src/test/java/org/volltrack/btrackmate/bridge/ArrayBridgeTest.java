package org.volltrack.btrackmate.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

class ArrayBridgeTest {

    /** Five cells drifting in 3D over 6 frames, 20 µm apart; cell 0 divides after frame 2. */
    static final class Cells {
        int n;
        int[] frames = new int[64];
        double[] x = new double[64];
        double[] y = new double[64];
        double[] z = new double[64];

        void add(final int frame, final double px, final double py, final double pz) {
            frames[n] = frame;
            x[n] = px;
            y[n] = py;
            z[n] = pz;
            n++;
        }

        static Cells make(final long seed, final int skipFrame) {
            final Random random = new Random(seed);
            final Cells c = new Cells();
            for (int f = 0; f < 6; f++) {
                if (f == skipFrame) {
                    continue;
                }
                for (int k = 0; k < 5; k++) {
                    final double jitter = random.nextGaussian() * 0.2;
                    if (k == 0 && f >= 3) {
                        c.add(f, 1.0 * f - 2.0, 20 * k + jitter, 5.0);
                        c.add(f, 1.0 * f + 2.0, 20 * k - jitter, 5.0);
                    } else {
                        c.add(f, 1.0 * f + jitter, 20 * k, 5.0 + jitter);
                    }
                }
            }
            return c;
        }

        TrackingResult track(final String json) {
            final double[] ones = new double[n];
            Arrays.fill(ones, 1.0);
            return ArrayBridge.track(Arrays.copyOf(frames, n), Arrays.copyOf(x, n), Arrays.copyOf(y, n),
                    Arrays.copyOf(z, n), ones, ones, null, null, null, json, "micron", "sec", 2.0);
        }
    }

    @Test
    void tracksDividingCellsAndReturnsConsistentArrays(@TempDir final Path dir) throws Exception {
        final Cells cells = Cells.make(1, -1);
        final TrackingResult r = cells.track("{\"ALLOW_TRACK_SPLITTING\": true, \"LINKING_MAX_DISTANCE\": 5}");
        assertEquals(cells.n, r.spotIds().length);
        assertEquals(5, r.trackIds().length);
        assertEquals(cells.n - 5, r.edgeSources().length, "every spot but the first of each track has one parent");
        final int[] src = r.edgeSources();
        final int[] tgt = r.edgeTargets();
        final int[] frames = Arrays.copyOf(cells.frames, cells.n);
        for (int e = 0; e < src.length; e++) {
            assertTrue(frames[src[e]] < frames[tgt[e]], "edges oriented earlier -> later");
            assertTrue(r.edgeCosts()[e] > 0);
        }
        final int splitsRow = Arrays.asList(r.trackFeatureNames()).indexOf(FeatureKeys.NUMBER_SPLITS);
        double splits = 0;
        for (final double v : r.trackFeatureValues()[splitsRow]) {
            splits += v;
        }
        assertEquals(1.0, splits);
        assertTrue(Arrays.stream(r.spotTrackIds()).noneMatch(id -> id < 0));
        final int tRow = Arrays.asList(r.spotFeatureNames()).indexOf(FeatureKeys.POSITION_T);
        assertEquals(2.0 * frames[cells.n - 1], r.spotFeatureValues()[tRow][cells.n - 1]);
        assertTrue(Arrays.asList(r.edgeFeatureNames()).contains(FeatureKeys.SPEED));
        final Path xml = dir.resolve("out.xml");
        r.writeXml(xml.toString());
        final TrackMateFile read = TrackMateXmlReader.read(xml);
        assertEquals(cells.n - 5, read.model.getGraph().edgeSet().size());
        assertEquals(Boolean.TRUE, read.trackerSettings.get("ALLOW_TRACK_SPLITTING"));
        assertEquals(5.0, read.trackerSettings.get("LINKING_MAX_DISTANCE"));
        final Path again = dir.resolve("again.xml");
        org.volltrack.btrackmate.xml.TrackMateXmlWriter.write(read, again);
        assertArrayEquals(java.nio.file.Files.readAllBytes(xml), java.nio.file.Files.readAllBytes(again),
                "an engine-written file reads and writes back byte-identical");
    }

    @Test
    void emptyFramesAreBridgedOnlyByGapClosing() {
        final Cells cells = Cells.make(2, 2);
        final TrackingResult closed = cells.track("{\"ALLOW_GAP_CLOSING\": true}");
        final TrackingResult open = cells.track("{\"ALLOW_GAP_CLOSING\": false}");
        // 5 cells, the dividing one's second daughter (frames 3-5) is a track of its own: splitting is off
        assertEquals(6, closed.trackIds().length);
        assertEquals(11, open.trackIds().length, "frames 0-1 and 3-5 stay apart");
        final Set<Integer> gapFrames = new HashSet<>();
        for (int e = 0; e < closed.edgeSources().length; e++) {
            gapFrames.add(cells.frames[closed.edgeTargets()[e]] - cells.frames[closed.edgeSources()[e]]);
        }
        assertEquals(new HashSet<>(Arrays.asList(1, 2)), gapFrames);
    }

    @Test
    void extraFeaturesFeedTheTissueFilterAndInvisibleSpotsStayUntracked() {
        final int[] frames = {0, 1, 0, 1};
        final double[] x = {0, 0.5, 10, 10.5};
        final double[] zeros = new double[4];
        final double[] ones = {1, 1, 1, 1};
        final TrackingResult r = ArrayBridge.track(frames, x, zeros, zeros, ones, ones, new int[] {7, 8, 9, 10},
                new String[] {"TISSUE_FRACTION"}, new double[][] {{1, 1, 0.1, 0.2}},
                "{\"TISSUE_FILTER\": true}", "micron", "sec", 1.0);
        assertArrayEquals(new int[] {7, 9, 8, 10}, r.spotIds());
        assertArrayEquals(new int[] {1, 0, 1, 0}, r.spotVisibility());
        assertArrayEquals(new int[] {7}, r.edgeSources());
        assertArrayEquals(new int[] {8}, r.edgeTargets());
        assertEquals(0.25, r.edgeCosts()[0], 1e-12);
    }

    @Test
    void badInputIsRefusedWithPreciseMessages() {
        final int[] frames = {0, 1};
        final double[] two = {1, 2};
        assertBad("POSITION_X must be a finite", frames, new double[] {Double.NaN, 1}, two, null, "");
        assertBad("POSITION_Y must be a finite", frames, two, new double[] {1, Double.POSITIVE_INFINITY}, null, "");
        assertBad("FRAME must be an integer >= 0, got -1", new int[] {0, -1}, two, two, null, "");
        assertBad("duplicate spot ID 3", frames, two, two, new int[] {3, 3}, "");
        assertBad("x has length 1, expected 2", frames, new double[] {1}, two, null, "");
        assertBad("unknown settings key 'FOO'", frames, two, two, null, "{\"FOO\": 1}");
        assertBad("settings key 'LINKING_MAX_DISTANCE': expected a number", frames, two, two, null,
                "{\"LINKING_MAX_DISTANCE\": \"abc\"}");
        final double[] ones2 = {1, 1};
        final IllegalArgumentException badName = assertThrows(IllegalArgumentException.class, () -> ArrayBridge.track(
                frames, two, two, two, ones2, ones2, null, new String[] {"bad name"}, new double[][] {{1, 1}}, "",
                "micron", "sec", 1.0));
        assertTrue(badName.getMessage().contains("feature name \"bad name\""), badName.getMessage());
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ArrayBridge.track(
                new int[0], new double[0], new double[0], new double[0], new double[0], new double[0], null, null,
                null, null, "micron", "sec", 1.0));
        assertTrue(none.getMessage().contains("no spots"), none.getMessage());
        final double[] ones = {1, 1};
        final TrackingResult ok = ArrayBridge.track(frames, two, two, two, ones, ones, null, null, null,
                "{\"LINKING_MAX_DISTANCE\": 15}", null, null, 1.0);
        assertEquals(15.0, ok.settings().get("LINKING_MAX_DISTANCE"));
    }

    private static void assertBad(final String expected, final int[] frames, final double[] x, final double[] y,
            final int[] ids, final String json) {
        final double[] ones = new double[frames.length];
        Arrays.fill(ones, 1.0);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArrayBridge.track(
                frames, x, y, ones, ones, ones, ids, null, null, json, "micron", "sec", 1.0));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
