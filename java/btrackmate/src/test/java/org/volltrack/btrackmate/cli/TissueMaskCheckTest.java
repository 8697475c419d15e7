package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.image.ImageVolume;
import org.volltrack.btrackmate.image.TiffFixtures;
import org.volltrack.btrackmate.image.TissueMask;

/**
 * The tissue-mask checks of the jar follow Python's (tests/test_inverted_mask.py, docs/safety.md): an all-zero mask
 * is refused naming the file, an inverted one (cells outside it, foreground on the image border) warned about in
 * one line naming the file, a normal one passes silently.
 */
class TissueMaskCheckTest extends CliTestBase {

    static final int NT = 2;
    static final int NZ = 4;
    static final int N = 40;

    /** Two frames of 12 small cells in the middle of a 4x40x40 field (as the Python test). */
    private Path labels() {
        final int[][][][] v = new int[NT][NZ][N][N];
        for (int i = 0; i < 12; i++) {
            final int y0 = 12 + 4 * (i / 4);
            final int x0 = 12 + 4 * (i % 4);
            for (int t = 0; t < NT; t++) {
                for (int z = 1; z < 3; z++) {
                    for (int y = y0; y < y0 + 2; y++) {
                        for (int x = x0; x < x0 + 2; x++) {
                            v[t][z][y][x] = i + 1;
                        }
                    }
                }
            }
        }
        return TiffFixtures.write(dir.resolve("labels.tif"), v, false, null);
    }

    /** The tissue around the cells (8..31 in Y and X), its inverse, or nothing. */
    private Path mask(final String name, final int inside, final int outside) {
        final int[][][][] v = new int[NT][NZ][N][N];
        for (int t = 0; t < NT; t++) {
            for (int z = 0; z < NZ; z++) {
                for (int y = 0; y < N; y++) {
                    for (int x = 0; x < N; x++) {
                        final boolean tissue = y >= 8 && y < 32 && x >= 8 && x < 32;
                        v[t][z][y][x] = tissue ? inside : outside;
                    }
                }
            }
        }
        return TiffFixtures.write(dir.resolve(name), v, false, null);
    }

    private Path spotCsv() throws IOException {
        final StringBuilder csv = new StringBuilder("FRAME,POSITION_X,POSITION_Y,POSITION_Z\n");
        for (int t = 0; t < NT; t++) {
            for (int i = 0; i < 12; i++) {
                csv.append(t).append(',').append(12.5 + 4 * (i % 4)).append(',').append(12.5 + 4 * (i / 4))
                        .append(",1.5\n");
            }
        }
        return Files.write(dir.resolve("spots.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    private int track(final String input, final Path inputPath, final Path mask) {
        return run("track", input, inputPath.toString(), "--mask", mask.toString(), "--calibration", "1,1,1,1",
                "--out", dir.resolve("t.xml").toString());
    }

    @Test
    void aNormalMaskPassesSilently() throws IOException {
        final Path labels = labels();
        final Path mask = mask("mask.tif", 1, 0);
        assertEquals(0, track("--labels", labels, mask), err());
        assertFalse(err().contains("inverted"), err());
        assertEquals(0, track("--spots", spotCsv(), mask), err());
        assertFalse(err().contains("inverted"), err());
    }

    @Test
    void anInvertedMaskIsWarnedAboutInOneLineNamingTheFile() throws IOException {
        final Path labels = labels();
        final Path inverted = mask("inverted.tif", 0, 1);
        for (final String input : new String[] {"--labels", "--spots"}) {
            assertEquals(0, track(input, "--labels".equals(input) ? labels : spotCsv(), inverted), err());
            final String[] lines = err().split("\n");
            final String expected = "btrackmate track: warning: tissue mask " + inverted + ": only 0% of 24 spots are "
                    + "inside it while it covers 100% of the image border; is the mask inverted (tissue = 0)? "
                    + "Expected non-zero voxels where the tissue is";
            int found = 0;
            for (final String line : lines) {
                found += line.equals(expected) ? 1 : 0;
            }
            assertEquals(1, found, input + ": " + err());
        }
    }

    @Test
    void anAllZeroMaskIsRefusedNamingTheFile() throws IOException {
        final Path labels = labels();
        final Path zero = mask("zero.tif", 0, 0);
        for (final Path input : new Path[] {labels, spotCsv()}) {
            assertEquals(1, track(input == labels ? "--labels" : "--spots", input, zero), err());
            assertTrue(err().contains("tissue mask " + zero + " is all zero: no voxel is tissue"), err());
            assertEquals(1, err().trim().split("\n").length, err());
            assertFalse(Files.exists(dir.resolve("t.xml")));
        }
    }

    @Test
    void theBorderFractionCountsTheSideBorderOfEverySlice() throws IOException {
        final int[][][][] v = new int[1][2][10][10];
        for (int z = 0; z < 2; z++) {
            for (int x = 0; x < 10; x++) {
                v[0][z][0][x] = 1;            // one of the four sides: 10 of 36 border voxels per slice
            }
        }
        final ImageVolume one = ImageVolume.open(TiffFixtures.write(dir.resolve("side.tif"), v, false, null));
        assertEquals(10.0 / 36, TissueMask.borderFraction(one), 1e-12);
    }
}
