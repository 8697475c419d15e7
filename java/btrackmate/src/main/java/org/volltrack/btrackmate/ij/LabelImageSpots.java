package org.volltrack.btrackmate.ij;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;

/**
 * Spots from an ImageJ label hyperstack, one per label per frame, measured as TrackMate's label-image detector
 * does in 3D: position = mean voxel coordinate × calibration, QUALITY = voxel count, RADIUS = radius of the
 * sphere of equal volume (of the disc of equal area for a single slice). Also LABEL, VOLUME, and with a raw image
 * MEAN_INTENSITY_CH1 / TOTAL_INTENSITY_CH1, with a tissue mask TISSUE_FRACTION (fraction of the cell's voxels in
 * the mask) and INSIDE_TISSUE (1 when that fraction is at least one half).
 */
public final class LabelImageSpots {

    private LabelImageSpots() {
    }

    /**
     * Measures every label of every frame.
     *
     * @param labels label image (one channel; 0 = background)
     * @param raw intensity image of the same shape, or null
     * @param mask tissue mask of the same shape (non-zero = tissue), or null
     * @return the spots, frame by frame, labels in increasing order
     * @throws IllegalArgumentException when the label image has several channels or non-integer labels
     */
    public static SpotArrays measure(final ImagePlus labels, final ImagePlus raw, final ImagePlus mask) {
        if (labels.getNChannels() != 1) {
            throw new IllegalArgumentException("BTrackmate: the label image '" + labels.getTitle() + "' has "
                    + labels.getNChannels() + " channels; expected 1 (labels only)");
        }
        final Calibration cal = labels.getCalibration();
        final double[] scale = {cal.pixelWidth, cal.pixelHeight, cal.pixelDepth};
        final SpotArrays out = new SpotArrays();
        for (int t = 0; t < labels.getNFrames(); t++) {
            final Map<Integer, double[]> sums = accumulate(labels, raw, mask, t);
            for (final Map.Entry<Integer, double[]> e : sums.entrySet()) {
                addSpot(out, t, e.getKey(), e.getValue(), scale, labels.getNSlices(), raw != null, mask != null);
            }
        }
        return out;
    }

    /** Per label: count, sum x, sum y, sum z, sum intensity, voxels in mask. */
    private static Map<Integer, double[]> accumulate(final ImagePlus labels, final ImagePlus raw,
            final ImagePlus mask, final int t) {
        final Map<Integer, double[]> sums = new TreeMap<>();
        final ImageStack ls = labels.getStack();
        final int w = labels.getWidth();
        final int h = labels.getHeight();
        for (int z = 0; z < labels.getNSlices(); z++) {
            final int index = labels.getStackIndex(1, z + 1, t + 1);
            final Object lp = ls.getPixels(index);
            final float[] rp = raw == null ? null : (float[]) raw.getStack().getProcessor(index).convertToFloat().getPixels();
            final float[] mp = mask == null ? null : (float[]) mask.getStack().getProcessor(index).convertToFloat().getPixels();
            for (int i = 0; i < w * h; i++) {
                final int label = labelAt(lp, i, labels.getTitle());
                if (label == 0) {
                    continue;
                }
                final double[] s = sums.computeIfAbsent(label, k -> new double[6]);
                s[0] += 1;
                s[1] += i % w;
                s[2] += i / w;
                s[3] += z;
                s[4] += rp == null ? 0 : rp[i];
                s[5] += mp != null && mp[i] != 0 ? 1 : 0;
            }
        }
        return sums;
    }

    private static int labelAt(final Object pixels, final int i, final String title) {
        if (pixels instanceof short[]) {
            return ((short[]) pixels)[i] & 0xffff;
        }
        if (pixels instanceof byte[]) {
            return ((byte[]) pixels)[i] & 0xff;
        }
        if (pixels instanceof float[]) {
            final float v = ((float[]) pixels)[i];
            if (v != Math.rint(v) || v < 0) {
                throw new IllegalArgumentException("BTrackmate: the label image '" + title + "' holds the value "
                        + v + "; expected non-negative whole numbers (labels)");
            }
            return (int) v;
        }
        throw new IllegalArgumentException("BTrackmate: the label image '" + title + "' is RGB; expected 8-, 16- "
                + "or 32-bit labels");
    }

    private static void addSpot(final SpotArrays out, final int t, final int label, final double[] s,
            final double[] scale, final int nSlices, final boolean hasRaw, final boolean hasMask) {
        final double n = s[0];
        final double volume = n * scale[0] * scale[1] * (nSlices > 1 ? scale[2] : 1.0);
        final double radius = nSlices > 1 ? Math.cbrt(3.0 * volume / (4.0 * Math.PI)) : Math.sqrt(volume / Math.PI);
        final Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("LABEL", (double) label);
        extra.put("VOLUME", volume);
        if (hasRaw) {
            extra.put("MEAN_INTENSITY_CH1", s[4] / n);
            extra.put("TOTAL_INTENSITY_CH1", s[4]);
        }
        if (hasMask) {
            final double fraction = s[5] / n;
            extra.put("TISSUE_FRACTION", fraction);
            extra.put("INSIDE_TISSUE", fraction >= 0.5 ? 1.0 : 0.0);
        }
        out.add(t, s[1] / n * scale[0], s[2] / n * scale[1], s[3] / n * scale[2], radius, n, extra);
    }
}
