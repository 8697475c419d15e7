package org.volltrack.btrackmate.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import org.jdom2.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.trackmate.Spot;
import fiji.plugin.trackmate.SpotCollection;
import fiji.plugin.trackmate.detection.SpotGlobalDetector;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ShortProcessor;
import net.imagej.ImgPlus;
import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imglib2.FinalInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedShortType;

class BTrackmateDetectorFactoryTest {

    @TempDir
    File dir;

    /** An XYT image of 20 x 10 x 3 with pixel size 0.5 and frame interval 2, as TrackMate would give it. */
    private static ImgPlus<UnsignedShortType> image() {
        return new ImgPlus<>(ArrayImgs.unsignedShorts(20, 10, 3), "raw", new AxisType[] {Axes.X, Axes.Y, Axes.TIME},
                new double[] {0.5, 0.5, 2.0});
    }

    private File csv() throws Exception {
        final File csv = new File(dir, "spots.csv");
        Files.write(csv.toPath(), ("FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY,INSIDE_TISSUE\n"
                + "0,1.0,1.0,0,0.5,10,1\n1,1.5,1.0,0,0.5,11,1\n2,2.0,1.0,0,0.5,12,0\n2,9.0,4.0,0,0.5,3,0\n")
                .getBytes(StandardCharsets.UTF_8));
        return csv;
    }

    private static Map<String, Object> settings(final BTrackmateDetectorFactory<?> factory, final File spots) {
        final Map<String, Object> s = factory.getDefaultSettings();
        s.put(DetectorKeys.SPOT_FILE, spots.getAbsolutePath());
        return s;
    }

    @Test
    void readsACsvSpotTableWithItsFeatures() throws Exception {
        final BTrackmateDetectorFactory<UnsignedShortType> factory = new BTrackmateDetectorFactory<>();
        final Map<String, Object> s = settings(factory, csv());
        assertNull(factory.checkSettings(s));
        final SpotGlobalDetector<UnsignedShortType> detector = factory.getDetector(image(), s, null);
        assertTrue(detector.checkInput() && detector.process(), detector.getErrorMessage());
        final SpotCollection spots = detector.getResult();
        assertEquals(4, spots.getNSpots(false));
        assertEquals(2, spots.getNSpots(2, false));
        final Spot first = spots.iterable(0, false).iterator().next();
        assertEquals(1.0, first.getDoublePosition(0));
        assertEquals(10.0, first.getFeature(Spot.QUALITY));
        assertEquals(1.0, first.getFeature("INSIDE_TISSUE"));
    }

    @Test
    void keepsOnlySpotsInsideTheCropInterval() throws Exception {
        final BTrackmateDetectorFactory<UnsignedShortType> factory = new BTrackmateDetectorFactory<>();
        final SpotGlobalDetector<UnsignedShortType> detector = factory.getDetector(image(),
                settings(factory, csv()), new FinalInterval(new long[] {0, 0, 0}, new long[] {9, 9, 2}));
        assertTrue(detector.process(), detector.getErrorMessage());
        assertEquals(3, detector.getResult().getNSpots(false), "the spot at x = 9 µm = 18 px is outside");
    }

    @Test
    void readsALabelImageInTheImageCalibration() throws Exception {
        final ImageStack stack = new ImageStack(20, 10);
        for (int t = 0; t < 3; t++) {
            final ShortProcessor ip = new ShortProcessor(20, 10);
            ip.setValue(5);
            ip.setRoi(2 + 2 * t, 2, 2, 2);
            ip.fill();
            stack.addSlice(ip);
        }
        final ImagePlus imp = new ImagePlus("labels", stack);
        imp.setDimensions(1, 1, 3);
        final File tif = new File(dir, "labels.tif");
        assertTrue(IJ.saveAsTiff(imp, tif.getAbsolutePath()));
        final BTrackmateDetectorFactory<UnsignedShortType> factory = new BTrackmateDetectorFactory<>();
        final SpotGlobalDetector<UnsignedShortType> detector = factory.getDetector(image(), settings(factory, tif),
                null);
        assertTrue(detector.process(), detector.getErrorMessage());
        assertEquals(3, detector.getResult().getNSpots(false));
        final Spot last = detector.getResult().iterable(2, false).iterator().next();
        assertEquals((6 + 0.5) * 0.5, last.getDoublePosition(0), 1e-9, "centroid x 6.5 px x 0.5 µm");
        assertEquals(4.0, last.getFeature(Spot.QUALITY), "voxel count");
        assertEquals(5.0, last.getFeature("LABEL"));
    }

    @Test
    void checkSettingsNamesTheBadKey() {
        final BTrackmateDetectorFactory<UnsignedShortType> factory = new BTrackmateDetectorFactory<>();
        final Map<String, Object> s = settings(factory, new File(dir, "absent.csv"));
        assertTrue(factory.checkSettings(s).contains("SPOT_FILE"), factory.checkSettings(s));
        final Map<String, Object> wrongType = new HashMap<>(s);
        wrongType.put(DetectorKeys.MASK_FILE, 3);
        assertNotNull(factory.checkSettings(wrongType));
        final SpotGlobalDetector<UnsignedShortType> detector = factory.getDetector(image(), s, null);
        assertFalse(detector.checkInput());
        assertTrue(detector.getErrorMessage().contains("absent.csv"));
    }

    @Test
    void marshalsAndCopies() throws Exception {
        final BTrackmateDetectorFactory<UnsignedShortType> factory = new BTrackmateDetectorFactory<>();
        final Map<String, Object> s = settings(factory, csv());
        final Element element = new Element("DetectorSettings");
        assertNull(factory.marshal(s, element));
        final Map<String, Object> back = new HashMap<>();
        assertNull(factory.unmarshal(element, back));
        assertEquals(s, back);
        assertEquals(DetectorKeys.DETECTOR_KEY, factory.copy().getKey());
        assertNotNull(factory.getDetectorConfigurationPanel(null, null).getSettings());
    }
}
