package org.volltrack.btrackmate.image;

import java.nio.file.Path;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

/** Writes tiny TZYX TIFF hyperstacks with ImageJ1 for the tests. */
public final class TiffFixtures {

    private TiffFixtures() {
    }

    /**
     * @param path     output file
     * @param values   [t][z][y][x]
     * @param asFloat  32-bit float instead of 16-bit
     * @param calibration dz, dy, dx, dt, or null
     */
    public static Path write(final Path path, final int[][][][] values, final boolean asFloat, final double[] calibration) {
        final int nt = values.length;
        final int nz = values[0].length;
        final int ny = values[0][0].length;
        final int nx = values[0][0][0].length;
        final ImageStack stack = new ImageStack(nx, ny);
        for (int t = 0; t < nt; t++) {
            for (int z = 0; z < nz; z++) {
                final ij.process.ImageProcessor ip = asFloat ? new FloatProcessor(nx, ny)
                        : new ShortProcessor(nx, ny);
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        ip.setf(x, y, values[t][z][y][x]);
                    }
                }
                stack.addSlice(ip);
            }
        }
        final ImagePlus imp = new ImagePlus("fixture", stack);
        imp.setDimensions(1, nz, nt);
        if (nz * nt > 1) {
            imp.setOpenAsHyperStack(true);
        }
        if (calibration != null) {
            imp.getCalibration().pixelDepth = calibration[0];
            imp.getCalibration().pixelHeight = calibration[1];
            imp.getCalibration().pixelWidth = calibration[2];
            imp.getCalibration().frameInterval = calibration[3];
        }
        final FileSaver saver = new FileSaver(imp);
        final boolean ok = nz * nt > 1 ? saver.saveAsTiffStack(path.toString()) : saver.saveAsTiff(path.toString());
        if (!ok) {
            throw new IllegalStateException("cannot write " + path);
        }
        return path;
    }
}
