package org.volltrack.btrackmate.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SpotStreamTest {

    private static final String SETTINGS = "{\"ALLOW_TRACK_SPLITTING\": true, \"LINKING_MAX_DISTANCE\": 5}";

    /** Frames of the cells given one frame at a time, in shuffled order, track as the whole table does. */
    @Test
    void framesAddedInAnyOrderTrackAsTheWholeTable() {
        final ArrayBridgeTest.Cells cells = ArrayBridgeTest.Cells.make(1, -1);
        final int n = cells.n;
        final double[] quality = new double[n];
        final double[] feature = new double[n];
        for (int i = 0; i < n; i++) {
            quality[i] = 1.0 + i % 3;
            feature[i] = i * 0.5;
        }
        final double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        final TrackingResult whole = ArrayBridge.track(Arrays.copyOf(cells.frames, n), Arrays.copyOf(cells.x, n),
                Arrays.copyOf(cells.y, n), Arrays.copyOf(cells.z, n), ones, quality, null, new String[] {"AREA"},
                new double[][] {feature}, SETTINGS, "micron", "sec", 2.0);
        final List<Integer> order = new ArrayList<>(Arrays.asList(0, 1, 2, 3, 4, 5));
        Collections.shuffle(order, new Random(3));
        final SpotStream stream = new SpotStream();
        for (final int frame : order) {
            final int[] rows = java.util.stream.IntStream.range(0, n).filter(i -> cells.frames[i] == frame).toArray();
            stream.add(frame, pick(cells.frames, rows), pick(cells.x, rows), pick(cells.y, rows),
                    pick(cells.z, rows), pick(ones, rows), pick(quality, rows), null, new String[] {"AREA"},
                    new double[][] {pick(feature, rows)});
        }
        stream.add(99, new int[0], new double[0], new double[0], new double[0], new double[0], new double[0], null,
                null, null);                                             // an empty frame adds nothing
        assertEquals(n, stream.spotCount());
        assertEquals(7, stream.pieceCount());
        final TrackingResult streamed = stream.track(SETTINGS, "micron", "sec", 2.0);
        assertArrayEquals(whole.spotIds(), streamed.spotIds());
        assertArrayEquals(whole.edgeSources(), streamed.edgeSources());
        assertArrayEquals(whole.edgeTargets(), streamed.edgeTargets());
        assertArrayEquals(whole.edgeCosts(), streamed.edgeCosts());
        assertArrayEquals(whole.spotTrackIds(), streamed.spotTrackIds());
        assertArrayEquals(whole.spotFeatureNames(), streamed.spotFeatureNames());
        for (int f = 0; f < whole.spotFeatureNames().length; f++) {
            assertArrayEquals(whole.spotFeatureValues()[f], streamed.spotFeatureValues()[f]);
        }
    }

    @Test
    void badPiecesAreRefusedNamingTheirKey() {
        final SpotStream stream = new SpotStream();
        final double[] one = {1.0};
        stream.add(0, new int[] {0}, one, one, one, one, one, null, null, null);
        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> stream.add(0, new int[] {0}, one, one, one, one, one, null, null, null));
        assertTrue(twice.getMessage().contains("piece 0 was already added"), twice.getMessage());
        final IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> stream.add(4, new int[] {4}, new double[] {Double.NaN}, one, one, one, one, null, null, null));
        assertTrue(nan.getMessage().startsWith("spot stream, piece 4:") && nan.getMessage().contains("POSITION_X"),
                nan.getMessage());
        stream.add(5, new int[] {5}, one, one, one, one, one, new int[] {7}, null, null);
        final IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> stream.track("", "micron", "sec", 1.0));
        assertTrue(mixed.getMessage().contains("some pieces give spot IDs"), mixed.getMessage());
    }

    private static double[] pick(final double[] values, final int[] rows) {
        return Arrays.stream(rows).mapToDouble(i -> values[i]).toArray();
    }

    private static int[] pick(final int[] values, final int[] rows) {
        return Arrays.stream(rows).map(i -> values[i]).toArray();
    }
}
