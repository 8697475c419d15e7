package org.volltrack.btrackmate.tracker;

import java.util.Arrays;

import org.volltrack.btrackmate.util.Interrupts;

/**
 * Jonker–Volgenant linear assignment solver for square sparse cost matrices.
 *
 * <p>Finds the perfect matching of minimum total cost using only the stored entries. The algorithm is the
 * Jonker–Volgenant scheme restricted to stored entries: column reduction (the lowest row wins ties, columns
 * visited from last to first), then one shortest augmenting path per remaining free row, searched with
 * Dijkstra's algorithm on reduced costs {@code c[i][j] - v[j]} and followed by the dual update of the
 * settled columns. Work and memory are proportional to the entries reached, never to n².
 */
public final class SparseLapSolver {

    private SparseLapSolver() {
    }

    /**
     * Solves the assignment problem.
     *
     * @param matrix a square sparse matrix whose stored entries admit a perfect matching
     * @return {@code rowToCol}: the column assigned to each row
     * @throws IllegalArgumentException if the matrix is not square or has no perfect matching
     */
    public static int[] solve(SparseCostMatrix matrix) {
        int n = matrix.nRows();
        if (matrix.nCols() != n) {
            throw new IllegalArgumentException("cost matrix must be square, got " + n + " x " + matrix.nCols());
        }
        State state = new State(matrix);
        state.columnReduction();
        for (int row = 0; row < n; row++) {
            if ((row & 255) == 0) {
                Interrupts.check();
            }
            if (state.rowToCol[row] < 0) {
                state.augment(row);
            }
        }
        return state.rowToCol;
    }

    /** Mutable solver state: assignment, column duals and the Dijkstra work arrays. */
    private static final class State {
        private final SparseCostMatrix m;
        private final int n;
        final int[] rowToCol;
        private final int[] colToRow;
        private final double[] assignedCost;
        private final double[] v;
        private final double[] dist;
        private final int[] pred;
        private final double[] predCost;
        private final int[] reachedStamp;
        private final int[] settledStamp;
        private final int[] settled;
        private final MinHeap heap = new MinHeap();
        private int stamp;

        State(SparseCostMatrix m) {
            this.m = m;
            this.n = m.nRows();
            rowToCol = new int[n];
            colToRow = new int[n];
            assignedCost = new double[n];
            v = new double[n];
            dist = new double[n];
            pred = new int[n];
            predCost = new double[n];
            reachedStamp = new int[n];
            settledStamp = new int[n];
            settled = new int[n];
            Arrays.fill(rowToCol, -1);
            Arrays.fill(colToRow, -1);
        }

        /** v[j] = column minimum; each column tries to take its lowest minimal row. */
        void columnReduction() {
            Arrays.fill(v, Double.POSITIVE_INFINITY);
            int[] argmin = new int[n];
            Arrays.fill(argmin, -1);
            for (int i = 0; i < n; i++) {
                for (int k = m.rowStart(i); k < m.rowEnd(i); k++) {
                    int j = m.column(k);
                    if (m.cost(k) < v[j]) {
                        v[j] = m.cost(k);
                        argmin[j] = i;
                    }
                }
            }
            for (int j = n - 1; j >= 0; j--) {
                int i = argmin[j];
                if (i < 0) {
                    throw new IllegalArgumentException("column " + j + " has no entry: no perfect matching");
                }
                int previous = rowToCol[i];
                if (previous < 0) {
                    assign(i, j, v[j]);
                } else if (v[j] < v[previous]) {
                    colToRow[previous] = -1;
                    assign(i, j, v[j]);
                }
            }
        }

        private void assign(int i, int j, double cost) {
            rowToCol[i] = j;
            colToRow[j] = i;
            assignedCost[i] = cost;
        }

        /** Shortest augmenting path from a free row, then dual update and augmentation. */
        void augment(int freeRow) {
            stamp++;
            heap.clear();
            int nSettled = 0;
            int found = relaxRow(freeRow, 0.0, 0.0, -1);
            while (true) {
                if (found >= 0) {
                    // A free column at the current minimum distance: a shortest augmenting path (JV's rule).
                    updateDuals(nSettled, dist[found]);
                    flipPath(found, freeRow);
                    return;
                }
                if (heap.isEmpty()) {
                    throw new IllegalArgumentException("row " + freeRow + " cannot be assigned: no perfect matching");
                }
                int j = heap.popValue();
                if (settledStamp[j] == stamp) {
                    continue;
                }
                settledStamp[j] = stamp;
                int i = colToRow[j];
                if (i < 0) {
                    updateDuals(nSettled, dist[j]);
                    flipPath(j, freeRow);
                    return;
                }
                settled[nSettled++] = j;
                found = relaxRow(i, dist[j], assignedCost[i] - v[j], j);
            }
        }

        /**
         * Relaxes every unsettled column of {@code row}; {@code rowOffset} is the row's reduced-cost base.
         *
         * @return a free column reached at distance {@code base} (the current minimum), or -1
         */
        private int relaxRow(int row, double base, double rowOffset, int skipCol) {
            int found = -1;
            for (int k = m.rowStart(row); k < m.rowEnd(row); k++) {
                int col = m.column(k);
                if (col == skipCol || settledStamp[col] == stamp) {
                    continue;
                }
                double d = base + (m.cost(k) - v[col]) - rowOffset;
                if (reachedStamp[col] != stamp || d < dist[col]) {
                    reachedStamp[col] = stamp;
                    dist[col] = d;
                    pred[col] = row;
                    predCost[col] = m.cost(k);
                    if (colToRow[col] < 0 && d <= base && found < 0) {
                        found = col;
                    }
                    heap.push(d, col);
                }
            }
            return found;
        }

        private void updateDuals(int nSettled, double mu) {
            for (int s = 0; s < nSettled; s++) {
                int col = settled[s];
                v[col] += dist[col] - mu;
            }
        }

        private void flipPath(int endCol, int freeRow) {
            int j = endCol;
            while (true) {
                int i = pred[j];
                int next = rowToCol[i];
                assign(i, j, predCost[j]);
                if (i == freeRow) {
                    return;
                }
                j = next;
            }
        }
    }

    /** Binary min-heap of (key, value) pairs with lazy deletion by the caller. */
    private static final class MinHeap {
        private double[] keys = new double[64];
        private int[] values = new int[64];
        private int size;

        void clear() {
            size = 0;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(double key, int value) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            int pos = size++;
            while (pos > 0) {
                int parent = (pos - 1) >>> 1;
                if (keys[parent] <= key) {
                    break;
                }
                keys[pos] = keys[parent];
                values[pos] = values[parent];
                pos = parent;
            }
            keys[pos] = key;
            values[pos] = value;
        }

        int popValue() {
            int top = values[0];
            size--;
            double key = keys[size];
            int value = values[size];
            int pos = 0;
            while (true) {
                int child = 2 * pos + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && keys[child + 1] < keys[child]) {
                    child++;
                }
                if (keys[child] >= key) {
                    break;
                }
                keys[pos] = keys[child];
                values[pos] = values[child];
                pos = child;
            }
            keys[pos] = key;
            values[pos] = value;
            return top;
        }
    }
}
