package org.volltrack.btrackmate.input;

/**
 * Voxel size (dz, dy, dx) in physical units and the frame interval dt, as given on the command line
 * ({@code --calibration dz,dy,dx,dt}) or read from an image.
 */
public final class Calibration {

    /** Voxel depth. */
    public final double dz;
    /** Pixel height. */
    public final double dy;
    /** Pixel width. */
    public final double dx;
    /** Frame interval. */
    public final double dt;

    /**
     * @param dz voxel depth, &gt; 0
     * @param dy pixel height, &gt; 0
     * @param dx pixel width, &gt; 0
     * @param dt frame interval, &gt; 0
     * @throws IllegalArgumentException when a value is not a finite positive number
     */
    public Calibration(final double dz, final double dy, final double dx, final double dt) {
        final double[] values = {dz, dy, dx, dt};
        final String[] names = {"dz", "dy", "dx", "dt"};
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] > 0) || !Double.isFinite(values[i])) {
                throw new IllegalArgumentException("calibration " + names[i] + " must be a finite number > 0, got "
                        + values[i]);
            }
        }
        this.dz = dz;
        this.dy = dy;
        this.dx = dx;
        this.dt = dt;
    }

    /** @return unit calibration (1, 1, 1, 1) */
    public static Calibration unit() {
        return new Calibration(1, 1, 1, 1);
    }

    /**
     * Parses "dz,dy,dx,dt" (or "dz,dy,dx" with dt = 1).
     *
     * @param text the text
     * @return the calibration
     * @throws IllegalArgumentException on a malformed text
     */
    public static Calibration parse(final String text) {
        final String[] parts = text.split(",");
        if (parts.length != 3 && parts.length != 4) {
            throw new IllegalArgumentException("--calibration expects dz,dy,dx,dt (e.g. 2.0,0.5,0.5,1.0), got \""
                    + text + "\"");
        }
        final double[] v = new double[4];
        v[3] = 1.0;
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("--calibration: \"" + parts[i] + "\" is not a number (expected "
                        + "dz,dy,dx,dt)");
            }
        }
        return new Calibration(v[0], v[1], v[2], v[3]);
    }

    /** @return physical volume of one voxel */
    public double voxelVolume() {
        return dz * dy * dx;
    }

    @Override
    public String toString() {
        return dz + "," + dy + "," + dx + "," + dt;
    }
}
