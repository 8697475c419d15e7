package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.image.TiffFixtures;

/** Bad input to the command line: one line on stderr naming the file, exit code 1, no output file. */
class BadInputTest extends CliTestBase {

    private void assertOneLineError(final String expected) {
        final String text = err().trim();
        assertTrue(text.contains(expected), text);
        assertFalse(text.contains("\n"), "one line expected: " + text);
        assertFalse(text.contains("Exception"), "no Java exception expected: " + text);
    }

    private Path labelMovie(final String name) {
        final int[][][][] labels = new int[4][3][40][50];
        for (int t = 0; t < 4; t++) {
            for (int z = 0; z < 3; z++) {
                labels[t][z][2][2 + t] = 5;
                labels[t][z][6][7] = 9;
            }
        }
        return TiffFixtures.write(dir.resolve(name), labels, false, null);
    }

    private Path truncated(final Path source, final String name, final int keepBytes) throws IOException {
        final byte[] bytes = Files.readAllBytes(source);
        return Files.write(dir.resolve(name), Arrays.copyOf(bytes, Math.min(keepBytes, bytes.length)));
    }

    @Test
    void aTruncatedLabelMovieIsRefusedInsteadOfReadAsFewerFrames() throws IOException {
        final Path good = labelMovie("labels.tif");
        final Path xml = dir.resolve("t.xml");
        assertEquals(0, run("track", "--labels", good.toString(), "--out", xml.toString()), err());
        final Path half = truncated(good, "half.tif", (int) (Files.size(good) / 2));
        assertEquals(1, run("track", "--labels", half.toString(), "--out", dir.resolve("h.xml").toString()));
        assertOneLineError("half.tif: truncated TIFF");
        assertFalse(Files.exists(dir.resolve("h.xml")));
        final Path header = truncated(good, "header.tif", 200);
        assertEquals(1, run("track", "--labels", header.toString(), "--out", dir.resolve("g.xml").toString()));
        assertOneLineError("header.tif: truncated TIFF");
        final Path raw = truncated(good, "raw.tif", (int) (Files.size(good) * 3 / 4));
        assertEquals(1, run("track", "--labels", good.toString(), "--image", raw.toString(), "--out",
                dir.resolve("r.xml").toString()));
        assertOneLineError("raw.tif: truncated TIFF");
    }

    @Test
    void randomBytesAndAnEmptyFileAreNotImages() throws IOException {
        final byte[] noise = new byte[4000];
        new java.util.Random(1).nextBytes(noise);
        final Path corrupt = Files.write(dir.resolve("noise.tif"), noise);
        assertEquals(1, run("track", "--labels", corrupt.toString(), "--out", dir.resolve("n.xml").toString()));
        assertOneLineError("noise.tif");
        final Path empty = Files.write(dir.resolve("empty.tif"), new byte[0]);
        assertEquals(1, run("track", "--labels", empty.toString(), "--out", dir.resolve("e.xml").toString()));
        assertOneLineError("empty.tif");
        assertFalse(Files.exists(dir.resolve("n.xml")) || Files.exists(dir.resolve("e.xml")));
    }

    @Test
    void legacyModeRefusesATrackMateKeyedTableAndAnEmptyFile() throws IOException {
        final Path csv = spotsCsv("1,2,1,1,1,1");
        assertEquals(1, run("track", "--spots", csv.toString(), "--legacy", "--calibration", "2,0.5,0.5,1",
                "--out", dir.resolve("l.xml").toString()));
        assertOneLineError("spots.csv: the header names TrackMate features");
        assertFalse(Files.exists(dir.resolve("l.xml")));
        final Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
        assertEquals(1, run("track", "--spots", empty.toString(), "--legacy", "--calibration", "2,0.5,0.5,1",
                "--out", dir.resolve("l.xml").toString()));
        assertOneLineError("empty.csv: the file is empty");
        final Path legacy = Files.write(dir.resolve("legacy.csv"), String.join("\n",
                "T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,ExtentZ",
                "0,1,1,1,3,0,8,1,2,2,2", "1,2,1,1,3,0,8,1,2,2,2").getBytes(StandardCharsets.UTF_8));
        assertEquals(0, run("track", "--spots", legacy.toString(), "--legacy", "--calibration", "2,0.5,0.5,1",
                "--out", dir.resolve("l.xml").toString()), err());
    }

