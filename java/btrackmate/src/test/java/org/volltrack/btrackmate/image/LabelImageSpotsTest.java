package org.volltrack.btrackmate.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.SpotInputException;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

class LabelImageSpotsTest {

    static final int NT = 2;
    static final int NZ = 3;
    static final int NY = 8;
    static final int NX = 10;

    /** Frame 0: label 5 = 2x2x2 cube at z 0-1, y 1-2, x 1-2; label 9 = one voxel (2, 6, 8). Frame 1: empty. */
    static int[][][][] labels() {
        final int[][][][] v = new int[NT][NZ][NY][NX];
        for (int z = 0; z < 2; z++) {
            for (int y = 1; y < 3; y++) {
                for (int x = 1; x < 3; x++) {
                    v[0][z][y][x] = 5;
                }
            }
        }
        v[0][2][6][8] = 9;
        return v;
    }

    static int[][][][] constant(final int value) {
        final int[][][][] v = new int[NT][NZ][NY][NX];
        for (final int[][][] t : v) {
            for (final int[][] z : t) {
                for (final int[] y : z) {
                    java.util.Arrays.fill(y, value);
                }
            }
        }
        return v;
    }

    @Test
    void oneSpotPerLabelAtTheCalibratedCentroidWithVolumeIntensityAndTissue(@TempDir final Path dir)
            throws IOException {
        final Path labels = TiffFixtures.write(dir.resolve("labels.tif"), labels(), false,
                new double[] {2.0, 0.5, 0.25, 4.0});
        final Path raw = TiffFixtures.write(dir.resolve("raw.tif"), constant(3), true, null);
        final int[][][][] maskValues = new int[NT][1][NY][NX];
        for (int y = 0; y < NY; y++) {
            for (int x = 0; x < 5; x++) {
                maskValues[0][0][y][x] = 1;
                maskValues[1][0][y][x] = 1;
            }
        }
        final Path mask = TiffFixtures.write(dir.resolve("mask.tif"), maskValues, false, null);
        final LabelImageSpots.Result r = LabelImageSpots.read(labels, raw, mask, null);
        assertEquals(4.0, r.calibration.dt, "calibration read from the label image");
        final SpotCollection spots = r.spots;
        assertEquals(2, spots.getNSpots(false));
        assertEquals(2, spots.keySet().size(), "empty frame 1 kept");
        final Spot cube = spots.getSpot(0);
        assertEquals(5.0, cube.getFeature(FeatureKeys.LABEL));
        assertEquals(1.5 * 0.25, cube.getDoublePosition(0), 1e-12);
        assertEquals(1.5 * 0.5, cube.getDoublePosition(1), 1e-12);
        assertEquals(0.5 * 2.0, cube.getDoublePosition(2), 1e-12);
        assertEquals(8.0, cube.getFeature(FeatureKeys.QUALITY));
        final double volume = 8 * 2.0 * 0.5 * 0.25;
        assertEquals(volume, cube.getFeature(FeatureKeys.VOLUME), 1e-12);
        assertEquals(Math.cbrt(3 * volume / (4 * Math.PI)), cube.getFeature(FeatureKeys.RADIUS), 1e-12);
        assertEquals(3.0, cube.getFeature(FeatureKeys.MEAN_INTENSITY_CH1));
        assertEquals(24.0, cube.getFeature(FeatureKeys.TOTAL_INTENSITY_CH1));
        assertEquals(1.0, cube.getFeature(FeatureKeys.TISSUE_FRACTION));
        assertEquals(1.0, cube.getFeature(FeatureKeys.INSIDE_TISSUE));
        final Spot dot = spots.getSpot(1);
        assertEquals(0.0, dot.getFeature(FeatureKeys.INSIDE_TISSUE));
        assertEquals(0.0, dot.getFeature(FeatureKeys.TISSUE_FRACTION));
        assertEquals(-4 * 0.25, dot.getFeature(FeatureKeys.DISTANCE_TO_BOUNDARY), 1e-12,
                "outside: minus the distance from x = 8 to the nearest tissue column x = 4, in plane for a 2D+t mask");
    }

