package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code track} writes the same bytes on every run (before, the summation order of some track features
 * followed identity hash codes), and lists each track's edges by source FRAME, source ID, target ID.
 */
class TrackOutputDeterminismTest {

    private static final Pattern TIMING = Pattern.compile("\\(\\d+\\.\\d+ s\\)");
    private static final Pattern SPOT = Pattern.compile("<Spot ID=\"(\\d+)\"[^>]* FRAME=\"(\\d+)\"");
    private static final Pattern EDGE = Pattern.compile("<Edge SPOT_SOURCE_ID=\"(\\d+)\" SPOT_TARGET_ID=\"(\\d+)\"");

    @TempDir
    Path dir;

    /** Random-walking, dividing cells in 3D with missed detections. */
    private Path spots() throws IOException {
        final Random random = new Random(11);
        final List<double[]> cells = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cells.add(new double[] {random.nextDouble() * 60, random.nextDouble() * 60, random.nextDouble() * 20});
        }
        final StringBuilder csv = new StringBuilder("ID,FRAME,POSITION_X,POSITION_Y,POSITION_Z\n");
        int id = 0;
        for (int frame = 0; frame < 30; frame++) {
            final List<double[]> next = new ArrayList<>();
            for (final double[] c : cells) {
                if (random.nextDouble() > 0.05) {
                    csv.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%s%n", id, frame, c[0], c[1], c[2]));
                }
                id++;
                for (int d = 0; d < 3; d++) {
                    c[d] += random.nextGaussian();
                }
                next.add(c);
                if (random.nextDouble() < 0.03) {
                    next.add(new double[] {c[0] + 1.5, c[1], c[2]});
                }
            }
            cells.clear();
            cells.addAll(next);
        }
        final Path path = dir.resolve("spots.csv");
        Files.write(path, csv.toString().getBytes(StandardCharsets.UTF_8));
        return path;
    }

    private String track(final Path spots, final Path settings, final String name) throws IOException {
        final Path out = dir.resolve(name);
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        final int code = Main.run(new String[] {"track", "--spots", spots.toString(), "--settings",
            settings.toString(), "--out", out.toString()}, new PrintStream(sink), new PrintStream(sink));
        assertEquals(0, code, sink.toString());
        final String xml = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        return TIMING.matcher(xml.replace(out.toString(), "OUT")).replaceAll("(T s)");
    }

    @Test
    void twoRunsWriteTheSameBytesWithSortedEdges() throws IOException {
        final Path spots = spots();
        final Path settings = dir.resolve("settings.json");
        Files.write(settings, ("{\"LINKING_MAX_DISTANCE\": 4.0, \"ALLOW_GAP_CLOSING\": true, "
                + "\"GAP_CLOSING_MAX_DISTANCE\": 4.0, \"MAX_FRAME_GAP\": 2, \"ALLOW_TRACK_SPLITTING\": true, "
                + "\"SPLITTING_MAX_DISTANCE\": 4.0}").getBytes(StandardCharsets.UTF_8));
        final String first = track(spots, settings, "a.xml");
        for (int run = 0; run < 3; run++) {
            assertEquals(first, track(spots, settings, "b.xml"));
        }
        assertTrue(first.contains("NUMBER_SPLITS=\"1\""), "the data should have divisions");
        final java.util.Map<Long, Long> frameOf = new java.util.HashMap<>();
        final Matcher spot = SPOT.matcher(first);
        while (spot.find()) {
            frameOf.put(Long.parseLong(spot.group(1)), Long.parseLong(spot.group(2)));
        }
        int nEdges = 0;
        for (final String track : first.split("<Track ")) {
            final Matcher m = EDGE.matcher(track);
            long[] previous = null;
            while (m.find()) {
                final long source = Long.parseLong(m.group(1));
                final long[] key = {frameOf.get(source), source, Long.parseLong(m.group(2))};
                assertTrue(previous == null || java.util.Arrays.compare(previous, key) < 0,
                        "edges out of order in a track at " + m.group());
                previous = key;
                nEdges++;
            }
        }
        assertTrue(nEdges > 500, "expected many edges, got " + nEdges);
    }

    @Test
    void relaunchOnlyForHeavyCommandsOfAPlainJavaJar() {
        assertFalse(JvmRelaunch.childCommand(new String[] {"version"}).isPresent());
        assertFalse(JvmRelaunch.childCommand(new String[0]).isPresent());
        // the test JVM was not started as "java -jar btrackmate-all.jar", so the command runs in this JVM
        assertFalse(JvmRelaunch.childCommand(new String[] {"track", "--help"}).isPresent());
    }
}
