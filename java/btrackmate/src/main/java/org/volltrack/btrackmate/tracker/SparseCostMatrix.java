package org.volltrack.btrackmate.tracker;

import java.util.Arrays;

/**
 * An immutable sparse cost matrix in compressed-sparse-row (CSR) layout.
 *
 * <p>Entries that are not stored are forbidden assignments. Within a row the column indices are strictly
 * increasing. Built with {@link Builder}, which accepts entries in any order.
 */
public final class SparseCostMatrix {

    private final int nRows;
    private final int nCols;
    private final int[] rowStart;
    private final int[] cols;
    private final double[] costs;

    private SparseCostMatrix(int nRows, int nCols, int[] rowStart, int[] cols, double[] costs) {
        this.nRows = nRows;
        this.nCols = nCols;
        this.rowStart = rowStart;
        this.cols = cols;
        this.costs = costs;
    }

    /** @return the number of rows. */
    public int nRows() {
        return nRows;
    }

    /** @return the number of columns. */
    public int nCols() {
        return nCols;
    }

    /** @return the number of stored entries. */
    public int cardinality() {
        return cols.length;
    }

    /**
     * @param row a row index
     * @return the index in {@link #column(int)} / {@link #cost(int)} of the row's first entry
     */
    public int rowStart(int row) {
        return rowStart[row];
    }

    /**
     * @param row a row index
     * @return one past the index of the row's last entry
     */
    public int rowEnd(int row) {
        return rowStart[row + 1];
    }

    /**
     * @param entry an entry index
     * @return the column of that entry
     */
    public int column(int entry) {
        return cols[entry];
    }

    /**
     * @param entry an entry index
     * @return the cost of that entry
     */
    public double cost(int entry) {
        return costs[entry];
    }

    /**
     * Looks up one cost.
     *
     * @param row a row index
     * @param col a column index
     * @return the stored cost, or {@code Double.NaN} when the pair is not stored
     */
    public double get(int row, int col) {
        int k = Arrays.binarySearch(cols, rowStart[row], rowStart[row + 1], col);
        return k >= 0 ? costs[k] : Double.NaN;
    }

    /** Accumulates (row, column, cost) triplets and builds the CSR matrix. */
    public static final class Builder {
        private final int nRows;
        private final int nCols;
        /** The entries as added: (row, column, cost) triplets. */
        private final LapEdges entries = new LapEdges();

        /**
         * @param nRows number of rows (&ge; 0)
         * @param nCols number of columns (&ge; 0)
         */
        public Builder(int nRows, int nCols) {
            if (nRows < 0 || nCols < 0) {
                throw new IllegalArgumentException("matrix size must be >= 0, got " + nRows + " x " + nCols);
            }
            this.nRows = nRows;
            this.nCols = nCols;
        }

        /**
         * Adds one entry. Adding the same (row, column) twice is an error detected by {@link #build()}.
         *
         * @param row row index
         * @param col column index
         * @param cost finite cost
         * @return this builder
         */
        public Builder add(int row, int col, double cost) {
            if (row < 0 || row >= nRows || col < 0 || col >= nCols) {
                throw new IndexOutOfBoundsException("entry (" + row + ", " + col + ") outside " + nRows + " x " + nCols);
            }
            if (!Double.isFinite(cost)) {
                throw new IllegalArgumentException("cost of (" + row + ", " + col + ") must be finite, got " + cost);
            }
            entries.add(row, col, cost);
            return this;
        }

        /** @return the CSR matrix; throws IllegalArgumentException on a duplicate entry */
        public SparseCostMatrix build() {
            int size = entries.size();
            int[] start = new int[nRows + 1];
            for (int k = 0; k < size; k++) {
                start[entries.source(k) + 1]++;
            }
            for (int r = 0; r < nRows; r++) {
                start[r + 1] += start[r];
            }
            int[] fill = Arrays.copyOf(start, nRows);
            int[] outCols = new int[size];
            double[] outCosts = new double[size];
            for (int k = 0; k < size; k++) {
                int pos = fill[entries.source(k)]++;
                outCols[pos] = entries.target(k);
                outCosts[pos] = entries.cost(k);
            }
            for (int r = 0; r < nRows; r++) {
                sortRow(outCols, outCosts, start[r], start[r + 1], r);
            }
            return new SparseCostMatrix(nRows, nCols, start, outCols, outCosts);
        }

        private static void sortRow(int[] c, double[] v, int from, int to, int row) {
            for (int i = from + 1; i < to; i++) {
                if (c[i] <= c[i - 1]) {
                    packedSortRow(c, v, from, to);
                    checkNoDuplicate(c, from, to, row);
                    return;
                }
            }
        }

        /** Sorts a row by column, stably: (column, position) packed in a long, sorted by Arrays.sort. */
        private static void packedSortRow(int[] c, double[] v, int from, int to) {
            long[] keys = new long[to - from];
            for (int i = from; i < to; i++) {
                keys[i - from] = ((long) c[i] << 32) | (i - from);
            }
            Arrays.sort(keys);
            double[] values = Arrays.copyOfRange(v, from, to);
            for (int i = 0; i < keys.length; i++) {
                c[from + i] = (int) (keys[i] >>> 32);
                v[from + i] = values[(int) keys[i]];
            }
        }

        private static void checkNoDuplicate(int[] c, int from, int to, int row) {
            for (int i = from + 1; i < to; i++) {
                if (c[i] == c[i - 1]) {
                    throw new IllegalArgumentException("duplicate entry (" + row + ", " + c[i] + ")");
                }
            }
        }
    }
}
