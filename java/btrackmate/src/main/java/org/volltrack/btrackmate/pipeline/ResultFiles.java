package org.volltrack.btrackmate.pipeline;

import java.util.Arrays;
import java.util.List;

import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.xml.DisplaySettingsJson;
import org.volltrack.btrackmate.xml.FeatureFilter;
import org.volltrack.btrackmate.xml.ImageData;
import org.volltrack.btrackmate.xml.TrackMateFile;

/**
 * Wraps a pipeline {@link TrackingPipeline.Result} into a {@link TrackMateFile} that satisfies the writer
 * checklist of trackmate.md §6: image data, a manual detector with the median spot radius, the tissue filter
 * as a TrackMate spot filter, the LAP tracker settings, the analyzers whose features were computed, and the
 * GUI state TrackMate reopens on.
 */
public final class ResultFiles {

    /** Edge analyzers whose features the engine computes. */
    public static final List<String> EDGE_ANALYZERS = Arrays.asList("Directional change", "Edge speed",
            "Edge target", "Edge location");
    /** Track analyzers whose features the engine computes. */
    public static final List<String> TRACK_ANALYZERS = Arrays.asList("Branching analyzer", "Track duration",
            "Track index", "Track location", "Track speed", "Track quality", "Track motility analysis");

    private ResultFiles() {
    }

    /**
     * @param result    a pipeline result
     * @param imageData image description (sizes and calibration); null for one derived from the spots
     * @param log       text put before the run's log (e.g. the command line), may be empty
     * @return the file content
     */
    public static TrackMateFile toTrackMateFile(final TrackingPipeline.Result result, final ImageData imageData,
            final String log) {
        final TrackMateFile file = new TrackMateFile();
        file.model = result.model;
        file.log = (log == null || log.isEmpty() ? "" : log + "\n") + result.log;
        file.imageData = imageData != null ? imageData : imageDataFromSpots(result);
        file.detectorSettings = new java.util.LinkedHashMap<>();
        file.detectorSettings.put("DETECTOR_NAME", "MANUAL_DETECTOR");
        file.detectorSettings.put("RADIUS", plain(medianRadius(result)));
        file.trackerSettings = result.settings;
        if (Boolean.TRUE.equals(result.settings.get(TrackerKeys.TISSUE_FILTER))) {
            file.spotFilters.add(new FeatureFilter(FeatureKeys.TISSUE_FRACTION,
                    (Double) result.settings.get(TrackerKeys.TISSUE_MIN_FRACTION), true));
        }
        file.edgeAnalyzers.addAll(EDGE_ANALYZERS);
        file.trackAnalyzers.addAll(TRACK_ANALYZERS);
        file.guiState = "ConfigureViews";
        file.displaySettings = DisplaySettingsJson.defaults();
        return file;
    }

    private static String plain(final double value) {
        return new java.math.BigDecimal(Double.toString(value)).toPlainString();
    }

    private static double medianRadius(final TrackingPipeline.Result result) {
        final double[] radii = result.model.getSpots().all(false).stream()
                .map(s -> s.getFeature(FeatureKeys.RADIUS)).filter(r -> r != null && Double.isFinite(r))
                .mapToDouble(Double::doubleValue).sorted().toArray();
        return radii.length == 0 ? 1.0 : radii[radii.length / 2];
    }

    /** Image data sized to hold every spot, unit pixel size, dt from POSITION_T / FRAME. */
    static ImageData imageDataFromSpots(final TrackingPipeline.Result result) {
        return unsavedImageData(result, "", 1.0, 1.0, 1.0, Double.NaN);
    }

    /**
     * Image data for spots whose movie is unknown: an image that was never saved (TrackMate writes its title and
     * an empty folder), just large enough to hold every spot at the given voxel size.
     *
     * @param result the pipeline result
     * @param title  the image title written as file name (e.g. the spot table's name without extension)
     * @param dz     voxel depth
     * @param dy     pixel height
     * @param dx     pixel width
     * @param dt     frame interval; NaN to derive it from POSITION_T / FRAME
     * @return the image data
     */
    public static ImageData unsavedImageData(final TrackingPipeline.Result result, final String title,
            final double dz, final double dy, final double dx, final double dt) {
        double maxX = 0;
        double maxY = 0;
        double maxZ = 0;
        double interval = 1.0;
        for (final Spot spot : result.model.getSpots().all(false)) {
            maxX = Math.max(maxX, spot.getDoublePosition(0));
            maxY = Math.max(maxY, spot.getDoublePosition(1));
            maxZ = Math.max(maxZ, spot.getDoublePosition(2));
            final Double t = spot.getFeature(FeatureKeys.POSITION_T);
            if (spot.frame() > 0 && t != null && t > 0) {
                interval = t / spot.frame();
            }
        }
        final int frames = result.model.getSpots().keySet().isEmpty() ? 1
                : result.model.getSpots().keySet().last() + 1;
        final ImageData d = new ImageData().unsaved(title);
        d.shape(frames, (long) Math.ceil(maxZ / dz) + 1, (long) Math.ceil(maxY / dy) + 1,
                (long) Math.ceil(maxX / dx) + 1);
        return d.calibration(dz, dy, dx, Double.isNaN(dt) ? interval : dt);
    }
}
