package org.volltrack.btrackmate.image;

import java.util.Locale;
import java.util.TreeSet;

import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.SpotInputException;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * A binary tissue mask over time (non-zero = tissue), either 3D+t with the image's shape or 2D+t, which then
 * applies to every Z. Per frame it gives membership and the physical distance of a voxel to the mask boundary
 * (the nearest voxel of the other class; in-plane for a 2D+t mask).
 */
public final class TissueMask {

    /** The inverted-mask rule (as Python's {@code volltrack.spots.tissue}): with at least this many spots ... */
    public static final int INVERTED_MIN_SPOTS = 10;
    /** ... fewer than this fraction of them inside the mask ... */
    public static final double INVERTED_MAX_INSIDE = 0.10;
    /** ... while the mask's foreground covers more than this fraction of the side border of the field of view. */
    public static final double INVERTED_MIN_BORDER = 0.5;
    /** Time points read at most (evenly spaced) for the border fraction. */
    public static final int BORDER_MAX_FRAMES = 5;

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
        requireTissue(mask);
        return new TissueMask(m, flat, calibration);
    }

    /**
     * Refuses a mask without any tissue voxel: every cell would be outside it (Python refuses it the same way).
     *
     * @param mask the mask image
     * @throws SpotInputException when every voxel of every time point is 0
     */
    public static void requireTissue(final ImageVolume mask) {
        for (int t = 0; t < mask.sizeT(); t++) {
            for (int z = 0; z < mask.sizeZ(); z++) {
                for (final float v : mask.plane(t, z)) {
                    if (v != 0) {
                        return;
                    }
                }
            }
        }
        throw new SpotInputException("tissue mask " + mask.source() + " is all zero: no voxel is tissue, so every "
                + "cell would be outside it; expected non-zero voxels where the tissue is");
    }

    /**
     * Fraction of the side-border voxels (first and last row and column of every Z slice) that are mask
     * foreground, over at most {@link #BORDER_MAX_FRAMES} evenly spaced time points (Python's
     * {@code mask_border_fraction}).
     *
     * @param mask the mask image
     * @return in [0, 1]
     */
    public static double borderFraction(final ImageVolume mask) {
        final int nT = mask.sizeT();
        final int nY = mask.sizeY();
        final int nX = mask.sizeX();
        final int picks = Math.min(BORDER_MAX_FRAMES, nT);
        final TreeSet<Integer> frames = new TreeSet<>();
        for (int k = 0; k < picks; k++) {
            frames.add(picks == 1 ? 0 : (int) Math.rint(k * (nT - 1) / (double) (picks - 1)));
        }
        long inside = 0;
        long total = 0;
        for (final int t : frames) {
            for (int z = 0; z < mask.sizeZ(); z++) {
                final float[] p = mask.plane(t, z);
                for (int x = 0; x < nX; x++) {
                    inside += (p[x] != 0 ? 1 : 0) + (p[(nY - 1) * nX + x] != 0 ? 1 : 0);
                }
                for (int y = 1; y < nY - 1; y++) {
                    inside += (p[y * nX] != 0 ? 1 : 0) + (p[y * nX + nX - 1] != 0 ? 1 : 0);
                }
                total += 2L * nX + 2L * Math.max(0, nY - 2);
            }
        }
        return total == 0 ? 0.0 : inside / (double) total;
    }

    /**
     * A one-line warning when the tissue mask looks inverted, else null. The rule (docs/safety.md, the same as
     * Python's): at least {@link #INVERTED_MIN_SPOTS} spots, fewer than {@link #INVERTED_MAX_INSIDE} of them with
     * INSIDE_TISSUE 1, and the mask's foreground on more than {@link #INVERTED_MIN_BORDER} of the side border of
     * the field of view. Only a warning: a tissue filling the field of view with the cells outside it is possible.
     *
     * @param spots the spots, with INSIDE_TISSUE
     * @param mask  the mask image
     * @return the warning, or null
     */
    public static String invertedWarning(final SpotCollection spots, final ImageVolume mask) {
        final int n = spots.getNSpots(false);
        if (n < INVERTED_MIN_SPOTS) {
            return null;
        }
        int inside = 0;
        for (final Spot spot : spots.all(false)) {
            final Double value = spot.getFeature(FeatureKeys.INSIDE_TISSUE);
            if (value == null) {
                return null;
            }
            inside += value == 1.0 ? 1 : 0;
        }
        final double insideFraction = inside / (double) n;
        if (insideFraction >= INVERTED_MAX_INSIDE) {
            return null;
        }
        final double border = borderFraction(mask);
        if (border <= INVERTED_MIN_BORDER) {
            return null;
        }
        return String.format(Locale.ROOT, "tissue mask %s: only %.0f%% of %d spots are inside it while it covers "
                + "%.0f%% of the image border; is the mask inverted (tissue = 0)? Expected non-zero voxels where "
                + "the tissue is", mask.source(), Math.rint(100 * insideFraction), n, Math.rint(100 * border));
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
