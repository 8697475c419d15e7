package org.volltrack.btrackmate.xml;

import java.io.File;
import java.nio.file.Path;

/**
 * The {@code ImageData} element of TrackMate's {@code Settings}: image file, size and calibration.
 * Mutable bean; defaults describe a 1×1×1×1 image with unit calibration.
 *
 * <p>TrackMate's loader opens {@code new File(folder, filename)} and, when that fails, {@code filename} beside
 * the XML file; an empty {@code folder} means "beside the XML file". {@link #locate} chooses the two so that
 * both lookups find the movie: a movie beside or below the XML's folder is named by its path relative to that
 * folder (the run folder can then be moved as a whole), any other movie by its file name and its absolute
 * folder. Folders end with the file separator, as ImageJ's {@code FileInfo.directory} (which TrackMate writes)
 * does.
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

    /**
     * Sets {@link #filename} and {@link #folder} to name {@code image} from an XML file at {@code xml}.
     *
     * @param image the movie file
     * @param xml   the TrackMate XML file that will name it
     * @return this
     */
    public ImageData locate(final Path image, final Path xml) {
        final Path movie = image.toAbsolutePath().normalize();
        final Path xmlFolder = xml.toAbsolutePath().normalize().getParent();
        if (xmlFolder != null && movie.startsWith(xmlFolder) && !movie.equals(xmlFolder)) {
            filename = xmlFolder.relativize(movie).toString().replace(File.separatorChar, '/');
            folder = withSeparator(xmlFolder);
        } else {
            filename = movie.getFileName().toString();
            folder = movie.getParent() == null ? "" : withSeparator(movie.getParent());
        }
        return this;
    }

    /**
     * Names an image that was never saved, as TrackMate's writer does (its short title, empty folder).
     *
     * @param title the image title (e.g. the spot table's file name without extension)
     * @return this
     */
    public ImageData unsaved(final String title) {
        filename = title == null ? "" : title;
        folder = "";
        return this;
    }

    /**
     * Sets the size from a (T, Z, Y, X) shape.
     *
     * @param t frames
     * @param z slices
     * @param y height
     * @param x width
     * @return this
     * @throws IllegalArgumentException when a size is not positive
     */
    public ImageData shape(final long t, final long z, final long y, final long x) {
        final long[] sizes = {t, z, y, x};
        for (final long s : sizes) {
            if (s < 1 || s > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("image shape (T, Z, Y, X) = (" + t + ", " + z + ", " + y + ", "
                        + x + "): every size must be a positive int");
            }
        }
        nframes = (int) t;
        nslices = (int) z;
        height = (int) y;
        width = (int) x;
        return this;
    }

    /**
     * Sets the calibration.
     *
     * @param dz voxel depth
     * @param dy pixel height
     * @param dx pixel width
     * @param dt frame interval
     * @return this
     * @throws IllegalArgumentException when a value is not a finite number &gt; 0
     */
    public ImageData calibration(final double dz, final double dy, final double dx, final double dt) {
        final double[] values = {dz, dy, dx, dt};
        final String[] names = {"dz", "dy", "dx", "dt"};
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] > 0) || !Double.isFinite(values[i])) {
                throw new IllegalArgumentException("image calibration " + names[i] + " must be a finite number > 0, "
                        + "got " + values[i]);
            }
        }
        voxeldepth = dz;
        pixelheight = dy;
        pixelwidth = dx;
        timeinterval = dt;
        return this;
    }

    /** @return whether a movie file is named (a saved image) */
    public boolean namesFile() {
        return !filename.isEmpty() && !folder.isEmpty();
    }

    private static String withSeparator(final Path folder) {
        final String text = folder.toString();
        return text.endsWith(File.separator) ? text : text + File.separator;
    }
}
