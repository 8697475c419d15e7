package org.volltrack.btrackmate.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.bridge.ArrayBridge;
import org.volltrack.btrackmate.bridge.TrackingResult;

/**
 * Ctrl-C in Python (JPype) interrupts the Java thread that called the engine: the engine then stops with a
 * CancellationException instead of finishing the tracking, and leaves the flag for its caller to clear.
 */
class InterruptsTest {

    @AfterEach
    void clear() {
        Thread.interrupted();
    }

    private static TrackingResult trackRow(final int nFrames) {
        final int n = nFrames * 3;
        final int[] frames = new int[n];
        final double[] x = new double[n];
        final double[] y = new double[n];
        final double[] z = new double[n];
        final double[] ones = new double[n];
        for (int i = 0; i < n; i++) {
            frames[i] = i / 3;
            x[i] = 10.0 * (i % 3) + 0.1 * frames[i];
            ones[i] = 1.0;
        }
        return ArrayBridge.track(frames, x, y, z, ones, ones, null, null, null, "{\"LINKING_MAX_DISTANCE\": 2.0}",
                "micron", "sec", 1.0);
    }

    @Test
    void anInterruptedCallerGetsACancellationAndTheFlagStaysSet() {
        Thread.currentThread().interrupt();
        final CancellationException stop = assertThrows(CancellationException.class, () -> trackRow(20));
        assertEquals("interrupted", stop.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), "the caller clears the flag, not the engine");
    }

    @Test
    void onceTheFlagIsClearedTheSameCallTracks() {
        Thread.currentThread().interrupt();
        assertThrows(CancellationException.class, () -> trackRow(20));
        Thread.interrupted();
        assertEquals(3 * 19, trackRow(20).edgeSources().length);
    }
}