    @Test
    void anOutputThatIsADirectoryOrUnderAFileIsRefused() throws IOException {
        final Path csv = spotsCsv("1,2,1,1,1,1");
        final Path folder = Files.createDirectory(dir.resolve("folder"));
        assertEquals(1, run("track", "--spots", csv.toString(), "--out", folder.toString()));
        assertOneLineError("folder: is a folder; expected the path of the XML file to write");
        final Path file = Files.write(dir.resolve("afile"), new byte[] {1});
        assertEquals(1, run("track", "--spots", csv.toString(), "--out", file.resolve("x.xml").toString()));
        assertOneLineError("afile");
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
        }
    }

    @Test
    void aHugeFrameIsRefusedInsteadOfExhaustingTheMemory() throws IOException {
        final Path csv = spotsCsv("1000000000,2,1,1,1,1");
        assertEquals(1, run("track", "--spots", csv.toString(), "--out", dir.resolve("h.xml").toString()));
        assertOneLineError("spots.csv: line 3: FRAME 1000000000 is beyond the largest supported frame");
        assertFalse(Files.exists(dir.resolve("h.xml")));
    }

    @Test
    void aSettingsFileThatIsNotOneJsonObjectIsNamedWithoutJavaClassNames() throws IOException {
        final Path csv = spotsCsv("1,2,1,1,1,1");
        for (final String text : new String[] {"[1, 2]", "{bad json", "\u0001\u0002binary"}) {
            final Path settings = Files.write(dir.resolve("settings.json"), text.getBytes(StandardCharsets.UTF_8));
            assertEquals(1, run("track", "--spots", csv.toString(), "--settings", settings.toString(), "--out",
                    dir.resolve("s.xml").toString()));
            assertOneLineError("settings.json: not a valid JSON object of settings (");
            assertTrue(err().contains("expected one object such as"), err());
        }
        assertFalse(Files.exists(dir.resolve("s.xml")));
    }

    /** {@code dir/spots.csv}: a spot table with one spot in frame 0 and the given second row. */
    private Path spotsCsv(final String secondRow) throws IOException {
        return Files.write(dir.resolve("spots.csv"), String.join("\n",
                "FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY", "0,1,1,1,1,1", secondRow)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A 2-frame label movie of 2x6x8 voxels with one cell (label 3) moving by one voxel. */
    private static int[][][][] oneCellInTwoFrames() {
        final int[][][][] labels = new int[2][2][6][8];
        labels[0][0][1][1] = 3;
        labels[1][0][1][2] = 3;
        return labels;
    }

    @Test
    void aLabelImageWithFractionalNegativeOrNanValuesIsRefused() throws IOException {
        final int[][][][] labels = oneCellInTwoFrames();
        final Path good = TiffFixtures.write(dir.resolve("labels.tif"), labels, true, null);
        assertEquals(0, run("track", "--labels", good.toString(), "--out", dir.resolve("g.xml").toString()), err());
        for (final float bad : new float[] {2.5f, -1f, Float.NaN}) {
            final ij.ImagePlus imp = ij.IJ.openImage(good.toString());
            imp.getStack().getProcessor(2).setf(4, 3, bad);
            new ij.io.FileSaver(imp).saveAsTiffStack(dir.resolve("bad.tif").toString());
            assertEquals(1, run("track", "--labels", dir.resolve("bad.tif").toString(), "--out",
                    dir.resolve("b.xml").toString()));
            assertOneLineError("bad.tif: a label image holds whole numbers >= 0 (0 = background); found "
                    + bad + " at frame 0, z 1, y 3, x 4");
        }
        assertFalse(Files.exists(dir.resolve("b.xml")));
    }

    @Test
    void nanOrInfiniteIntensitiesInTheImageAreRefusedNamingTheImage() throws IOException {
        final int[][][][] labels = oneCellInTwoFrames();
        final Path lab = TiffFixtures.write(dir.resolve("labels.tif"), labels, true, null);
        final Path img = TiffFixtures.write(dir.resolve("image.tif"), labels, true, null);
        assertEquals(0, run("track", "--labels", lab.toString(), "--image", img.toString(), "--out",
                dir.resolve("g.xml").toString()), err());
        for (final float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            final ij.ImagePlus imp = ij.IJ.openImage(img.toString());
            imp.getStack().getProcessor(1).setf(1, 1, bad);
            new ij.io.FileSaver(imp).saveAsTiffStack(dir.resolve("bad_image.tif").toString());
            assertEquals(1, run("track", "--labels", lab.toString(), "--image", dir.resolve("bad_image.tif").toString(),
                    "--out", dir.resolve("b.xml").toString()));
            assertOneLineError("bad_image.tif: the intensity image holds " + bad + " at frame 0, z 0, y 1, x 1 inside "
                    + "label 3; expected finite intensities (no NaN or infinity)");
        }
        assertFalse(Files.exists(dir.resolve("b.xml")));
    }

    @Test
    void settingsContractRefusalsExitWithOneAndNameTheFile() throws IOException {
        final Path csv = spotsCsv("1,2,1,1,1,1");
        final String[][] cases = {{"{\"ALLOW_GAP_CLOSING\": \"yes\"}", "ALLOW_GAP_CLOSING"},
            {"{\"linking_max_distance\": 5}", "linking_max_distance"},
            {"{\"LINKING_MAX_DISTANCE\": 5, \"LINKING_MAX_DISTANCE\": 6}", "LINKING_MAX_DISTANCE"},
            {"{\"LINKING_MAX_DISTANCE\": Infinity}", "LINKING_MAX_DISTANCE"}};
        for (final String[] c : cases) {
            final Path settings = Files.write(dir.resolve("settings.json"), c[0].getBytes(StandardCharsets.UTF_8));
            assertEquals(1, run("track", "--spots", csv.toString(), "--settings", settings.toString(), "--out",
                    dir.resolve("s.xml").toString()), c[0]);
            assertOneLineError("settings.json: ");
            assertTrue(err().contains(c[1]), err());
        }
        assertFalse(Files.exists(dir.resolve("s.xml")));
    }
}
