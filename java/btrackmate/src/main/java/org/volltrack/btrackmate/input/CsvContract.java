package org.volltrack.btrackmate.input;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The spot CSV contract shared with volltrack's Python reader ({@code volltrack.spots.csv_contract}; rules in
 * {@code docs/csv-contract.md}, shared test vectors in {@code tests/data/csv_contract/}): what counts as a number,
 * which columns need a number in every row, and the header and row-length checks. A file that breaks a rule is
 * refused with one line naming the file, the line and the column; nothing is guessed.
 */
public final class CsvContract {

    /** A number: a decimal, or nan / inf / infinity with an optional sign, in any case (same as the Python side). */
    public static final Pattern NUMBER = Pattern.compile(
            "[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:nan|inf|infinity))");

    /** Columns that need a number in every row when present. */
    public static final Set<String> CORE = new HashSet<>(Arrays.asList("ID", "FRAME", "POSITION_X", "POSITION_Y",
            "POSITION_Z", "POSITION_T", "RADIUS", "QUALITY"));

    /** Largest spot ID (Java int). */
    public static final long MAX_SPOT_ID = Integer.MAX_VALUE;

    private CsvContract() {
    }

    /**
     * Parses a trimmed cell under the contract's number rule.
     *
     * @param cell the text
     * @return its value
     * @throws NumberFormatException when the text is not a number under the contract
     */
    public static double parse(final String cell) {
        if (!NUMBER.matcher(cell).matches()) {
            throw new NumberFormatException("not a number: " + cell);
        }
        final String lower = cell.toLowerCase(Locale.ROOT);
        final boolean negative = lower.startsWith("-");
        final String body = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (body.equals("nan")) {
            return Double.NaN;
        }
        if (body.equals("inf") || body.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(cell);
    }

    /**
     * @param cell a trimmed cell
     * @return whether it is a number under the contract
     */
    public static boolean isNumber(final String cell) {
        return NUMBER.matcher(cell).matches();
    }

    /**
     * Refuses a header naming one column twice.
     *
     * @param path  the file
     * @param names the trimmed header names, in order
     * @throws SpotInputException on a duplicated name
     */
    public static void checkHeader(final Path path, final List<String> names) {
        final Set<String> seen = new HashSet<>();
        for (final String name : names) {
            if (name != null && !name.isEmpty() && !seen.add(name)) {
                throw new SpotInputException(path + ": duplicated column " + name + " in the header (line 1); each "
                        + "column name must appear once");
            }
        }
    }

    /**
     * Refuses a row with another number of fields than the header.
     *
     * @param path     the file
     * @param line     the row's line number (the header is line 1)
     * @param fields   the row's number of fields
     * @param expected the header's number of fields
     * @throws SpotInputException when they differ
     */
    public static void checkRowLength(final Path path, final long line, final int fields, final int expected) {
        if (fields != expected) {
            throw new SpotInputException(path + ": line " + line + " has " + fields + " fields, expected " + expected
                    + " (one per header column)");
        }
    }
}
