package org.volltrack.btrackmate.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Reads the legacy 11-column BTrackmate CSV ({@code T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,
 * ExtentZ}, pixel units; a first line that does not start with a number is the header, skipped as Python does;
 * peers.md §2.4) with a calibration given by the caller, as
 * BTrackmate did: position = pixel coordinate × calibration, VOLUME = Π extent × calibration (bounding box),
 * RADIUS = radius of the sphere of that volume, QUALITY = Π extent (bounding-box voxel count). LABEL is kept
 * as a feature.
 */
public final class LegacyCsvReader {

    private static final int COLUMNS = 11;

    private LegacyCsvReader() {
    }

    /**
     * Reads the file.
     *
     * @param path        the CSV file
     * @param calibration voxel size and frame interval
     * @return the spots with IDs 0..n-1 in file order
     * @throws IOException        when the file cannot be read
     * @throws SpotInputException on a short row or a non-numeric value (naming the line)
     */
    public static SpotCollection read(final Path path, final Calibration calibration) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "legacy BTrackmate CSV not found");
        }
        final SpotTableBuilder builder = new SpotTableBuilder(calibration.dt);
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            final String first = reader.readLine();
            checkHeader(path, first);
            if (isNumber(first.split(",", -1)[0])) {     // no header line (as Python reads it): the first row is data
                addRow(path + " line 1", first, calibration, builder);
            }
            String line;
            int lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.trim().isEmpty()) {
                    addRow(path + " line " + lineNumber, line, calibration, builder);
                }
            }
        }
        return builder.build(path.toString());
    }

    /**
     * Refuses an empty file and a header that names TrackMate features: such a table is volltrack's spot CSV,
     * which the legacy reader would silently misread column by column.
     */
    private static void checkHeader(final Path path, final String header) {
        if (header == null) {
            throw new SpotInputException(path + ": the file is empty; expected a legacy BTrackmate CSV with a header"
                    + " line and 11 columns T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,ExtentZ");
        }
        for (final String cell : header.split(",")) {
            final String name = cell.trim().replace("\"", "");
            if (name.equals(FeatureKeys.POSITION_X) || name.equals(FeatureKeys.FRAME)) {
                throw new SpotInputException(path + ": the header names TrackMate features (" + name + ", ...), so"
                        + " this is a TrackMate-keyed spot table, not a legacy BTrackmate CSV; drop --legacy");
            }
        }
    }

    private static boolean isNumber(final String cell) {
        try {
            Double.parseDouble(cell.trim());
            return true;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    private static void addRow(final String where, final String line, final Calibration c,
            final SpotTableBuilder builder) {
        final String[] cells = line.split(",");
        if (cells.length < COLUMNS) {
            throw new SpotInputException(where + ": expected 11 columns T,X,Y,Z,Label,Perimeter,Volume,Intensity,"
                    + "ExtentX,ExtentY,ExtentZ, got " + cells.length);
        }
        final double[] v = new double[COLUMNS];
        final String[] names = {"T", "X", "Y", "Z", "Label", "Perimeter", "Volume", "Intensity", "ExtentX",
            "ExtentY", "ExtentZ"};
        for (int i = 0; i < COLUMNS; i++) {
            try {
                v[i] = Double.parseDouble(cells[i].trim());
            } catch (final NumberFormatException e) {
                throw new SpotInputException(where + ": column " + names[i] + ": \"" + cells[i].trim()
                        + "\" is not a number");
            }
        }
        final double voxels = v[8] * v[9] * v[10];
        final double volume = voxels * c.voxelVolume();
        final double radius = Math.cbrt(3.0 * volume / (4.0 * Math.PI));
        final Map<String, Double> features = new LinkedHashMap<>();
        features.put(FeatureKeys.LABEL, v[4]);
        features.put(FeatureKeys.VOLUME, volume);
        builder.add(where, null, v[0], v[1] * c.dx, v[2] * c.dy, v[3] * c.dz, radius, voxels, features);
    }
}
