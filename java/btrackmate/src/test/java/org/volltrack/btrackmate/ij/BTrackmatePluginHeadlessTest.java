package org.volltrack.btrackmate.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ShortProcessor;

/**
 * Runs the BTrackmate command from ImageJ macros with real ImageJ1 in headless mode, as {@code java
 * -Djava.awt.headless=true ... HeadlessMacro macro.ijm} does, and checks the XML it writes with the engine's
 * reader and TrackMate's loader rules (trackmate.md §1.13).
 */
class BTrackmatePluginHeadlessTest {

    @TempDir
    File dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        assumeTrue(GraphicsEnvironment.isHeadless(), "this JVM already started with a display");
    }

    /** Two cells (4x4x2 boxes) moving 1 px per frame, 3 frames, calibration 0.5 x 0.5 x 2 µm, dt 10 s. */
    private File labelMovie(final String name) {
        final ImageStack stack = new ImageStack(24, 16);
        for (int t = 0; t < 3; t++) {
            for (int z = 0; z < 2; z++) {
                final ShortProcessor ip = new ShortProcessor(24, 16);
                ip.setValue(7);
                ip.setRoi(2 + t, 2, 4, 4);
                ip.fill();
                ip.setValue(9);
                ip.setRoi(14 + t, 9, 4, 4);
                ip.fill();
                stack.addSlice(ip);
            }
        }
        final ImagePlus imp = new ImagePlus(name, stack);
        imp.setDimensions(1, 2, 3);
        final Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.5;
        cal.pixelHeight = 0.5;
        cal.pixelDepth = 2.0;
        cal.frameInterval = 10;
        final File file = new File(dir, name);
        assertTrue(IJ.saveAsTiff(imp, file.getAbsolutePath()));
        return file;
    }

    private static String macro(final String options) {
        return "run(\"BTrackmate\", \"" + options.replace("\\", "\\\\").replace("\"", "\\\"") + "\");";
    }

    @Test
    void macroRunWritesATrackMateFileThatLoads() throws Exception {
        final File labels = labelMovie("cells.tif");
        final File xml = new File(dir, "cells_tracks.xml");
        final String result = HeadlessMacro.run(macro("labels=[" + labels + "] xml=[" + xml + "] "
                + "linking_max_distance=3 allow_gap_closing gap_closing_max_distance=3 max_frame_gap=2"), "");
        assertFalse("[aborted]".equals(result), "the macro was aborted");
        assertTrue(xml.isFile(), "no XML written");
        assertEquals(List.of(), TrackMateLoaderRules.violations(xml), "TrackMate's loader would reject the file");
        final TrackMateFile read = TrackMateXmlReader.read(xml.toPath());
        final Model model = read.model;
        assertEquals(6, model.getSpots().getNSpots(true));
        assertEquals(2, model.getTrackModel().trackIDs(true).size());
        for (final Integer id : model.getTrackModel().trackIDs(true)) {
            assertEquals(3, model.getTrackModel().trackSpots(id).size());
            assertEquals(1, model.getTrackModel().trackSpots(id).stream()
                    .mapToDouble(s -> s.getFeature("LABEL")).distinct().count(), "a track follows one label");
        }
        final Spot any = model.getSpots().iterable(0, true).iterator().next();
        assertEquals(0.0, any.getFeature("POSITION_T"));
        assertEquals(3.0, read.trackerSettings.get("LINKING_MAX_DISTANCE"));
        assertEquals(0.5, read.imageData.pixelwidth);
        assertEquals(10.0, read.imageData.timeinterval);
    }

    @Test
    void openImageTitleAndCalibrationOverrideWork() throws Exception {
        final File labels = labelMovie("open.tif");
        final File xml = new File(dir, "open.xml");
        final String result = HeadlessMacro.run("setBatchMode(true); open(\"" + labels.getAbsolutePath()
                + "\");\n" + macro("labels=open.tif xml=[" + xml + "] linking_max_distance=6 pixel_width=1 "
                + "pixel_height=1"), "");
        assertFalse("[aborted]".equals(result));
        final TrackMateFile read = TrackMateXmlReader.read(xml.toPath());
        assertEquals(1.0, read.imageData.pixelwidth);
        assertEquals(2.0, read.imageData.voxeldepth, "not overridden: from the image");
        assertEquals(2, read.model.getTrackModel().trackIDs(true).size());
    }

    @Test
    void csvInputWithMinimumTrackletLength() throws Exception {
        final File csv = new File(dir, "spots.csv");
        final StringBuilder table = new StringBuilder("FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY\n");
        for (int t = 0; t < 4; t++) {
            table.append(t).append(',').append(1.0 + 0.5 * t).append(",1,0,1,1\n");
        }
        table.append("0,30,30,0,1,1\n");
        Files.write(csv.toPath(), table.toString().getBytes(StandardCharsets.UTF_8));
        final File xml = new File(dir, "csv.xml");
        HeadlessMacro.run(macro("csv=[" + csv + "] xml=[" + xml + "] linking_max_distance=2 "
                + "min_tracklet_length=2 prune_mode=TRACK"), "");
        final Model model = TrackMateXmlReader.read(xml.toPath()).model;
        assertEquals(List.of(), TrackMateLoaderRules.violations(xml));
        assertEquals(5, model.getSpots().getNSpots(false));
        assertEquals(1, model.getTrackModel().trackIDs(true).size(), "the lone spot is no track");
    }

    @Test
    void badOptionsAbortTheMacroAndWriteNothing() throws IOException {
        final File xml = new File(dir, "never.xml");
        final String missingInput = HeadlessMacro.run(macro("labels=[" + new File(dir, "absent.tif") + "] xml=["
                + xml + "]") + "\nprint(\"after\");", "");
        assertEquals("[aborted]", missingInput);
        assertFalse(xml.exists());
        final File labels = labelMovie("bad.tif");
        final String badNumber = HeadlessMacro.run(macro("labels=[" + labels + "] xml=[" + xml + "] "
                + "max_frame_gap=two"), "");
        assertEquals("[aborted]", badNumber);
        assertFalse(xml.exists());
    }
}
