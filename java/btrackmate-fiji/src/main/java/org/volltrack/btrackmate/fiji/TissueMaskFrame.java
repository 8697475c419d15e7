package org.volltrack.btrackmate.fiji;

import org.volltrack.btrackmate.image.DistanceTransform;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.model.FeatureKeys;

import fiji.plugin.trackmate.Spot;
import net.imagej.ImgPlus;
import net.imagej.axis.Axes;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * One frame of a tissue mask taken from a channel of the TrackMate image (non-zero = tissue), with the distances
 * to its boundary from the engine's exact anisotropic {@link DistanceTransform}. Measures spots by the centroid
 * test, as the engine does for spots without voxels: INSIDE_TISSUE and TISSUE_FRACTION are 1 when the voxel at the
 * spot centre is tissue, else 0; DISTANCE_TO_BOUNDARY is that voxel's distance to the nearest voxel of the other
 * class (NaN for a spot outside the image or a frame that is all tissue or all background).
 */
final class TissueMaskFrame {

    private final boolean[] mask;
    private final double[] insideDistance;
    private final double[] outsideDistance;
    private final int nx;
    private final int ny;
    private final int nz;
    private final Calibration cal;

    private TissueMaskFrame(final boolean[] mask, final int nx, final int ny, final int nz, final Calibration cal) {
        this.mask = mask;
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.cal = cal;
        final boolean[] background = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            background[i] = !mask[i];
        }
        final double[] spacing = {cal.dz, cal.dy, cal.dx};
        insideDistance = DistanceTransform.squaredDistances(background, nz, ny, nx, spacing);
        outsideDistance = DistanceTransform.squaredDistances(mask, nz, ny, nx, spacing);
    }

    /**
     * @param img the TrackMate image (X, Y, [C], [Z], [T])
     * @param frame the frame
     * @param channel the mask channel (0-based)
     * @param <T> pixel type
     * @return the mask of that frame
     */
    static <T extends RealType<T>> TissueMaskFrame of(final ImgPlus<T> img, final int frame, final int channel) {
        RandomAccessibleInterval<T> view = img.getImg();
        final int t = img.dimensionIndex(Axes.TIME);
        final int c = img.dimensionIndex(Axes.CHANNEL);
        if (t >= 0 && t > c) {
            view = Views.hyperSlice(view, t, frame);
        }
        if (c >= 0) {
            view = Views.hyperSlice(view, c, channel);
        }
        if (t >= 0 && t < c) {
            view = Views.hyperSlice(view, t, frame);
        }
        final int nx = (int) view.dimension(0);
        final int ny = (int) view.dimension(1);
        final int nz = view.numDimensions() > 2 ? (int) view.dimension(2) : 1;
        final boolean[] mask = new boolean[nx * ny * nz];
        final Cursor<T> cursor = Views.flatIterable(view).cursor();
        for (int i = 0; cursor.hasNext(); i++) {
            mask[i] = cursor.next().getRealDouble() != 0;
        }
        return new TissueMaskFrame(mask, nx, ny, nz, BTrackmateDetectorFactory.calibration(img));
    }

    /** @param spot a spot in calibrated units; its three tissue features are set */
    void measure(final Spot spot) {
        final long x = Math.round(spot.getDoublePosition(0) / cal.dx);
        final long y = Math.round(spot.getDoublePosition(1) / cal.dy);
        final long z = nz == 1 ? 0 : Math.round(spot.getDoublePosition(2) / cal.dz);
        if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) {
            spot.putFeature(FeatureKeys.INSIDE_TISSUE, 0.0);
            spot.putFeature(FeatureKeys.TISSUE_FRACTION, 0.0);
            spot.putFeature(FeatureKeys.DISTANCE_TO_BOUNDARY, Double.NaN);
            return;
        }
        final int i = (int) ((z * ny + y) * nx + x);
        final double inside = mask[i] ? 1.0 : 0.0;
        final double squared = mask[i] ? insideDistance[i] : outsideDistance[i];
        spot.putFeature(FeatureKeys.INSIDE_TISSUE, inside);
        spot.putFeature(FeatureKeys.TISSUE_FRACTION, inside);
        final double distance = Double.isInfinite(squared) ? Double.NaN : Math.sqrt(squared);
        spot.putFeature(FeatureKeys.DISTANCE_TO_BOUNDARY, mask[i] ? distance : -distance);
    }
}
