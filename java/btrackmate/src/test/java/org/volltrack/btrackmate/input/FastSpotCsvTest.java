package org.volltrack.btrackmate.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/** The fast CSV path gives exactly the general reader's spots, and gives up on everything unusual. */
class FastSpotCsvTest {

    @TempDir
    Path dir;

    private Path write(final String name, final String text) throws IOException {
        final Path path = dir.resolve(name);
        Files.write(path, text.getBytes(StandardCharsets.UTF_8));
        return path;
    }

    /** Every spot's ID, frame, name and features (keys in order, values bit for bit). */
    private static List<String> describe(final SpotCollection spots) {
        final List<String> out = new ArrayList<>();
        out.add("frames " + spots.keySet());
        for (final Integer frame : spots.keySet()) {
            for (final Spot spot : spots.iterable(frame, false)) {
                final StringBuilder line = new StringBuilder(spot.getId() + " " + spot.getName());
                spot.getFeatures().forEach((key, value) -> line.append(' ').append(key).append('=')
                        .append(Long.toHexString(Double.doubleToRawLongBits(value))));
                out.add(line.toString());
            }
        }
        return out;
    }

    private void assertSameAsGeneral(final Path path) throws IOException {
        final SpotCollection fast = FastSpotCsv.tryRead(path, 0.5);
        assertNotNull(fast, "fast path gave up on " + path);
        assertEquals(describe(SpotCsvReader.readGeneral(path, 0.5)), describe(fast));
    }

    @Test
    void randomNumericTablesMatchTheGeneralReader() throws IOException {
        final Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            final StringBuilder text = new StringBuilder(round == 1 ? "\uFEFF" : "");
            text.append(round == 2 ? ",ID,FRAME,POSITION_X,POSITION_Y,POSITION_Z,MEAN_INTENSITY_CH1,POSITION_T"
                    : "ID,FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY,MEAN_INTENSITY_CH1,VISIBILITY");
            final String newline = round == 3 ? "\r\n" : "\n";
            for (int i = 0; i < 300; i++) {
                text.append(newline);
                if (round == 2) {
                    text.append(i).append(',');
                }
                text.append(1000 - i).append(',').append(random.nextInt(6)).append(',')
                        .append(random.nextDouble() * 100).append(',')
                        .append(String.format(Locale.ROOT, "%.3e", random.nextGaussian() * 1e5)).append(',')
                        .append(i % 7 == 0 ? "-0" : i % 5 == 0 ? "-12" : " " + random.nextDouble() + " ")
                        .append(',');
                if (round == 2) {
                    text.append(i % 3 == 0 ? "" : "nan").append(',').append(i * 0.25);
                } else {
                    text.append(1 + random.nextDouble()).append(',').append(random.nextInt(100)).append(',')
                            .append(i % 4 == 0 ? "" : i % 4 == 1 ? "inf" : "1e-320").append(',').append(1);
                }
            }
            if (round == 4) {
                text.append("\n\n");
            }
            assertSameAsGeneral(write("r" + round + ".csv", text.toString()));
        }
    }

    @Test
    void withoutIdsAndHugeIntegers() throws IOException {
        assertSameAsGeneral(write("a.csv", "FRAME,POSITION_X,POSITION_Y,QUALITY,AREA\n0,1,2,1,\n1,1.5,2,3,"
                + "12345678901234567890\n3,+4,8,5,7"));
    }

    @Test
    void shortRowsAndJavaOnlyNumberSpellingsAreRefusedByBothPaths() throws IOException {
        for (final String text : new String[] {"FRAME,POSITION_X,POSITION_Y,QUALITY\n0,1,2\n",
            "FRAME,POSITION_X,POSITION_Y\n0,1,0x1p3\n", "FRAME,POSITION_X,POSITION_Y\n0,1,2d\n"}) {
            final Path path = write("b.csv", text);
            assertThrows(SpotInputException.class, () -> SpotCsvReader.read(path, 1.0), text);
        }
    }

    @Test
    void givesUpOnWhatTheGeneralReaderHandlesSpecially() throws IOException {
        final String[] unusual = {
            "FRAME,POSITION_X,POSITION_Y\n0,\"1\",2",
            "FRAME,POSITION_X,POSITION_Y,LABEL\n0,1,2,cellA",
            "FRAME,POSITION_X,POSITION_Y\nFrame,X,Y\n0,1,2",
            "FRAME, POSITION_X,POSITION_Y\n0,1,2",
            "FRAME,POSITION_X,POSITION_Y,Mean Intensity\n0,1,2,3",
            "FRAME,POSITION_X,POSITION_X,POSITION_Y\n0,1,1,2",
            "FRAME,POSITION_X\n0,1",
            "FRAME,POSITION_X,POSITION_Y\n0,NaN,2",
            "ID,FRAME,POSITION_X,POSITION_Y\n1,0,1,2\n1,1,1,2",
            "FRAME,POSITION_X,POSITION_Y\n0.5,1,2",
            "FRAME,POSITION_X,POSITION_Y\n0,1,2\r3,4,5",
            "",
        };
        for (int i = 0; i < unusual.length; i++) {
            assertNull(FastSpotCsv.tryRead(write("u" + i + ".csv", unusual[i]), 1.0), unusual[i]);
        }
    }
}
