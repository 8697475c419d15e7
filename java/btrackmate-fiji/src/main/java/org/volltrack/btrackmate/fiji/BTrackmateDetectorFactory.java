package org.volltrack.btrackmate.fiji;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.plugin.Plugin;
import org.volltrack.btrackmate.input.Calibration;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.Settings;
import fiji.plugin.trackmate.detection.SpotGlobalDetector;
import fiji.plugin.trackmate.detection.SpotGlobalDetectorFactory;
import fiji.plugin.trackmate.gui.components.ConfigurationPanel;
import net.imagej.ImgPlus;
import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imglib2.Interval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * TrackMate 8 detector "BTrackmate spots": the cells of a label image TIFF or of a CSV spot table made by volltrack
 * (or the legacy BTrackmate table), with the tissue features of an optional mask. Positions are read in the
 * calibration of the image open in TrackMate. Settings: {@link DetectorKeys#SPOT_FILE}, {@link DetectorKeys#MASK_FILE}.
 *
 * @param <T> pixel type
 */
@Plugin(type = SpotGlobalDetectorFactory.class)
public class BTrackmateDetectorFactory<T extends RealType<T> & NativeType<T>> implements SpotGlobalDetectorFactory<T> {

    /** Name shown in TrackMate's detector chooser. */
    public static final String NAME = "BTrackmate spots (label image or CSV)";

    @Override
    public String getKey() {
        return DetectorKeys.DETECTOR_KEY;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getInfoText() {
        return "<html>Spots from a volltrack/BTrackmate label image (TIFF, one label per cell per frame) or CSV spot "
                + "table, one spot per cell per frame at its centroid, with LABEL, VOLUME and, with a tissue mask, "
                + "INSIDE_TISSUE, TISSUE_FRACTION and DISTANCE_TO_BOUNDARY (filter on them in the spot filter "
                + "step).</html>";
    }

    @Override
    public Map<String, Object> getDefaultSettings() {
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(DetectorKeys.SPOT_FILE, DetectorKeys.NO_FILE);
        settings.put(DetectorKeys.MASK_FILE, DetectorKeys.NO_FILE);
        return settings;
    }

    @Override
    public String checkSettings(final Map<String, Object> settings) {
        final String typeError = SpotGlobalDetectorFactory.super.checkSettings(settings);
        if (typeError != null) {
            return typeError;
        }
        final File spots = new File((String) settings.get(DetectorKeys.SPOT_FILE));
        if (!spots.isFile()) {
            return "SPOT_FILE: no such file: '" + spots + "' (expected a label image TIFF or a CSV spot table)";
        }
        final String mask = (String) settings.get(DetectorKeys.MASK_FILE);
        if (!mask.isEmpty() && !new File(mask).isFile()) {
            return "MASK_FILE: no such file: '" + mask + "' (expected a tissue-mask TIFF, or nothing)";
        }
        return null;
    }

    @Override
    public SpotGlobalDetector<T> getDetector(final ImgPlus<T> img, final Map<String, Object> settings,
            final Interval interval) {
        final String mask = (String) settings.get(DetectorKeys.MASK_FILE);
        final Calibration cal = calibration(img);
        return new BTrackmateDetector<>(new File((String) settings.get(DetectorKeys.SPOT_FILE)),
                mask == null || mask.isEmpty() ? null : new File(mask), cal, region(img, interval, cal));
    }

    @Override
    public ConfigurationPanel getDetectorConfigurationPanel(final Settings settings, final Model model) {
        return new DetectorPanel(getDefaultSettings());
    }

    /** The image's calibration (1 for absent axes) as the engine's (dz, dy, dx, dt). */
    static Calibration calibration(final ImgPlus<?> img) {
        return new Calibration(scale(img, Axes.Z), scale(img, Axes.Y), scale(img, Axes.X), scale(img, Axes.TIME));
    }

    private static double scale(final ImgPlus<?> img, final AxisType axis) {
        final int d = img.dimensionIndex(axis);
        final double s = d < 0 ? 1.0 : img.averageScale(d);
        return s > 0 && Double.isFinite(s) ? s : 1.0;
    }

    /** Keeps spots whose pixel position and frame lie inside TrackMate's interval. */
    private static SpotConversion.SpotFilter region(final ImgPlus<?> img, final Interval interval,
            final Calibration cal) {
        if (interval == null) {
            return null;
        }
        final int xd = img.dimensionIndex(Axes.X);
        final int yd = img.dimensionIndex(Axes.Y);
        final int td = img.dimensionIndex(Axes.TIME);
        return (x, y, frame) -> inside(interval, xd, Math.round(x / cal.dx))
                && inside(interval, yd, Math.round(y / cal.dy)) && inside(interval, td, frame);
    }

    private static boolean inside(final Interval interval, final int d, final long position) {
        return d < 0 || d >= interval.numDimensions()
                || (position >= interval.min(d) && position <= interval.max(d));
    }
}
