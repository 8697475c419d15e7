package org.volltrack.btrackmate.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ij.ImagePlus;
import ij.io.FileInfo;

/**
 * Recovers T and Z of a TIFF that ImageJ opened as a plain stack, from its ImageDescription: OME-XML
 * ({@code SizeZ}, {@code SizeT}, {@code SizeC="1"}) or tifffile's shaped JSON ({@code {"shape": [T, Z, Y, X]}}).
 */
final class AxesFromDescription {

    private static final Pattern OME_SIZE = Pattern.compile("Size([CZT])=\"(\\d+)\"");
    private static final Pattern SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([\\d,\\s]+)]");

    private AxesFromDescription() {
    }

    /**
     * Sets the image's dimensions when it is a plain stack and the description gives a consistent T × Z.
     *
     * @param imp the opened image
     */
    static void apply(final ImagePlus imp) {
        final FileInfo info = imp.getOriginalFileInfo();
        if (info == null || info.description == null || imp.getNFrames() > 1 || imp.getNChannels() > 1) {
            return;
        }
        final int[] tz = fromOme(info.description);
        final int[] dims = tz != null ? tz : fromShape(info.description);
        if (dims != null && dims[0] * dims[1] == imp.getStackSize() && dims[0] > 1) {
            imp.setDimensions(1, dims[1], dims[0]);
        }
    }

    private static int[] fromOme(final String description) {
        final Matcher m = OME_SIZE.matcher(description);
        int c = 1;
        int z = -1;
        int t = -1;
        while (m.find()) {
            final int value = Integer.parseInt(m.group(2));
            switch (m.group(1)) {
                case "C":
                    c = value;
                    break;
                case "Z":
                    z = value;
                    break;
                default:
                    t = value;
            }
        }
        return c == 1 && z > 0 && t > 0 ? new int[] {t, z} : null;
    }

    private static int[] fromShape(final String description) {
        final Matcher m = SHAPE.matcher(description);
        if (!m.find()) {
            return null;
        }
        final String[] parts = m.group(1).split(",");
        if (parts.length != 4) {
            return null;
        }
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
    }
}
