package org.volltrack.btrackmate.tracker;

/**
 * The ID, frame and position of each spot, in the caller's order: what a caller fills before
 * {@link LapSpots#of(SpotColumns, int[], java.util.Map)} sorts it.
 */
public final class SpotColumns {

    final int[] ids;
    final int[] frames;
    final double[] x;
    final double[] y;
    final double[] z;

    /** @param n the number of spots (each zero until {@link #set} fills it) */
    public SpotColumns(int n) {
        ids = new int[n];
        frames = new int[n];
        x = new double[n];
        y = new double[n];
        z = new double[n];
    }

    /**
     * Fills spot {@code i}.
     *
     * @param i row index
     * @param id spot ID
     * @param frame frame (&ge; 0)
     * @param px X position (physical units)
     * @param py Y position
     * @param pz Z position (0 in 2D)
     */
    public void set(int i, int id, int frame, double px, double py, double pz) {
        ids[i] = id;
        frames[i] = frame;
        x[i] = px;
        y[i] = py;
        z[i] = pz;
    }

    /** @return the number of spots */
    public int size() {
        return ids.length;
    }
}
