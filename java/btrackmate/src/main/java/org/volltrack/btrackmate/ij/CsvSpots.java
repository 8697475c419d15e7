package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Spots from a CSV spot table: volltrack's table (header of TrackMate keys: FRAME, POSITION_X, POSITION_Y
 * required; POSITION_Z, RADIUS, QUALITY optional; every other numeric column an extra feature), or the legacy
 * BTrackmate table (positional T,X,Y,Z,Label,Perimeter,Volume,Intensity,... in pixels, header skipped), scaled by
 * the calibration given.
 */
public final class CsvSpots {

    private static final String[] LEGACY = {"FRAME", "X", "Y", "Z", "LABEL", "PERIMETER", "VOLUME",
        "MEAN_INTENSITY_CH1"};

    private CsvSpots() {
    }

    /**
     * Reads a spot table.
     *
     * @param csv the file
     * @param calibration (x, y, z) pixel sizes for legacy tables; entries &lt;= 0 mean 1
     * @return the spots
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file, row and column of a bad value or missing column
     */
    public static SpotArrays read(final File csv, final double[] calibration) throws IOException {
        try (Reader in = Files.newBufferedReader(csv.toPath(), StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                        .setIgnoreSurroundingSpaces(true).build().parse(in)) {
            final List<String> header = parser.getHeaderNames();
            final boolean legacy = !header.contains("POSITION_X");
            if (!legacy && !header.contains("FRAME")) {
                throw new IllegalArgumentException("BTrackmate: " + csv + ": column FRAME is missing (columns: "
                        + header + ")");
            }
            final SpotArrays out = new SpotArrays();
            for (final CSVRecord record : parser) {
                if (legacy) {
                    addLegacy(out, record, csv, calibration);
                } else {
                    addTable(out, record, header, csv);
                }
            }
            if (out.size() == 0) {
                throw new IllegalArgumentException("BTrackmate: " + csv + " holds no spots");
            }
            return out;
        }
    }

    private static void addTable(final SpotArrays out, final CSVRecord r, final List<String> header, final File csv) {
        final Map<String, Double> extra = new LinkedHashMap<>();
        for (final String column : header) {
            if (!column.startsWith("POSITION_") && !"FRAME".equals(column) && !"RADIUS".equals(column)
                    && !"QUALITY".equals(column) && !column.isEmpty()) {
                final Double v = number(r, column, csv, true);
                if (v != null) {
                    extra.put(column, v);
                }
            }
        }
        final Double z = header.contains("POSITION_Z") ? number(r, "POSITION_Z", csv, false) : 0.0;
        final Double radius = header.contains("RADIUS") ? number(r, "RADIUS", csv, false) : 1.0;
        final Double quality = header.contains("QUALITY") ? number(r, "QUALITY", csv, false) : 1.0;
        out.add(frame(number(r, "FRAME", csv, false), r, csv), number(r, "POSITION_X", csv, false),
                number(r, "POSITION_Y", csv, false), z, radius, quality, extra);
    }

    private static void addLegacy(final SpotArrays out, final CSVRecord r, final File csv, final double[] cal) {
        if (r.size() < 4) {
            throw new IllegalArgumentException("BTrackmate: " + csv + " line " + (r.getRecordNumber() + 1)
                    + ": expected at least T,X,Y,Z (legacy BTrackmate table), got " + r.size() + " values");
        }
        final double[] v = new double[Math.min(r.size(), LEGACY.length)];
        for (int i = 0; i < v.length; i++) {
            v[i] = parse(r.get(i), LEGACY[i], r, csv);
        }
        final double sx = cal[0] > 0 ? cal[0] : 1;
        final double sy = cal[1] > 0 ? cal[1] : 1;
        final double sz = cal[2] > 0 ? cal[2] : 1;
        final Map<String, Double> extra = new LinkedHashMap<>();
        if (v.length > 4) {
            extra.put("LABEL", v[4]);
        }
        double radius = 1.0;
        if (v.length > 6) {
            final double volume = v[6] * sx * sy * sz;
            extra.put("VOLUME", volume);
            radius = Math.cbrt(3.0 * volume / (4.0 * Math.PI));
        }
        if (v.length > 7) {
            extra.put("MEAN_INTENSITY_CH1", v[7]);
        }
        out.add(frame(v[0], r, csv), v[1] * sx, v[2] * sy, v[3] * sz, radius, v.length > 6 ? v[6] : 1.0, extra);
    }

    private static int frame(final double value, final CSVRecord r, final File csv) {
        if (value < 0 || value != Math.rint(value)) {
            throw new IllegalArgumentException("BTrackmate: " + csv + " line " + (r.getRecordNumber() + 1)
                    + ": FRAME must be a whole number >= 0, got " + value);
        }
        return (int) value;
    }

    private static Double number(final CSVRecord r, final String column, final File csv, final boolean lenient) {
        final String text = r.isMapped(column) && r.isSet(column) ? r.get(column) : "";
        if (text.isEmpty()) {
            if (lenient) {
                return null;
            }
            throw new IllegalArgumentException("BTrackmate: " + csv + " line " + (r.getRecordNumber() + 1)
                    + ": column " + column + " is empty");
        }
        try {
            return Double.parseDouble(text);
        } catch (final NumberFormatException e) {
            if (lenient) {
                return null;
            }
            throw new IllegalArgumentException("BTrackmate: " + csv + " line " + (r.getRecordNumber() + 1)
                    + ": column " + column + " must be a number, got '" + text + "'");
        }
    }

    private static double parse(final String text, final String name, final CSVRecord r, final File csv) {
        try {
            final double v = Double.parseDouble(text.trim());
            if (Double.isNaN(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("BTrackmate: " + csv + " line " + (r.getRecordNumber() + 1)
                    + ": " + name + " must be a number, got '" + text + "'");
        }
    }
}
