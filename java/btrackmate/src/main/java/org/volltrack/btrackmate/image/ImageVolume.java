package org.volltrack.btrackmate.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ImageProcessor;

import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.SpotInputException;

/**
 * A single-channel 3D+t image (axes T, Z, Y, X) read with ImageJ1 from a TIFF file. Hyperstack metadata (as
 * written by ImageJ or by tifffile with {@code imagej=True}), OME-XML sizes or tifffile's shape description give
 * T and Z; a multi-page TIFF without any of these is one time point with its pages as Z slices.
 */
public final class ImageVolume {

    private static final String HINT = "; save it as an ImageJ hyperstack, e.g. tifffile.imwrite(path, "
            + "data.astype('uint16'), imagej=True, metadata={'axes': 'TZYX'})";

    private final ImagePlus imp;
    private final String source;
    private final int nT;
    private final int nZ;

    private ImageVolume(final ImagePlus imp, final String source) {
        this.imp = imp;
        this.source = source;
        this.nT = imp.getNFrames();
        this.nZ = imp.getNSlices();
    }

    /**
     * Opens a TIFF file.
     *
     * @param path the file
     * @return the image
     * @throws IOException        when the file is missing
     * @throws SpotInputException when ImageJ cannot open it or it has more than one channel
     */
    public static ImageVolume open(final Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "image not found");
        }
        System.setProperty("java.awt.headless", "true");
        final ImagePlus imp;
        try {
            imp = new Opener().openImage(path.toAbsolutePath().toString());
        } catch (final RuntimeException e) {
            throw new SpotInputException(path + ": ImageJ cannot read this TIFF (" + e.getMessage() + ")" + HINT, e);
        }
        if (imp == null) {
            throw new SpotInputException(path + ": ImageJ cannot open this file as an image (expected an 8-bit, "
                    + "16-bit or 32-bit float TIFF)" + HINT);
        }
        AxesFromDescription.apply(imp);
        if (imp.getNChannels() != 1) {
            throw new SpotInputException(path + ": expected one channel, got " + imp.getNChannels()
                    + " (axes must be TZYX)");
        }
        return new ImageVolume(imp, path.toString());
    }

    /** @return the file name used in messages */
    public String source() {
        return source;
    }

    /** @return number of time points */
    public int sizeT() {
        return nT;
    }

    /** @return number of Z slices */
    public int sizeZ() {
        return nZ;
    }

    /** @return height in pixels */
    public int sizeY() {
        return imp.getHeight();
    }

    /** @return width in pixels */
    public int sizeX() {
        return imp.getWidth();
    }

    /** @return the shape as "(T, Z, Y, X) = (a, b, c, d)" */
    public String shapeText() {
        return "(T, Z, Y, X) = (" + nT + ", " + nZ + ", " + sizeY() + ", " + sizeX() + ")";
    }

    /**
     * Reinterprets a plain stack (T = 1) of n pages as n time points of one Z slice, for a 2D+t mask saved
     * without hyperstack metadata.
     *
     * @return a 2D+t view, or this image when it already has several time points
     */
    public ImageVolume asTimeSeries() {
        if (nT != 1 || nZ == 1) {
            return this;
        }
        final ImagePlus copy = new ImagePlus(imp.getTitle(), imp.getStack());
        copy.setDimensions(1, 1, nZ);
        return new ImageVolume(copy, source);
    }

    /**
     * Returns one XY plane as floats (row-major, index = y × width + x).
     *
     * @param t time point
     * @param z slice
     * @return the pixel values
     */
    public float[] plane(final int t, final int z) {
        final ImageProcessor ip = imp.getStack().getProcessor(imp.getStackIndex(1, z + 1, t + 1));
        final int n = sizeX() * sizeY();
        final float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = ip.getf(i);
        }
        return out;
    }

    /**
     * The image's own calibration; 1 for any missing or invalid value.
     *
     * @return (dz, dy, dx, dt)
     */
    public Calibration calibration() {
        final ij.measure.Calibration c = imp.getCalibration();
        return new Calibration(positive(c.pixelDepth), positive(c.pixelHeight), positive(c.pixelWidth),
                positive(c.frameInterval));
    }

    private static double positive(final double value) {
        return value > 0 && Double.isFinite(value) ? value : 1.0;
    }
}
