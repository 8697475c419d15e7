package org.volltrack.btrackmate.model;

/**
 * The ID, frame and position of each spot as parallel primitive arrays: the spot table the tracker
 * ({@code tracker.LapSpots}) and the feature calculators ({@code features.TrackGraphData}) extend with what
 * each needs. The arrays are kept as given (no copy); the constructor checks that there are five of the same
 * length.
 */
public class SpotArrays {

    /** Spot ID per spot. */
    public final int[] ids;
    /** FRAME per spot. */
    public final int[] frames;
    /** POSITION_X per spot (physical units). */
    public final double[] x;
    /** POSITION_Y per spot. */
    public final double[] y;
    /** POSITION_Z per spot (0 in 2D). */
    public final double[] z;

    /**
     * @param ids spot IDs
     * @param frames frame of each spot
     * @param x X position of each spot
     * @param y Y position
     * @param z Z position
     * @throws IllegalArgumentException when an array is null or the lengths differ
     */
    public SpotArrays(int[] ids, int[] frames, double[] x, double[] y, double[] z) {
        if (ids == null || frames == null || x == null || y == null || z == null) {
            throw new IllegalArgumentException("ids, frames, x, y, z must not be null");
        }
        int n = ids.length;
        if (frames.length != n || x.length != n || y.length != n || z.length != n) {
            throw new IllegalArgumentException("ids, frames, x, y, z must have the same length, got " + n + ", "
                    + frames.length + ", " + x.length + ", " + y.length + ", " + z.length);
        }
        this.ids = ids;
        this.frames = frames;
        this.x = x;
        this.y = y;
        this.z = z;
    }

    /** @return the number of spots */
    public final int size() {
        return ids.length;
    }

    /**
     * @param a a spot index
     * @param b another
     * @return the Euclidean distance between their positions
     */
    public final double distance(int a, int b) {
        double dx = x[a] - x[b];
        double dy = y[a] - y[b];
        double dz = z[a] - z[b];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
}
