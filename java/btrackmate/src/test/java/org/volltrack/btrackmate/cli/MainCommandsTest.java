package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.image.TiffFixtures;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.xml.EdgeSets;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

class MainCommandsTest extends CliTestBase {

    private Path write(final String name, final String... lines) throws IOException {
        final Path path = dir.resolve(name);
        Files.write(path, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return path;
    }

    private Path resource(final String name) throws IOException {
        final Path path = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/trackmate/" + name)) {
            Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
        }
        return path;
    }

    @Test
    void helpOnEveryCommand() {
        assertEquals(0, run("--help"));
        assertEquals(0, run("track", "--help"));
        assertTrue(out.toString().contains("--labels TIF"));
        assertEquals(0, run("retrack", "--help"));
        assertTrue(out.toString().contains("IN.xml"));
        assertEquals(2, run("nope"));
    }

    @Test
    void trackCsvWritesTrackMateXml() throws IOException {
        final Path csv = write("spots.csv", "FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY",
                "0,1,1,0,1,10", "1,1.5,1,0,1,10", "2,2,1.2,0,1,10", "0,30,30,0,1,5", "1,31,30,0,1,5");
        final Path settings = write("s.json", "{\"LINKING_MAX_DISTANCE\": 5, \"MAX_FRAME_GAP\": 2}");
        final Path xml = dir.resolve("out.xml");
        assertEquals(0, run("track", "--spots", csv.toString(), "--settings", settings.toString(),
                "--calibration", "1,1,1,0.5", "--out", xml.toString()), err());
        assertTrue(out.toString().contains("5 spots (5 visible), 3 edges, 2 tracks"), out.toString());
        final TrackMateFile f = TrackMateXmlReader.read(xml);
        assertEquals(3, f.model.getGraph().edgeSet().size());
        assertEquals(5.0, f.trackerSettings.get("LINKING_MAX_DISTANCE"));
        assertEquals(1.0, f.model.getSpots().getSpot(2).getFeature("POSITION_T"));
        assertTrue(f.log.contains("btrackmate track"));
    }

    @Test
    void trackErrorsNameFileLineOrKeyAndWriteNothing() throws IOException {
        final Path csv = write("spots.csv", "FRAME,POSITION_X,POSITION_Y", "0,1,1", "1,nan,1");
        final Path xml = dir.resolve("out.xml");
        assertEquals(1, run("track", "--spots", csv.toString(), "--out", xml.toString()));
        assertTrue(err().contains("spots.csv: line 3: POSITION_X must be a finite number"), err());
        final Path good = write("good.csv", "FRAME,POSITION_X,POSITION_Y", "0,1,1", "1,2,1");
        final Path badSettings = write("bad.json", "{\"MAX_FRAME_GAP\": \"abc\"}");
        assertEquals(1, run("track", "--spots", good.toString(), "--settings", badSettings.toString(), "--out",
                xml.toString()));
        assertTrue(err().contains("bad.json: settings key 'MAX_FRAME_GAP'"), err());
        assertEquals(1, run("track", "--spots", dir.resolve("missing.csv").toString(), "--out", xml.toString()));
        assertTrue(err().contains("missing.csv"), err());
        assertEquals(2, run("track", "--spots", good.toString()));
        assertTrue(err().contains("--out is required"), err());
        assertEquals(2, run("track", "--spots", good.toString(), "--legacy", "--out", xml.toString()));
        assertEquals(2, run("track", "--spots", good.toString(), "--frobnicate", "--out", xml.toString()));
        assertEquals(1, run("track", "--spots", good.toString(), "--out", dir.resolve("no/dir.xml").toString()));
        assertFalse(Files.exists(xml), "no output after errors");
    }

    @Test
    void retrackReproducesTheFilesEdgesAndHonoursOverrides() throws IOException {
        final Path in = resource("trackmate_tracks_with_gap_closing.xml");
        final Path outXml = dir.resolve("re.xml");
        assertEquals(0, run("retrack", in.toString(), "--out", outXml.toString()), err());
        final TrackMateFile original = TrackMateXmlReader.read(in);
        final TrackMateFile retracked = TrackMateXmlReader.read(outXml);
        assertEquals(EdgeSets.of(original.model), EdgeSets.of(retracked.model));
        assertEquals(original.imageData.filename, retracked.imageData.filename);
        final Path override = write("o.json", "{\"ALLOW_GAP_CLOSING\": false}");
        assertEquals(0, run("retrack", in.toString(), "--settings", override.toString(), "--out",
                outXml.toString()), err());
        final TrackMateFile noGaps = TrackMateXmlReader.read(outXml);
        assertTrue(EdgeSets.of(noGaps.model).size() < EdgeSets.of(original.model).size());
        assertEquals(Boolean.FALSE, noGaps.trackerSettings.get("ALLOW_GAP_CLOSING"));
    }

