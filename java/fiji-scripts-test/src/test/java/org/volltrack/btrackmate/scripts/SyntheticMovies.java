package org.volltrack.btrackmate.scripts;

import java.io.File;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ShortProcessor;

/** Tiny label movies: cells as boxes that drift one pixel per frame along X; a tissue mask covers the left part. */
final class SyntheticMovies {

    static final int WIDTH = 40;
    static final int HEIGHT = 30;
    static final int SLICES = 3;

    private SyntheticMovies() {
    }

    /**
     * Writes a label movie.
     *
     * @param file destination TIFF
     * @param nCells cells (at most 4), each a 4x4x2 box, label = index + 1
     * @param nFrames frames
     * @return the file
     */
    static File labels(final File file, final int nCells, final int nFrames) {
        final ImageStack stack = new ImageStack(WIDTH, HEIGHT);
        for (int t = 0; t < nFrames; t++) {
            for (int z = 0; z < SLICES; z++) {
                final ShortProcessor ip = new ShortProcessor(WIDTH, HEIGHT);
                for (int c = 0; c < nCells; c++) {
                    if (z < 2) {
                        ip.setValue(c + 1);
                        ip.setRoi(3 + t + (c % 2) * 18, 3 + (c / 2) * 14, 4, 4);
                        ip.fill();
                    }
                }
                stack.addSlice(ip);
            }
        }
        return save(file, stack, nFrames);
    }

    /**
     * Writes a tissue mask (value 1 for X &lt; 20, 0 elsewhere) of the label movie's shape.
     *
     * @param file destination TIFF
     * @param nFrames frames
     * @return the file
     */
    static File mask(final File file, final int nFrames) {
        final ImageStack stack = new ImageStack(WIDTH, HEIGHT);
        for (int i = 0; i < nFrames * SLICES; i++) {
            final ShortProcessor ip = new ShortProcessor(WIDTH, HEIGHT);
            ip.setValue(1);
            ip.setRoi(0, 0, 20, HEIGHT);
            ip.fill();
            stack.addSlice(ip);
        }
        return save(file, stack, nFrames);
    }

    private static File save(final File file, final ImageStack stack, final int nFrames) {
        final ImagePlus imp = new ImagePlus(file.getName(), stack);
        imp.setDimensions(1, SLICES, nFrames);
        imp.setOpenAsHyperStack(true);
        final Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.5;
        cal.pixelHeight = 0.5;
        cal.pixelDepth = 2.0;
        cal.frameInterval = 5.0;
        cal.setUnit("micron");
        cal.setTimeUnit("sec");
        if (!IJ.saveAsTiff(imp, file.getAbsolutePath())) {
            throw new IllegalStateException("could not write " + file);
        }
        return file;
    }
}
