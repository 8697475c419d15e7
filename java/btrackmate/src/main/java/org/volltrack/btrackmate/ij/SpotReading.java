package org.volltrack.btrackmate.ij;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.volltrack.btrackmate.image.CentroidTissueFeatures;
import org.volltrack.btrackmate.image.ImageVolume;
import org.volltrack.btrackmate.image.LabelImageSpots;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.LegacyCsvReader;
import org.volltrack.btrackmate.input.SpotCsvReader;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Reads spots with the engine's readers from what a Fiji user has: a label image TIFF (+ raw, + tissue mask) or a
 * CSV spot table (volltrack's TrackMate-key table, or the legacy BTrackmate table in pixels) with an optional
 * tissue mask. Shared by the ImageJ1 command and the TrackMate detector.
 */
public final class SpotReading {

    private SpotReading() {
    }

    /**
     * @param file a file name
     * @return true for a .csv file (case-insensitive)
     */
    public static boolean isCsv(final File file) {
        return file.getName().toLowerCase().endsWith(".csv");
    }

    /**
     * Reads a label image.
     *
     * @param labels label image TIFF
     * @param raw raw image TIFF, or null
     * @param mask tissue mask TIFF, or null
     * @param calibration calibration, or null for the label image's own
     * @return the spots, the calibration used and the label image
     * @throws IOException when a file cannot be read
     */
    public static LabelImageSpots.Result labels(final Path labels, final Path raw, final Path mask,
            final Calibration calibration) throws IOException {
        return LabelImageSpots.read(labels, raw, mask, calibration);
    }

    /**
     * Reads a CSV spot table.
     *
     * @param csv the table
     * @param mask tissue mask TIFF giving the tissue features by the centroid test, or null
     * @param calibration voxel size (legacy tables, mask) and frame interval
     * @return the spots
     * @throws IOException when a file cannot be read
     */
    public static SpotCollection csv(final Path csv, final Path mask, final Calibration calibration)
            throws IOException {
        final SpotCollection spots = isVolltrackTable(csv) ? SpotCsvReader.read(csv, calibration.dt)
                : LegacyCsvReader.read(csv, calibration);
        if (mask != null) {
            CentroidTissueFeatures.compute(spots, ImageVolume.open(mask), calibration);
        }
        return spots;
    }

    private static boolean isVolltrackTable(final Path csv) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            final String header = reader.readLine();
            return header != null && header.contains("POSITION_X");
        }
    }
}