    @Test
    void retrackWorksOnFilesOfTrackMate7And8() throws IOException {
        final Path fake = resource("pycellin_FakeTracks.xml");
        final Path outXml = dir.resolve("fake.xml");
        assertEquals(0, run("retrack", fake.toString(), "--out", outXml.toString()), err());
        final Set<String> ours = EdgeSets.of(TrackMateXmlReader.read(outXml).model);
        final Set<String> theirs = EdgeSets.of(TrackMateXmlReader.read(fake).model);
        assertTrue(ours.containsAll(theirs), "every TrackMate 8 edge is reproduced");
        final Path ecoli = resource("pycellin_Ecoli_growth_on_agar_pad.xml");
        assertEquals(0, run("retrack", ecoli.toString(), "--out", outXml.toString()), err());
        assertTrue(err().contains("no LAP tracker settings (tracker OVERLAP_TRACKER)"), err());
        final TrackMateFile retracked = TrackMateXmlReader.read(outXml);
        assertEquals(TrackMateXmlReader.read(ecoli).model.getSpots().getNSpots(false),
                retracked.model.getSpots().getNSpots(false));
        assertTrue(retracked.model.getSpots().all(false).stream().anyMatch(s -> s.getRoi() != null), "ROIs kept");
    }

    @Test
    void retrackRefusesVisibleSpotsWithoutFinitePositions() throws IOException {
        final Path in = write("nan.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<TrackMate version=\"7.14.0\"><Model spatialunits=\"micron\" timeunits=\"sec\"><AllSpots>",
                "<SpotsInFrame frame=\"0\"><Spot ID=\"3\" POSITION_X=\"NaN\" POSITION_Y=\"1\" FRAME=\"0\" "
                        + "VISIBILITY=\"1\"/></SpotsInFrame>",
                "</AllSpots><AllTracks/><FilteredTracks/></Model></TrackMate>");
        assertEquals(1, run("retrack", in.toString(), "--out", dir.resolve("n.xml").toString()));
        assertTrue(err().contains("spot 3 (frame 0): POSITION_X must be finite, got NaN"), err());
    }

    @Test
    void retrackOfATruncatedFileNamesLineAndColumn() throws IOException {
        final String text = new String(Files.readAllBytes(resource("trackmate_tracks_with_splitting.xml")),
                StandardCharsets.UTF_8);
        final Path cut = write("cut.xml", text.substring(0, text.length() / 2));
        assertEquals(1, run("retrack", cut.toString(), "--out", dir.resolve("x.xml").toString()));
        assertTrue(err().matches("(?s)btrackmate retrack: error: .*cut\\.xml: line \\d+, column \\d+: .*"), err());
        assertFalse(Files.exists(dir.resolve("x.xml")));
    }

    @Test
    void trackLabelImageWithRawAndMask() throws IOException {
        final int[][][][] labels = new int[3][2][6][12];
        final int[][][][] raw = new int[3][2][6][12];
        final int[][][][] mask = new int[3][1][6][12];
        for (int t = 0; t < 3; t++) {
            for (int z = 0; z < 2; z++) {
                labels[t][z][1][2 + t] = 4;
                labels[t][z][4][9] = 7;
                raw[t][z][1][2 + t] = 10;
            }
            for (int x = 0; x < 7; x++) {
                mask[t][0][1][x] = 1;
            }
        }
        final Path labelPath = TiffFixtures.write(dir.resolve("labels.tif"), labels, false, null);
        final Path rawPath = TiffFixtures.write(dir.resolve("raw.tif"), raw, false, null);
        final Path maskPath = TiffFixtures.write(dir.resolve("mask.tif"), mask, false, null);
        final Path settings = write("s.json", "{\"TISSUE_FILTER\": true, \"LINKING_MAX_DISTANCE\": 3.0}");
        final Path xml = dir.resolve("labels.xml");
        assertEquals(0, run("track", "--labels", labelPath.toString(), "--image", rawPath.toString(), "--mask",
                maskPath.toString(), "--calibration", "2,0.5,0.5,10", "--settings", settings.toString(), "--out",
                xml.toString()), err());
        final TrackMateFile f = TrackMateXmlReader.read(xml);
        assertEquals(6, f.model.getSpots().getNSpots(false));
        assertEquals(3, f.model.getSpots().getNSpots(true), "label 7 lies outside the tissue");
        assertEquals(2, f.model.getGraph().edgeSet().size());
        assertEquals(12, f.imageData.width);
        assertEquals(10.0, f.imageData.timeinterval);
        assertEquals("TISSUE_FRACTION", f.spotFilters.get(0).feature);
        final Spot first = f.model.getSpots().getSpot(0);
        assertEquals(10.0, first.getFeature("MEAN_INTENSITY_CH1"));
        assertEquals(1.0, first.getFeature("POSITION_Z"), 1e-12, "z centroid 0.5 x dz 2");
        final Path wrongMask = TiffFixtures.write(dir.resolve("wrong.tif"), new int[2][1][6][12], false, null);
        assertEquals(1, run("track", "--labels", labelPath.toString(), "--mask", wrongMask.toString(), "--out",
                dir.resolve("w.xml").toString()));
        assertTrue(err().contains("wrong.tif has shape (T, Z, Y, X) = (2, 1, 6, 12)"), err());
    }
}
