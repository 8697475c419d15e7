package org.volltrack.btrackmate.xml;

/**
 * The {@code ImageData} element of TrackMate's {@code Settings}: image file, size and calibration.
 * Mutable bean; defaults describe a 1×1×1×1 image with unit calibration.
 */
public final class ImageData {

    /** Image file name ("" when unknown). */
    public String filename = "";
    /** Image folder ("" when unknown). */
    public String folder = "";
    /** Width in pixels. */
    public int width = 1;
    /** Height in pixels. */
    public int height = 1;
    /** Number of Z slices. */
    public int nslices = 1;
    /** Number of frames. */
    public int nframes = 1;
    /** Pixel width (dx), physical units. */
    public double pixelwidth = 1.0;
    /** Pixel height (dy), physical units. */
    public double pixelheight = 1.0;
    /** Voxel depth (dz), physical units. */
    public double voxeldepth = 1.0;
    /** Frame interval (dt), time units. */
    public double timeinterval = 1.0;
}
