package org.volltrack.btrackmate.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * The fast path of {@link SpotCsvReader} for the common, clean case: one pass over the bytes, no quoting, a
 * header of distinct TrackMate feature keys, every cell of a used column a number. Anything else (quotes,
 * extra header rows, text cells, an invalid value, a header the general reader would warn about) makes it give
 * up and return null, and the general reader then reads the file with its full rules and exact messages; so
 * this path never changes a result, only the time to get it.
 */
final class FastSpotCsv {

    private static final int CHUNK = 1 << 16;

    private final Path path;
    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkLength;
    private int chunkPos;
    private byte[] line = new byte[256];
    private int lineLength;
    private final int[] cellStart = new int[256];
    private final int[] cellEnd = new int[256];

    private FastSpotCsv(final Path path, final InputStream in) {
        this.path = path;
        this.in = in;
    }

    /**
     * @param path          the CSV file (exists)
     * @param frameInterval dt for POSITION_T
     * @return the spots, or null when the general reader must handle this file
     * @throws IOException when the file cannot be read
     */
    static SpotCollection tryRead(final Path path, final double frameInterval) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new FastSpotCsv(path, in).read(frameInterval);
        } catch (final GiveUp | SpotInputException e) {
            return null;
        }
    }

    /** Thrown internally to leave the fast path. */
    static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    private SpotCollection read(final double frameInterval) throws IOException {
        if (!nextLine()) {
            throw new GiveUp();
        }
        skipBom();
        for (int i = 0; i < lineLength; i++) {
            if ((line[i] & 0xFF) <= ' ') {
                throw new GiveUp();
            }
        }
        final int nHeader = splitCells();
        final List<String> names = new ArrayList<>();
        final Set<String> distinct = new HashSet<>();
        final int[] column = new int[nHeader];
        for (int c = 0; c < nHeader; c++) {
            final String name = text(c);
            column[c] = -1;
            if (FeatureKeys.isValidKey(name)) {
                if (!distinct.add(name)) {
                    throw new GiveUp();
                }
                column[c] = names.size();
                names.add(name);
            } else if (!name.isEmpty() && !name.startsWith("Unnamed:")) {
                throw new GiveUp();
            }
        }
        final SpotCsvColumns cols = new SpotCsvColumns(names);
        final SpotTableBuilder builder = new SpotTableBuilder(frameInterval);
        final double[] values = new double[names.size()];
        final boolean[] present = new boolean[names.size()];
        final String where = path.toString();
        while (nextLine()) {
            if (lineLength == 0) {
                continue;
            }
            final int n = splitCells();
            if (n != nHeader) {
                throw new GiveUp();          // the general reader refuses it with the line number
            }
            java.util.Arrays.fill(present, false);
            for (int c = 0; c < Math.min(n, nHeader); c++) {
                if (column[c] >= 0 && cellEnd[c] > cellStart[c]) {
                    values[column[c]] = number(c);
                    present[column[c]] = true;
                }
            }
            cols.add(where, values, present, builder);
        }
        return builder.build(where);
    }

    private void skipBom() {
        if (lineLength >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
            System.arraycopy(line, 3, line, 0, lineLength - 3);
            lineLength -= 3;
        }
    }

    /** Reads the next line (without its CR LF / LF) into {@link #line}; false at the end of the file. */
    private boolean nextLine() throws IOException {
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkLength) {
                chunkLength = in.read(chunk, 0, CHUNK);
                chunkPos = 0;
                if (chunkLength <= 0) {
                    chunkLength = 0;
                    return any;
                }
            }
            any = true;
            int end = chunkPos;
            while (end < chunkLength && chunk[end] != '\n') {
                end++;
            }
            append(chunkPos, end);
            if (end < chunkLength) {
                chunkPos = end + 1;
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            chunkPos = chunkLength;
        }
    }

    private void append(final int from, final int to) {
        final int n = to - from;
        if (lineLength + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(2 * line.length, lineLength + n));
        }
        System.arraycopy(chunk, from, line, lineLength, n);
        lineLength += n;
    }

    /** Splits {@link #line} at commas into trimmed cells; gives up on quotes, CR or too many cells. */
    private int splitCells() {
        int n = 0;
        int start = 0;
        for (int i = 0; i <= lineLength; i++) {
            final byte b = i < lineLength ? line[i] : (byte) ',';
            if (b == '"' || b == '\r') {
                throw new GiveUp();
            }
            if (b == ',') {
                if (n == cellStart.length) {
                    throw new GiveUp();
                }
                int s = start;
                int e = i;
                while (s < e && (line[s] & 0xFF) <= ' ') {
                    s++;
                }
                while (e > s && (line[e - 1] & 0xFF) <= ' ') {
                    e--;
                }
                cellStart[n] = s;
                cellEnd[n] = e;
                n++;
                start = i + 1;
            }
        }
        return n;
    }

    private String text(final int c) {
        return new String(line, cellStart[c], cellEnd[c] - cellStart[c], StandardCharsets.UTF_8);
    }

    /** The cell as a number with {@link SpotCsvReader#parseNumber}'s rules; gives up on anything else. */
    private double number(final int c) {
        final int s = cellStart[c];
        final int e = cellEnd[c];
        boolean plain = true;
        for (int i = s; i < e && plain; i++) {
            final byte b = line[i];
            plain = b >= '0' && b <= '9' || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E';
        }
        if (plain) {
            final long integer = plainInteger(s, e);
            if (integer != Long.MIN_VALUE) {
                return integer;
            }
        }
        final String cell = new String(line, s, e - s, StandardCharsets.ISO_8859_1);
        try {
            return SpotCsvReader.parseNumber(cell);
        } catch (final NumberFormatException ex) {
            throw new GiveUp();
        }
    }

    /** A short optionally signed run of digits as a long, else Long.MIN_VALUE (parse it as a double then). */
    private long plainInteger(final int s, final int e) {
        int i = s;
        final boolean negative = i < e && line[i] == '-';
        if (negative) {
            i++;
        }
        if (i == e || e - i > 15 || negative && e - i == 1 && line[i] == '0') {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < e; i++) {
            final byte b = line[i];
            if (b < '0' || b > '9') {
                return Long.MIN_VALUE;
            }
            value = 10 * value + (b - '0');
        }
        return negative ? -value : value;
    }
}
