package org.volltrack.btrackmate.image;

import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.SpotInputException;

/**
 * A binary tissue mask over time (non-zero = tissue), either 3D+t with the image's shape or 2D+t, which then
 * applies to every Z. Per frame it gives membership and the physical distance of a voxel to the mask boundary
 * (the nearest voxel of the other class; in-plane for a 2D+t mask).
 */
public final class TissueMask {

    private final ImageVolume volume;
    private final boolean flat;
    private final double[] spacing;
    private int cachedFrame = -1;
    private boolean[] cachedMask;
    private double[] cachedInsideDistance;
    private double[] cachedOutsideDistance;

    private TissueMask(final ImageVolume volume, final boolean flat, final Calibration calibration) {
        this.volume = volume;
        this.flat = flat;
        this.spacing = new double[] {calibration.dz, calibration.dy, calibration.dx};
    }

    /**
     * Checks the mask's shape against the image's (T, Z, Y, X) and wraps it.
     *
     * @param mask        the mask image
     * @param sizeT       image time points
     * @param sizeZ       image slices
     * @param sizeY       image height
     * @param sizeX       image width
     * @param calibration voxel size for distances
     * @param imageName   the image's name, for the error message
     * @return the mask
     * @throws SpotInputException when the shapes differ
     */
    public static TissueMask of(final ImageVolume mask, final int sizeT, final int sizeZ, final int sizeY,
            final int sizeX, final Calibration calibration, final String imageName) {
        ImageVolume m = mask;
        if (m.sizeT() == 1 && sizeT > 1 && m.sizeZ() == sizeT && sizeZ != sizeT) {
            m = m.asTimeSeries();
        }
        final boolean sameXy = m.sizeY() == sizeY && m.sizeX() == sizeX;
        final boolean full = sameXy && m.sizeT() == sizeT && m.sizeZ() == sizeZ;
        final boolean flat = sameXy && m.sizeT() == sizeT && m.sizeZ() == 1;
        if (!full && !flat) {
            throw new SpotInputException("mask " + mask.source() + " has shape " + mask.shapeText()
                    + " but " + imageName + " has (T, Z, Y, X) = (" + sizeT + ", " + sizeZ + ", " + sizeY + ", "
                    + sizeX + "); expected the same shape, or a 2D+t mask (T, 1, Y, X)");
        }
        return new TissueMask(m, flat, calibration);
    }

    /**
     * @param t frame
     * @param z slice (ignored for a 2D+t mask)
     * @param y row
     * @param x column
     * @return true when the voxel is tissue
     */
    public boolean inside(final int t, final int z, final int y, final int x) {
        load(t);
        return cachedMask[index(z, y, x)];
    }

    /**
     * Signed physical distance from a voxel to the mask boundary in its frame: positive inside the tissue (distance
     * to the nearest background voxel), negative outside (minus the distance to the nearest tissue voxel), the
     * convention of the Python spot table ({@code volltrack.spots.tissue}).
     *
     * @param t frame
     * @param z slice
     * @param y row
     * @param x column
     * @return the distance, or NaN when the frame's mask is all tissue or all background
     */
    public double distanceToBoundary(final int t, final int z, final int y, final int x) {
        load(t);
        final int i = index(z, y, x);
        final double squared = cachedMask[i] ? cachedInsideDistance[i] : cachedOutsideDistance[i];
        if (Double.isInfinite(squared)) {
            return Double.NaN;
        }
        return cachedMask[i] ? Math.sqrt(squared) : -Math.sqrt(squared);
    }

    private int index(final int z, final int y, final int x) {
        final int zz = flat ? 0 : z;
        return (zz * volume.sizeY() + y) * volume.sizeX() + x;
    }

    private void load(final int t) {
        if (t == cachedFrame) {
            return;
        }
        final int nz = volume.sizeZ();
        final int plane = volume.sizeY() * volume.sizeX();
        final boolean[] mask = new boolean[nz * plane];
        final boolean[] background = new boolean[mask.length];
        for (int z = 0; z < nz; z++) {
            final float[] values = volume.plane(t, z);
            for (int i = 0; i < plane; i++) {
                mask[z * plane + i] = values[i] != 0;
                background[z * plane + i] = values[i] == 0;
            }
        }
        cachedInsideDistance = DistanceTransform.squaredDistances(background, nz, volume.sizeY(),
                volume.sizeX(), spacing);
        cachedOutsideDistance = DistanceTransform.squaredDistances(mask, nz, volume.sizeY(), volume.sizeX(),
                spacing);
        cachedMask = mask;
        cachedFrame = t;
    }
}
