package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.io.FileInfo;

/**
 * Turns what the user named (a file path or the title of an open image) into a TIFF file the engine reads. An
 * open image that was read from a TIFF and not changed since is used in place; any other open image is saved to a
 * temporary TIFF first (deleted by {@link #close()}).
 */
final class ImageFiles implements AutoCloseable {

    private Path tempDir;

    /**
     * @param option the option name, for messages
     * @param value a path or an image title
     * @return the file to read
     * @throws IllegalArgumentException when the value names neither an open image nor a file
     * @throws IOException when a temporary copy cannot be written
     */
    Path resolve(final String option, final String value) throws IOException {
        final ImagePlus open = WindowManager.getImage(value);
        if (open != null) {
            return fileOf(open);
        }
        final File file = new File(value);
        if (!file.isFile()) {
            throw new IllegalArgumentException("BTrackmate: option '" + option + "': '" + value
                    + "' is neither the title of an open image nor an existing file");
        }
        return file.toPath();
    }

    /**
     * @param imp an image
     * @return its TIFF file, or a temporary TIFF holding it
     * @throws IOException when the temporary copy cannot be written
     */
    Path fileOf(final ImagePlus imp) throws IOException {
        final FileInfo info = imp.getOriginalFileInfo();
        if (info != null && info.directory != null && info.fileName != null && !imp.changes
                && info.fileName.toLowerCase().matches(".*\\.tiff?$")) {
            final File file = new File(info.directory, info.fileName);
            if (file.isFile()) {
                return file.toPath();
            }
        }
        if (tempDir == null) {
            tempDir = Files.createTempDirectory("btrackmate-");
        }
        final Path copy = tempDir.resolve("image" + tempDir.toFile().list().length + ".tif");
        final ImagePlus view = new ImagePlus(imp.getTitle(), imp.getStack());
        view.setDimensions(imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
        view.setCalibration(imp.getCalibration());
        if (!IJ.saveAsTiff(view, copy.toString())) {
            throw new IOException("BTrackmate: cannot write a temporary copy of '" + imp.getTitle() + "' to " + copy);
        }
        return copy;
    }

    @Override
    public void close() {
        if (tempDir == null) {
            return;
        }
        final File[] files = tempDir.toFile().listFiles();
        if (files != null) {
            for (final File f : files) {
                f.delete();
            }
        }
        tempDir.toFile().delete();
    }
}
