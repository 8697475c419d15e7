package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.image.TiffFixtures;
import org.volltrack.btrackmate.xml.DisplaySettingsJson;
import org.volltrack.btrackmate.xml.ImageData;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The movie's identity and geometry reach {@code ImageData}; the file carries GUI state and display settings. */
class ImageDataCliTest extends CliTestBase {

    private Path spots() throws IOException {
        final Path csv = dir.resolve("cells.csv");
        Files.write(csv, String.join("\n", "FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS", "0,10,10,4,2",
                "1,11,10,4,2", "2,12,10.5,4,2").getBytes(StandardCharsets.UTF_8));
        return csv;
    }

    private static int[][][][] movie(final int t, final int z, final int y, final int x) {
        return new int[t][z][y][x];
    }

    @Test
    void calibrationWithSpotsReachesImageDataAndWarnsOnceAboutTheMissingImage() throws Exception {
        final Path xml = dir.resolve("out.xml");
        assertEquals(0, run("track", "--spots", spots().toString(), "--calibration", "2,0.5,0.25,10", "--out",
                xml.toString()), err());
        final ImageData d = TrackMateXmlReader.read(xml).imageData;
        assertEquals(0.25, d.pixelwidth);
        assertEquals(0.5, d.pixelheight);
        assertEquals(2.0, d.voxeldepth);
        assertEquals(10.0, d.timeinterval);
        assertEquals("cells", d.filename, "an unsaved image is named by its title, as TrackMate does");
        assertEquals("", d.folder);
        assertEquals(12.0 / 0.25 + 1, d.width, "sized to hold every spot at the given pixel size");
        assertEquals(3, d.nframes);
        final String text = err();
        assertEquals(1, text.split("warning", -1).length - 1, text);
        assertTrue(text.contains("--image"), text);
    }

    @Test
    void imageWithSpotsIsNamedWithItsShapeAndCalibration() throws Exception {
        final Path raw = TiffFixtures.write(dir.resolve("raw.tif"), movie(3, 5, 20, 30), false,
                new double[] {2.0, 0.5, 0.5, 7.0});
        final Path xml = dir.resolve("out.xml");
        assertEquals(0, run("track", "--spots", spots().toString(), "--image", raw.toString(), "--out",
                xml.toString()), err());
        final ImageData d = TrackMateXmlReader.read(xml).imageData;
        assertEquals("raw.tif", d.filename);
        assertEquals(dir.toAbsolutePath().normalize() + File.separator, d.folder);
        assertEquals(30, d.width);
        assertEquals(20, d.height);
        assertEquals(5, d.nslices);
        assertEquals(3, d.nframes);
        assertEquals(0.5, d.pixelwidth);
        assertEquals(2.0, d.voxeldepth);
        assertEquals(7.0, d.timeinterval);
        assertFalse(err().contains("warning"), err());
        // --calibration wins over the image's own
        assertEquals(0, run("track", "--spots", spots().toString(), "--image", raw.toString(), "--calibration",
                "3,0.25,0.25,5", "--out", xml.toString()), err());
        final ImageData given = TrackMateXmlReader.read(xml).imageData;
        assertEquals(0.25, given.pixelwidth);
        assertEquals(3.0, given.voxeldepth);
        assertEquals(5.0, given.timeinterval);
    }

    @Test
    void labelsAndImageNameTheRawMovie() throws Exception {
        final int[][][][] labels = movie(2, 3, 8, 8);
        labels[0][1][2][2] = 1;
        labels[1][1][3][2] = 1;
        final Path labelPath = TiffFixtures.write(dir.resolve("labels.tif"), labels, false,
                new double[] {2.0, 0.5, 0.5, 1.0});
        final Path raw = TiffFixtures.write(dir.resolve("raw.tif"), movie(2, 3, 8, 8), false,
                new double[] {2.0, 0.5, 0.5, 1.0});
        final Path xml = dir.resolve("out.xml");
        assertEquals(0, run("track", "--labels", labelPath.toString(), "--image", raw.toString(), "--out",
                xml.toString()), err());
        assertEquals("raw.tif", TrackMateXmlReader.read(xml).imageData.filename);
    }

    @Test
    void locateNamesMoviesBesideOrBelowRelativelyAndOthersByAbsoluteFolder() {
        final Path run = dir.resolve("run");
        final ImageData below = new ImageData().locate(run.resolve("segmentation/VollSeg/m.tif"),
                run.resolve("tracks.xml"));
        assertEquals("segmentation/VollSeg/m.tif", below.filename);
        assertEquals(run.toAbsolutePath() + File.separator, below.folder);
        final ImageData beside = new ImageData().locate(run.resolve("m.tif"), run.resolve("tracks.xml"));
        assertEquals("m.tif", beside.filename);
        final ImageData elsewhere = new ImageData().locate(dir.resolve("data/m.tif"), run.resolve("tracks.xml"));
        assertEquals("m.tif", elsewhere.filename);
        assertEquals(dir.resolve("data").toAbsolutePath() + File.separator, elsewhere.folder);
        assertEquals(dir.resolve("data/m.tif").toAbsolutePath().toString(),
                new File(elsewhere.folder, elsewhere.filename).getPath());
        assertEquals(run.resolve("segmentation/VollSeg/m.tif").toAbsolutePath().toString(),
                new File(below.folder, below.filename).getPath());
    }

    @Test
    void everyFileCarriesGuiStateAndDefaultDisplaySettings() throws Exception {
        final Path xml = dir.resolve("out.xml");
        assertEquals(0, run("track", "--spots", spots().toString(), "--out", xml.toString()), err());
        final TrackMateFile file = TrackMateXmlReader.read(xml);
        assertEquals("ConfigureViews", file.guiState);
        final JsonObject json = JsonParser.parseString(file.displaySettings).getAsJsonObject();
        assertEquals("Jet", json.get("colormap").getAsString());
        assertEquals("204, 51, 204, 255", json.get("spotUniformColor").getAsString());
        assertEquals("TRACK_INDEX", json.get("trackColorByFeature").getAsString());
        assertEquals(12, json.getAsJsonObject("font").get("size").getAsInt());
        assertEquals(DisplaySettingsJson.defaults(), file.displaySettings);
    }
}
