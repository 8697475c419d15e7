package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.util.Map;

import org.volltrack.btrackmate.TrackerSettings;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.measure.Calibration;

/**
 * One BTrackmate run from ImageJ: resolves the inputs named in {@link PluginOptions} (file paths or titles of open
 * images), hands them to the engine ({@link EngineCalls}) and writes the TrackMate XML. This is also the entry
 * point for Jython scripts:
 *
 * <pre>
 * from org.volltrack.btrackmate.ij import BTrackmateRun, PluginOptions
 * summary = BTrackmateRun.run(PluginOptions.fromMacroOptions("labels=[/d/labels.tif] xml=[/d/tracks.xml]"))
 * </pre>
 */
public final class BTrackmateRun {

    private BTrackmateRun() {
    }

    /**
     * Runs BTrackmate with the given options.
     *
     * @param options validated or not; validated here
     * @return what was written
     * @throws IllegalArgumentException naming the option when an input is missing or unusable
     * @throws IOException when the XML cannot be written
     */
    public static RunSummary run(final PluginOptions options) throws IOException {
        options.validate();
        final File xml = new File(options.xml);
        if (!options.csv.isEmpty()) {
            final File csv = new File(options.csv);
            if (!csv.isFile()) {
                throw new IllegalArgumentException("BTrackmate: option 'csv': no such file: " + csv);
            }
            return trackCsv(csv, options.calibration, options.settings, xml);
        }
        final ImagePlus labels = resolveImage(PluginOptions.LABELS, options.labels);
        final ImagePlus raw = options.raw.isEmpty() ? null : resolveImage(PluginOptions.RAW, options.raw);
        final ImagePlus mask = options.mask.isEmpty() ? null : resolveImage(PluginOptions.MASK, options.mask);
        return track(withCalibration(labels, options.calibration), raw, mask, options.settings, xml);
    }

    /**
     * Tracks the cells of a label image.
     *
     * @param labels label image (XYZT hyperstack; 0 = background), with its calibration
     * @param raw intensity image of the same shape, or null
     * @param mask tissue mask of the same shape (non-zero = tissue), or null
     * @param settings tracker settings (partial maps are completed with the defaults)
     * @param xml the TrackMate XML to write
     * @return what was written
     * @throws IOException when the XML cannot be written
     */
    public static RunSummary track(final ImagePlus labels, final ImagePlus raw, final ImagePlus mask,
            final Map<String, Object> settings, final File xml) throws IOException {
        checkSameShape(labels, raw, PluginOptions.RAW);
        checkSameShape(labels, mask, PluginOptions.MASK);
        return EngineCalls.trackLabels(labels, raw, mask, TrackerSettings.normalize(settings), xml);
    }

    /**
     * Tracks the spots of a CSV spot table (volltrack columns, or the legacy BTrackmate layout in pixels).
     *
     * @param csv the table
     * @param calibration (x, y, z, t) used for legacy pixel tables; 0 entries mean 1
     * @param settings tracker settings
     * @param xml the TrackMate XML to write
     * @return what was written
     * @throws IOException when a file cannot be read or written
     */
    public static RunSummary trackCsv(final File csv, final double[] calibration, final Map<String, Object> settings,
            final File xml) throws IOException {
        return EngineCalls.trackCsv(csv, calibration, TrackerSettings.normalize(settings), xml);
    }

    /**
     * Finds an open image by title, else opens the file.
     *
     * @param option the option name, for messages
     * @param value title or path
     * @return the image
     * @throws IllegalArgumentException when neither exists
     */
    static ImagePlus resolveImage(final String option, final String value) {
        final ImagePlus open = WindowManager.getImage(value);
        if (open != null) {
            return open;
        }
        final File file = new File(value);
        if (!file.isFile()) {
            throw new IllegalArgumentException("BTrackmate: option '" + option + "': '" + value
                    + "' is neither the title of an open image nor an existing file");
        }
        final ImagePlus imp = IJ.openImage(file.getAbsolutePath());
        if (imp == null) {
            throw new IllegalArgumentException("BTrackmate: option '" + option + "': ImageJ cannot open " + file
                    + " as an image (expected a TIFF)");
        }
        return imp;
    }

    private static ImagePlus withCalibration(final ImagePlus imp, final double[] overrides) {
        final Calibration cal = imp.getCalibration().copy();
        if (overrides[0] > 0) {
            cal.pixelWidth = overrides[0];
        }
        if (overrides[1] > 0) {
            cal.pixelHeight = overrides[1];
        }
        if (overrides[2] > 0) {
            cal.pixelDepth = overrides[2];
        }
        if (overrides[3] > 0) {
            cal.frameInterval = overrides[3];
        }
        final ImagePlus view = new ImagePlus(imp.getTitle(), imp.getStack());
        view.setDimensions(imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
        view.setCalibration(cal);
        return view;
    }

    private static void checkSameShape(final ImagePlus labels, final ImagePlus other, final String option) {
        if (other == null) {
            return;
        }
        final int[] a = labels.getDimensions();
        final int[] b = other.getDimensions();
        if (a[0] != b[0] || a[1] != b[1] || a[3] != b[3] || a[4] != b[4]) {
            throw new IllegalArgumentException("BTrackmate: option '" + option + "': image '" + other.getTitle()
                    + "' is " + b[0] + "x" + b[1] + "x" + b[3] + "x" + b[4] + " (XYZT), but the label image is "
                    + a[0] + "x" + a[1] + "x" + a[3] + "x" + a[4]);
        }
    }
}
