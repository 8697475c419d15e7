package org.volltrack.btrackmate.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.SpotInputException;
import org.volltrack.btrackmate.input.SpotTableBuilder;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Turns a 3D+t label image (0 = background; labels independent per frame) into spots: one spot per label per
 * frame at the voxel centroid × calibration, RADIUS of the sphere of equal volume (circle in 2D), QUALITY =
 * voxel count, LABEL, VOLUME; MEAN/TOTAL_INTENSITY_CH1 from an optional raw image; TISSUE_FRACTION (fraction of
 * the cell's voxels in the mask), INSIDE_TISSUE (centroid voxel in the mask) and DISTANCE_TO_BOUNDARY (of the
 * centroid voxel) from an optional tissue mask. Spot IDs are 0..n-1 by frame, then label.
 */
public final class LabelImageSpots {

    private LabelImageSpots() {
    }

    /** Spots read from images, with the calibration used and the image's shape. */
    public static final class Result {
        /** The spots. */
        public final SpotCollection spots;
        /** Calibration used. */
        public final Calibration calibration;
        /** The label image (for sizes). */
        public final ImageVolume labels;

        Result(final SpotCollection spots, final Calibration calibration, final ImageVolume labels) {
            this.spots = spots;
            this.calibration = calibration;
            this.labels = labels;
        }
    }

    /**
     * Reads the images and builds the spots.
     *
     * @param labelPath   label image TIFF (TZYX)
     * @param rawPath     raw image TIFF with the same shape, or null
     * @param maskPath    tissue mask TIFF (same shape, or 2D+t), or null
     * @param calibration calibration, or null to use the label image's own
     * @return the spots
     * @throws IOException        when a file cannot be read
     * @throws SpotInputException on shape mismatches or an image without labels
     */
    public static Result read(final Path labelPath, final Path rawPath, final Path maskPath,
            final Calibration calibration) throws IOException {
        final ImageVolume labels = ImageVolume.open(labelPath);
        final Calibration cal = calibration != null ? calibration : labels.calibration();
        ImageVolume raw = null;
        if (rawPath != null) {
            raw = ImageVolume.open(rawPath);
            if (raw.sizeT() != labels.sizeT() || raw.sizeZ() != labels.sizeZ() || raw.sizeY() != labels.sizeY()
                    || raw.sizeX() != labels.sizeX()) {
                throw new SpotInputException("image " + rawPath + " has shape " + raw.shapeText() + " but labels "
                        + labelPath + " have " + labels.shapeText() + "; expected the same shape");
            }
        }
        final TissueMask mask = maskPath == null ? null : TissueMask.of(ImageVolume.open(maskPath),
                labels.sizeT(), labels.sizeZ(), labels.sizeY(), labels.sizeX(), cal, "labels " + labelPath);
        final SpotTableBuilder builder = new SpotTableBuilder(cal.dt);
        for (int t = 0; t < labels.sizeT(); t++) {
            addFrame(builder, labels, raw, mask, t, cal, labelPath.toString(), String.valueOf(rawPath));
        }
        final SpotCollection spots;
        try {
            spots = builder.build(labelPath.toString());
        } catch (final SpotInputException e) {
            throw new SpotInputException(labelPath + ": the label image has no labelled voxel (all zero)");
        }
        spots.addFrames(0, labels.sizeT() - 1);
        return new Result(spots, cal, labels);
    }

    private static void addFrame(final SpotTableBuilder builder, final ImageVolume labels, final ImageVolume raw,
            final TissueMask mask, final int t, final Calibration cal, final String source,
            final String rawSource) {
        final Map<Integer, double[]> cells = new TreeMap<>();
        final int nx = labels.sizeX();
        final int plane = nx * labels.sizeY();
        for (int z = 0; z < labels.sizeZ(); z++) {
            final float[] values = labels.plane(t, z);
            final float[] intensities = raw == null ? null : raw.plane(t, z);
            for (int i = 0; i < plane; i++) {
                final float value = values[i];
                if (value == 0) {
                    continue;
                }
                if (!(value > 0) || value != Math.rint(value)) {
                    throw new SpotInputException(source + ": a label image holds whole numbers >= 0 (0 = background); "
                            + "found " + value + " at frame " + t + ", z " + z + ", y " + (i / nx) + ", x " + (i % nx)
                            + " (is this the raw image or a probability map?)");
                }
                if (intensities != null && !Float.isFinite(intensities[i])) {
                    throw new SpotInputException(rawSource + ": the intensity image holds " + intensities[i]
                            + " at frame " + t + ", z " + z + ", y " + (i / nx) + ", x " + (i % nx)
                            + " inside label " + (int) value + "; expected finite intensities (no NaN or infinity)");
                }
                final double[] acc = cells.computeIfAbsent((int) value, k -> new double[6]);
                final int y = i / nx;
                final int x = i % nx;
                acc[0]++;
                acc[1] += x;
                acc[2] += y;
                acc[3] += z;
                acc[4] += intensities == null ? 0 : intensities[i];
                acc[5] += mask != null && mask.inside(t, z, y, x) ? 1 : 0;
            }
        }
        final boolean is3d = labels.sizeZ() > 1;
        for (final Map.Entry<Integer, double[]> cell : cells.entrySet()) {
            final double[] acc = cell.getValue();
            final double n = acc[0];
            final double cx = acc[1] / n;
            final double cy = acc[2] / n;
            final double cz = acc[3] / n;
            final double volume = n * (is3d ? cal.voxelVolume() : cal.dx * cal.dy);
            final double radius = is3d ? Math.cbrt(3.0 * volume / (4.0 * Math.PI)) : Math.sqrt(volume / Math.PI);
            final Spot spot = builder.add(source + " frame " + t + " label " + cell.getKey(), null, t,
                    cx * cal.dx, cy * cal.dy, is3d ? cz * cal.dz : 0.0, radius, n, null);
            spot.putFeature(FeatureKeys.LABEL, cell.getKey());
            spot.putFeature(FeatureKeys.VOLUME, volume);
            if (raw != null) {
                spot.putFeature(FeatureKeys.MEAN_INTENSITY_CH1, acc[4] / n);
                spot.putFeature(FeatureKeys.TOTAL_INTENSITY_CH1, acc[4]);
            }
            if (mask != null) {
                final int z = (int) Math.round(cz);
                final int y = (int) Math.round(cy);
                final int x = (int) Math.round(cx);
                spot.putFeature(FeatureKeys.INSIDE_TISSUE, mask.inside(t, z, y, x) ? 1 : 0);
                spot.putFeature(FeatureKeys.TISSUE_FRACTION, acc[5] / n);
                spot.putFeature(FeatureKeys.DISTANCE_TO_BOUNDARY, mask.distanceToBoundary(t, z, y, x));
            }
        }
    }
}
