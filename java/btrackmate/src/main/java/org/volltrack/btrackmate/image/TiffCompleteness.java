package org.volltrack.btrackmate.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ij.io.FileInfo;
import ij.io.TiffDecoder;

import org.volltrack.btrackmate.input.SpotInputException;

/**
 * Refuses a truncated TIFF before ImageJ opens it: ImageJ silently reads the pages that are present (or blank
 * ones), which would turn a half-copied movie into a short or empty one without any warning.
 */
final class TiffCompleteness {

    private static final Pattern SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([\\d,\\s]+)]");

    private TiffCompleteness() {
    }

    /**
     * Checks that every image the TIFF's directories (or ImageJ's {@code images=} count) announce lies inside
     * the file.
     *
     * @param path a file ImageJ will open
     * @throws IOException        when the file cannot be read
     * @throws SpotInputException when image data announced by the TIFF lies beyond the end of the file
     */
    static void check(final Path path) throws IOException {
        if (!isTiff(path)) {
            return;
        }
        final FileInfo[] infos;
        try {
            final Path absolute = path.toAbsolutePath();
            infos = new TiffDecoder(absolute.getParent().toString() + "/", absolute.getFileName().toString())
                    .getTiffInfo();
        } catch (final IOException | RuntimeException e) {
            throw new SpotInputException(path + ": ImageJ cannot read this TIFF ("
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim() + ")");
        }
        if (infos == null || infos.length == 0) {
            throw new SpotInputException(path + ": corrupt or truncated TIFF (no image directory found)");
        }
        final long size = Files.size(path);
        long needed = 0;
        for (final FileInfo info : infos) {
            needed = Math.max(needed, endOf(info));
        }
        final long described = describedPlanes(infos[0]);
        if (infos.length > 1 || infos[0].nImages <= 1) {
            if (described > infos.length) {
                throw new SpotInputException(path + ": truncated TIFF: its description announces " + described
                        + " images but the file holds " + infos.length + " (an interrupted copy or write?)");
            }
        }
        if (needed > size) {
            throw new SpotInputException(path + ": truncated TIFF: its image data needs " + needed
                    + " bytes but the file has " + size + " (an interrupted copy or write?)");
        }
    }

    private static long endOf(final FileInfo info) {
        if (info.stripOffsets != null && info.stripLengths != null && info.stripOffsets.length > 0
                && info.nImages <= 1) {
            long end = 0;
            for (int i = 0; i < info.stripOffsets.length && i < info.stripLengths.length; i++) {
                end = Math.max(end, (info.stripOffsets[i] & 0xffffffffL) + (info.stripLengths[i] & 0xffffffffL));
            }
            return end;
        }
        if (info.compression > FileInfo.COMPRESSION_NONE) {
            return 0;
        }
        final long imageBytes = (long) info.width * info.height * info.getBytesPerPixel();
        final long images = Math.max(1, info.nImages);
        return info.getOffset() + images * imageBytes + (images - 1) * info.gapBetweenImages;
    }

    /** @return the number of planes in tifffile's {@code "shape": [...]} description, or 0 when absent */
    private static long describedPlanes(final FileInfo info) {
        if (info.description == null || info.samplesPerPixel > 1) {
            return 0;
        }
        final Matcher m = SHAPE.matcher(info.description);
        if (!m.find()) {
            return 0;
        }
        final String[] parts = m.group(1).split(",");
        if (parts.length < 3) {
            return 0;
        }
        final long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Long.parseLong(parts[i].trim());
        }
        if (dims[dims.length - 1] != info.width || dims[dims.length - 2] != info.height) {
            return 0;
        }
        long planes = 1;
        for (int i = 0; i < dims.length - 2; i++) {
            planes *= dims[i];
        }
        return planes;
    }

    private static boolean isTiff(final Path path) throws IOException {
        final byte[] head = new byte[4];
        try (java.io.InputStream in = Files.newInputStream(path)) {
            if (in.read(head) < 4) {
                return false;
            }
        }
        return (head[0] == 'I' && head[1] == 'I' || head[0] == 'M' && head[1] == 'M')
                && (head[2] == 42 || head[3] == 42);
    }
}