    @Test
    void shapeMismatchesAndEmptyLabelImagesAreRefused(@TempDir final Path dir) throws IOException {
        final Path labels = TiffFixtures.write(dir.resolve("labels.tif"), labels(), false, null);
        final Path wrongMask = TiffFixtures.write(dir.resolve("mask.tif"), new int[NT][NZ][NY + 1][NX], false,
                null);
        final SpotInputException e = assertThrows(SpotInputException.class,
                () -> LabelImageSpots.read(labels, null, wrongMask, null));
        assertTrue(e.getMessage().contains("mask.tif has shape (T, Z, Y, X) = (2, 3, 9, 10)"), e.getMessage());
        assertTrue(e.getMessage().contains("(2, 3, 8, 10)"), e.getMessage());
        final Path wrongRaw = TiffFixtures.write(dir.resolve("raw.tif"), new int[1][NZ][NY][NX], false, null);
        assertThrows(SpotInputException.class, () -> LabelImageSpots.read(labels, wrongRaw, null, null));
        final Path empty = TiffFixtures.write(dir.resolve("empty.tif"), new int[NT][NZ][NY][NX], false, null);
        final SpotInputException none = assertThrows(SpotInputException.class,
                () -> LabelImageSpots.read(empty, null, null, Calibration.unit()));
        assertTrue(none.getMessage().contains("no labelled voxel"), none.getMessage());
    }

    @Test
    void centroidTissueTestForCsvSpots(@TempDir final Path dir) throws IOException {
        final int[][][][] maskValues = new int[1][NZ][NY][NX];
        maskValues[0][1][2][3] = 1;
        final Path mask = TiffFixtures.write(dir.resolve("mask.tif"), maskValues, false, null);
        final SpotCollection spots = new SpotCollection();
        final Spot in = new Spot(0, 3 * 0.5, 2 * 0.5, 1 * 2.0, 1, 1);
        final Spot out = new Spot(1, 0, 0, 0, 1, 1);
        spots.add(in, 0);
        spots.add(out, 0);
        CentroidTissueFeatures.compute(spots, ImageVolume.open(mask), new Calibration(2.0, 0.5, 0.5, 1));
        assertEquals(1.0, in.getFeature(FeatureKeys.INSIDE_TISSUE));
        assertEquals(1.0, in.getFeature(FeatureKeys.TISSUE_FRACTION));
        assertEquals(0.5, in.getFeature(FeatureKeys.DISTANCE_TO_BOUNDARY), 1e-12);
        assertEquals(0.0, out.getFeature(FeatureKeys.INSIDE_TISSUE));
        assertEquals(-Math.sqrt(2 * 2 + 1 + 1.5 * 1.5), out.getFeature(FeatureKeys.DISTANCE_TO_BOUNDARY), 1e-12);
    }

    @Test
    void distanceTransformMatchesBruteForceWithAnisotropicSpacing() {
        final Random random = new Random(3);
        final int nz = 4;
        final int ny = 5;
        final int nx = 6;
        final boolean[] target = new boolean[nz * ny * nx];
        for (int i = 0; i < target.length; i++) {
            target[i] = random.nextDouble() < 0.1;
        }
        final double[] spacing = {2.0, 0.7, 0.3};
        final double[] fast = DistanceTransform.squaredDistances(target, nz, ny, nx, spacing);
        for (int i = 0; i < target.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < target.length; j++) {
                if (target[j]) {
                    final double dz = (i / (ny * nx) - j / (ny * nx)) * spacing[0];
                    final double dy = ((i / nx) % ny - (j / nx) % ny) * spacing[1];
                    final double dx = (i % nx - j % nx) * spacing[2];
                    best = Math.min(best, dz * dz + dy * dy + dx * dx);
                }
            }
            assertEquals(best, fast[i], 1e-9, "voxel " + i);
        }
        final double[] none = DistanceTransform.squaredDistances(new boolean[8], 2, 2, 2, spacing);
        assertTrue(Double.isInfinite(none[0]));
    }
}
