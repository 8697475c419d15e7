package org.volltrack.btrackmate.image;

import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.SpotInputException;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Tissue features of spots that come without their voxels (a CSV): the centroid test. INSIDE_TISSUE and
 * TISSUE_FRACTION are 1 when the voxel at position / calibration is tissue, else 0; DISTANCE_TO_BOUNDARY is
 * that voxel's distance to the mask boundary. A spot outside the image is outside (0, 0, NaN).
 */
public final class CentroidTissueFeatures {

    private CentroidTissueFeatures() {
    }

    /**
     * Adds the three tissue features to every spot.
     *
     * @param spots       the spots
     * @param maskImage   the mask
     * @param calibration voxel size used to convert positions to voxels
     * @throws SpotInputException when the mask has fewer time points than the spots
     */
    public static void compute(final SpotCollection spots, final ImageVolume maskImage,
            final Calibration calibration) {
        final int spotFrames = spots.keySet().isEmpty() ? 1 : spots.keySet().last() + 1;
        final ImageVolume m = maskImage.sizeT() == 1 && spotFrames > 1 && maskImage.sizeZ() == spotFrames
                ? maskImage.asTimeSeries() : maskImage;
        if (m.sizeT() < spotFrames) {
            throw new SpotInputException("mask " + maskImage.source() + " has shape " + maskImage.shapeText()
                    + " but the spots reach frame " + (spotFrames - 1) + "; expected at least " + spotFrames
                    + " time points");
        }
        final TissueMask mask = TissueMask.of(m, m.sizeT(), m.sizeZ(), m.sizeY(), m.sizeX(), calibration,
                "the mask");
        for (final Integer frame : spots.keySet()) {
            for (final Spot spot : spots.iterable(frame, false)) {
                final int x = (int) Math.round(spot.getDoublePosition(0) / calibration.dx);
                final int y = (int) Math.round(spot.getDoublePosition(1) / calibration.dy);
                final int z = m.sizeZ() == 1 ? 0 : (int) Math.round(spot.getDoublePosition(2) / calibration.dz);
                final boolean inRange = x >= 0 && y >= 0 && z >= 0 && x < m.sizeX()
                        && y < m.sizeY() && z < m.sizeZ();
                final boolean inside = inRange && mask.inside(frame, z, y, x);
                spot.putFeature(FeatureKeys.INSIDE_TISSUE, inside ? 1 : 0);
                spot.putFeature(FeatureKeys.TISSUE_FRACTION, inside ? 1 : 0);
                spot.putFeature(FeatureKeys.DISTANCE_TO_BOUNDARY, inRange ? mask.distanceToBoundary(frame, z, y, x)
                        : Double.NaN);
            }
        }
    }
}
