package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.image.LabelImageSpots;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.model.SpotCollection;

import ij.IJ;
import ij.ImagePlus;

/**
 * One BTrackmate run from ImageJ: resolves the inputs named in {@link PluginOptions} (file paths or titles of open
 * images), reads the spots with the engine's readers, and hands them to {@link EngineCalls} for tissue filter,
 * tracking, pruning, features and the XML. Also the entry point of the Jython scripts:
 *
 * <pre>
 * from org.volltrack.btrackmate.ij import BTrackmateRun
 * summary = BTrackmateRun.trackFiles(File("labels.tif"), None, None, {"LINKING_MAX_DISTANCE": 10.0}, File("t.xml"))
 * </pre>
 */
public final class BTrackmateRun {

    private BTrackmateRun() {
    }

    /**
     * Runs BTrackmate with the given options.
     *
     * @param options the options; validated here
     * @return what was written
     * @throws IllegalArgumentException naming the option when an input is missing or unusable
     * @throws IOException when a file cannot be read or written
     */
    public static RunSummary run(final PluginOptions options) throws IOException {
        options.validate();
        final File xml = new File(options.xml);
        try (ImageFiles files = new ImageFiles()) {
            final Path mask = options.mask.isEmpty() ? null : files.resolve(PluginOptions.MASK, options.mask);
            if (!options.csv.isEmpty()) {
                return trackCsv(new File(options.csv), mask == null ? null : mask.toFile(), options.calibration,
                        options.settings, xml);
            }
            final Path labels = files.resolve(PluginOptions.LABELS, options.labels);
            final Path raw = options.raw.isEmpty() ? null : files.resolve(PluginOptions.RAW, options.raw);
            return trackPaths(labels, raw, mask, calibration(labels, options.calibration), options.settings, xml);
        }
    }

    /**
     * Tracks the cells of label images in TIFF files, with the label image's calibration.
     *
     * @param labels label image (TZYX hyperstack; 0 = background)
     * @param raw intensity image of the same shape, or null
     * @param mask tissue mask (non-zero = tissue), or null
     * @param settings tracker settings by TrackerKeys key (partial maps are completed with the defaults)
     * @param xml the TrackMate XML to write
     * @return what was written
     * @throws IOException when a file cannot be read or written
     */
    public static RunSummary trackFiles(final File labels, final File raw, final File mask,
            final Map<String, Object> settings, final File xml) throws IOException {
        return trackPaths(existing(PluginOptions.LABELS, labels), raw == null ? null : existing(PluginOptions.RAW, raw),
                mask == null ? null : existing(PluginOptions.MASK, mask), null, settings, xml);
    }

    /**
     * Tracks the cells of images open in ImageJ (saved to temporary TIFFs when they do not come from a file).
     *
     * @param labels label image with its calibration
     * @param raw intensity image, or null
     * @param mask tissue mask, or null
     * @param settings tracker settings by TrackerKeys key
     * @param xml the TrackMate XML to write
     * @return what was written
     * @throws IOException when a file cannot be read or written
     */
    public static RunSummary track(final ImagePlus labels, final ImagePlus raw, final ImagePlus mask,
            final Map<String, Object> settings, final File xml) throws IOException {
        try (ImageFiles files = new ImageFiles()) {
            return trackPaths(files.fileOf(labels), raw == null ? null : files.fileOf(raw),
                    mask == null ? null : files.fileOf(mask), null, settings, xml);
        }
    }

    /**
     * Tracks the spots of a CSV spot table: volltrack's table (TrackMate-key header) or the legacy BTrackmate
     * table (T,X,Y,Z,Label,... in pixels).
     *
     * @param csv the table
     * @param mask tissue mask giving INSIDE_TISSUE / TISSUE_FRACTION / DISTANCE_TO_BOUNDARY, or null
     * @param calibration (x, y, z, t) sizes; 0 entries mean 1 (used for legacy pixel tables, the mask and dt)
     * @param settings tracker settings by TrackerKeys key
     * @param xml the TrackMate XML to write
     * @return what was written
     * @throws IOException when a file cannot be read or written
     */
    public static RunSummary trackCsv(final File csv, final File mask, final double[] calibration,
            final Map<String, Object> settings, final File xml) throws IOException {
        final Path path = existing(PluginOptions.CSV, csv);
        final Calibration cal = new Calibration(orOne(calibration[2]), orOne(calibration[1]), orOne(calibration[0]),
                orOne(calibration[3]));
        final SpotCollection spots = SpotReading.csv(path, mask == null ? null : existing(PluginOptions.MASK, mask),
                cal);
        return EngineCalls.trackAndWrite(spots, cal, null, TrackerSettings.normalize(settings), csv.getName(),
                xml);
    }

    private static RunSummary trackPaths(final Path labels, final Path raw, final Path mask, final Calibration cal,
            final Map<String, Object> settings, final File xml) throws IOException {
        final Map<String, Object> typed = TrackerSettings.normalize(settings);
        IJ.showStatus("BTrackmate: reading " + labels.getFileName());
        final LabelImageSpots.Result read = SpotReading.labels(labels, raw, mask, cal);
        return EngineCalls.trackAndWrite(read.spots, read.calibration, read.labels, typed,
                labels.getFileName().toString(), xml);
    }

    private static Calibration calibration(final Path labels, final double[] overrides) {
        if (overrides[0] <= 0 && overrides[1] <= 0 && overrides[2] <= 0 && overrides[3] <= 0) {
            return null;
        }
        final ImagePlus header = IJ.openVirtual(labels.toString());
        final ij.measure.Calibration c = header == null ? new ij.measure.Calibration() : header.getCalibration();
        return new Calibration(pick(overrides[2], c.pixelDepth), pick(overrides[1], c.pixelHeight),
                pick(overrides[0], c.pixelWidth), pick(overrides[3], c.frameInterval));
    }

    private static double pick(final double override, final double own) {
        return override > 0 ? override : orOne(own);
    }

    private static double orOne(final double value) {
        return value > 0 && Double.isFinite(value) ? value : 1.0;
    }

    private static Path existing(final String option, final File file) {
        if (file == null || !file.isFile()) {
            throw new IllegalArgumentException("BTrackmate: option '" + option + "': no such file: " + file);
        }
        return file.toPath();
    }
}
