package org.volltrack.btrackmate.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Reads a spot table CSV whose header names TrackMate spot features: {@code FRAME}, {@code POSITION_X},
 * {@code POSITION_Y} are required; {@code POSITION_Z} (default 0), {@code RADIUS} (default 1), {@code QUALITY}
 * (default 1), {@code POSITION_T} (default FRAME × dt) and an {@code ID} column (kept as spot ID) are optional.
 * Every other column whose values are all numbers becomes a spot feature (an empty cell leaves the feature
 * unset); non-numeric columns are skipped. Up to three leading non-numeric rows (TrackMate's own table export
 * has name/short-name/unit rows) are skipped.
 */
public final class SpotCsvReader {

    private static final Logger LOG = Logger.getLogger(SpotCsvReader.class.getName());
    private static final int MAX_EXTRA_HEADER_ROWS = 3;
    private static final String ID = "ID";

    private SpotCsvReader() {
    }

    /**
     * Reads the file.
     *
     * @param path          the CSV file
     * @param frameInterval dt for POSITION_T when the file has no POSITION_T column
     * @return the spots, with frame keys 0..last frame
     * @throws IOException        when the file cannot be read
     * @throws SpotInputException on a missing column or an invalid value (naming the line and column)
     */
    public static SpotCollection read(final Path path, final double frameInterval) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "spot CSV not found");
        }
        final SpotCollection fast = FastSpotCsv.tryRead(path, frameInterval);
        return fast != null ? fast : readGeneral(path, frameInterval);
    }

    /**
     * The general reader (commons-csv, two passes), used when the fast path gives up; package-private for tests.
     *
     * @param path          the CSV file
     * @param frameInterval dt for POSITION_T
     * @return the spots
     * @throws IOException on read errors
     */
    static SpotCollection readGeneral(final Path path, final double frameInterval) throws IOException {
        final List<String> numericColumns = numericFeatureColumns(path);
        final SpotTableBuilder builder = new SpotTableBuilder(frameInterval);
        try (CSVParser parser = open(path)) {
            final Map<String, Integer> header = parser.getHeaderMap();
            boolean dataSeen = false;
            for (final CSVRecord row : parser) {
                if (!dataSeen && row.getRecordNumber() <= MAX_EXTRA_HEADER_ROWS && isExtraHeaderRow(row)) {
                    continue;
                }
                dataSeen = true;
                addRow(path, row, header, numericColumns, builder);
            }
        } catch (final IllegalStateException | java.io.UncheckedIOException e) {
            throw new SpotInputException(path + ": malformed CSV: " + e.getMessage(), e);
        }
        return builder.build(path.toString());
    }

    private static CSVParser open(final Path path) throws IOException {
        final java.io.PushbackReader reader = new java.io.PushbackReader(
                Files.newBufferedReader(path, StandardCharsets.UTF_8));
        final int first = reader.read();
        if (first >= 0 && first != '\uFEFF') {
            reader.unread(first);
        }
        final CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setTrim(true).setIgnoreEmptyLines(true).setAllowMissingColumnNames(true)
                .setDuplicateHeaderMode(org.apache.commons.csv.DuplicateHeaderMode.ALLOW_ALL).build();
        try {
            final CSVParser parser = CSVParser.parse(reader, format);
            CsvContract.checkHeader(path, parser.getHeaderNames());
            return parser;
        } catch (final IllegalArgumentException e) {
            reader.close();
            throw new SpotInputException(path + ": bad CSV header: " + e.getMessage(), e);
        }
    }

    private static void addRow(final Path path, final CSVRecord row, final Map<String, Integer> header,
            final List<String> numericColumns, final SpotTableBuilder builder) {
        final String where = path + ": line " + (row.getParser().getCurrentLineNumber());
        CsvContract.checkRowLength(path, row.getParser().getCurrentLineNumber(), row.size(),
                row.getParser().getHeaderNames().size());
        final Map<String, Double> values = new LinkedHashMap<>();
        for (final String column : numericColumns) {
            final String cell = cell(row, header, column);
            if (cell != null && !cell.isEmpty()) {
                values.put(column, parse(where, column, cell));
            } else if (CsvContract.CORE.contains(column)) {
                throw new SpotInputException(where + ": column " + column + " is empty; every row needs a number "
                        + "there");
            }
        }
        final Integer id = values.containsKey(ID) ? requireInt(where, values.remove(ID)) : null;
        final double frame = required(where, values, FeatureKeys.FRAME);
        final double x = required(where, values, FeatureKeys.POSITION_X);
        final double y = required(where, values, FeatureKeys.POSITION_Y);
        final double z = optional(values, FeatureKeys.POSITION_Z, 0.0);
        final double radius = optional(values, FeatureKeys.RADIUS, 1.0);
        final double quality = optional(values, FeatureKeys.QUALITY, 1.0);
        values.remove(FeatureKeys.VISIBILITY);
        builder.add(where, id, frame, x, y, z, radius, quality, values);
    }

    private static double required(final String where, final Map<String, Double> values, final String key) {
        final Double value = values.remove(key);
        if (value == null) {
            throw new SpotInputException(where + ": column " + key + " is empty");
        }
        return value;
    }

    private static double optional(final Map<String, Double> values, final String key, final double fallback) {
        final Double value = values.remove(key);
        return value == null ? fallback : value;
    }

    private static int requireInt(final String where, final double value) {
        if (value != Math.rint(value) || value < 0 || value > CsvContract.MAX_SPOT_ID) {
            throw new SpotInputException(where + ": spot ID must be an integer from 0 to " + CsvContract.MAX_SPOT_ID
                    + ", got " + value);
        }
        return (int) value;
    }

    /** A number under the CSV contract ({@link CsvContract#NUMBER}); NumberFormatException otherwise. */
    static double parseNumber(final String cell) {
        return CsvContract.parse(cell);
    }

    private static double parse(final String where, final String column, final String cell) {
        try {
            return parseNumber(cell);
        } catch (final NumberFormatException e) {
            throw new SpotInputException(where + ": column " + column + ": '" + cell + "' is not a number");
        }
    }

    private static String cell(final CSVRecord row, final Map<String, Integer> header, final String column) {
        final Integer index = header.get(column);
        return index == null || index >= row.size() ? null : row.get(index);
    }

    /** A leading row whose FRAME and POSITION cells hold text or nothing, never a number. */
    private static boolean isExtraHeaderRow(final CSVRecord row) {
        boolean text = false;
        for (final String key : new String[] {FeatureKeys.FRAME, FeatureKeys.POSITION_X, FeatureKeys.POSITION_Y}) {
            final String cell = row.isMapped(key) && row.isSet(key) ? row.get(key) : "";
            if (!cell.isEmpty() && isNumber(cell)) {
                return false;
            }
            text |= !cell.isEmpty();
        }
        return text;
    }

    private static boolean isNumber(final String text) {
        try {
            parseNumber(text);
            return true;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    /** First pass: header check, and the columns all of whose data cells are numbers or empty. */
    private static List<String> numericFeatureColumns(final Path path) throws IOException {
        try (CSVParser parser = open(path)) {
            final List<String> names = new ArrayList<>();
            final int width = parser.getHeaderNames().size();
            for (final String name : parser.getHeaderNames()) {
                if (name != null && FeatureKeys.isValidKey(name)) {
                    names.add(name);
                } else if (name != null && !name.isEmpty() && !name.startsWith("Unnamed:")) {
                    LOG.warning(path + ": column \"" + name + "\" is not a valid TrackMate feature name "
                            + "(letters, digits, _); not used");
                }
            }
            for (final String key : new String[] {FeatureKeys.FRAME, FeatureKeys.POSITION_X,
                FeatureKeys.POSITION_Y}) {
                if (!names.contains(key)) {
                    throw new SpotInputException(path + ": missing column(s) " + key + "; the header "
                            + "must name TrackMate spot features (FRAME, POSITION_X, POSITION_Y, optional "
                            + "POSITION_Z, RADIUS, QUALITY, ID); found " + names);
                }
            }
            final List<String> numeric = new ArrayList<>(names);
            boolean dataSeen = false;
            for (final CSVRecord row : parser) {
                CsvContract.checkRowLength(path, parser.getCurrentLineNumber(), row.size(), width);
                if (!dataSeen && row.getRecordNumber() <= MAX_EXTRA_HEADER_ROWS && isExtraHeaderRow(row)) {
                    continue;
                }
                dataSeen = true;
                numeric.removeIf(column -> {
                    final String cell = cell(row, parser.getHeaderMap(), column);
                    return cell != null && !cell.isEmpty() && !isNumber(cell) && !isRequired(column);
                });
            }
            for (final String name : names) {
                if (!numeric.contains(name)) {
                    LOG.warning(path + ": column " + name + " holds text; not used as a spot feature");
                }
            }
            return numeric;
        } catch (final IllegalStateException | java.io.UncheckedIOException e) {
            throw new SpotInputException(path + ": malformed CSV: " + e.getMessage(), e);
        }
    }

    private static boolean isRequired(final String column) {
        return CsvContract.CORE.contains(column);
    }
}
