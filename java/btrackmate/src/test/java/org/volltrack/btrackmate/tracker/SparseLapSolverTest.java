package org.volltrack.btrackmate.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks the sparse Jonker–Volgenant solver against exhaustive search on small random matrices. */
class SparseLapSolverTest {

    private static final double NO_ENTRY = Double.NaN;

    @Test
    void matchesBruteForceOnRandomSparseMatrices() {
        Random random = new Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(7);
            double[][] dense = randomSparse(random, n, 0.2 + 0.7 * random.nextDouble());
            SparseCostMatrix matrix = toSparse(dense);
            int[] solved = SparseLapSolver.solve(matrix);
            int[] best = bruteForce(dense);
            assertEquals(total(dense, best), total(dense, solved), 1e-9, "trial " + trial);
            assertArrayEquals(best, solved, "trial " + trial + ": unique optimum expected");
        }
    }

    @Test
    void jaqamanLinkerMatchesBruteForceOverMatchings() {
        Random random = new Random(7);
        for (int trial = 0; trial < 1000; trial++) {
            int nR = 1 + random.nextInt(5);
            int nC = 1 + random.nextInt(5);
            double[][] c = new double[nR][nC];
            int[] rows = new int[nR * nC];
            int[] cols = new int[nR * nC];
            double[] costs = new double[nR * nC];
            int nCand = 0;
            for (int i = 0; i < nR; i++) {
                for (int j = 0; j < nC; j++) {
                    c[i][j] = random.nextDouble() < 0.6 ? 0.01 + random.nextDouble() : NO_ENTRY;
                    if (!Double.isNaN(c[i][j])) {
                        rows[nCand] = i;
                        cols[nCand] = j;
                        costs[nCand++] = c[i][j];
                    }
                }
            }
            double alt = 0.3 + random.nextDouble();
            int[] links = JaqamanLinker.link(nR, nC, rows, cols, costs, nCand, alt);
            double got = 0;
            for (int i = 0; i < nR; i++) {
                if (links[i] >= 0) {
                    got += c[i][links[i]] - alt;
                }
            }
            assertEquals(bestMatching(c, 0, new boolean[nC], alt), got, 1e-9, "trial " + trial);
        }
    }

    @Test
    void refusesNonSquareAndInfeasibleMatrices() {
        SparseCostMatrix rect = new SparseCostMatrix.Builder(2, 3).add(0, 0, 1).build();
        assertThrows(IllegalArgumentException.class, () -> SparseLapSolver.solve(rect));
        SparseCostMatrix infeasible = new SparseCostMatrix.Builder(2, 2).add(0, 0, 1).add(1, 0, 1).build();
        assertThrows(IllegalArgumentException.class, () -> SparseLapSolver.solve(infeasible));
        assertThrows(IllegalArgumentException.class,
                () -> new SparseCostMatrix.Builder(2, 2).add(0, 0, 1).add(0, 0, 2).build());
    }

    @Test
    void largeChainIsSolvedQuickly() {
        int n = 200_000;
        SparseCostMatrix.Builder builder = new SparseCostMatrix.Builder(n, n);
        for (int i = 0; i < n; i++) {
            builder.add(i, i, 2.0);
            builder.add(i, (i + 1) % n, 1.0 + (i % 3) * 1e-3);
        }
        int[] solved = SparseLapSolver.solve(builder.build());
        for (int i = 0; i < n; i++) {
            assertEquals((i + 1) % n, solved[i]);
        }
    }

    private static double bestMatching(double[][] c, int row, boolean[] used, double alt) {
        if (row == c.length) {
            return 0;
        }
        double best = bestMatching(c, row + 1, used, alt);
        for (int j = 0; j < used.length; j++) {
            if (!used[j] && !Double.isNaN(c[row][j])) {
                used[j] = true;
                best = Math.min(best, c[row][j] - alt + bestMatching(c, row + 1, used, alt));
                used[j] = false;
            }
        }
        return best;
    }

    private static double[][] randomSparse(Random random, int n, double density) {
        double[][] dense = new double[n][n];
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean keep = perm[i] == j || random.nextDouble() < density;
                dense[i][j] = keep ? 0.001 + 10 * random.nextDouble() : NO_ENTRY;
            }
        }
        return dense;
    }

    private static SparseCostMatrix toSparse(double[][] dense) {
        SparseCostMatrix.Builder builder = new SparseCostMatrix.Builder(dense.length, dense.length);
        for (int i = dense.length - 1; i >= 0; i--) {
            for (int j = dense.length - 1; j >= 0; j--) {
                if (!Double.isNaN(dense[i][j])) {
                    builder.add(i, j, dense[i][j]);
                }
            }
        }
        return builder.build();
    }

    private static double total(double[][] dense, int[] assignment) {
        double sum = 0;
        for (int i = 0; i < assignment.length; i++) {
            sum += dense[i][assignment[i]];
        }
        return sum;
    }

    private static int[] bruteForce(double[][] dense) {
        int n = dense.length;
        int[] best = new int[n];
        double[] bestCost = {Double.POSITIVE_INFINITY};
        permute(dense, new int[n], new boolean[n], 0, 0.0, best, bestCost);
        return best;
    }

    private static void permute(double[][] d, int[] cur, boolean[] used, int row, double acc, int[] best,
            double[] bestCost) {
        if (row == d.length) {
            if (acc < bestCost[0]) {
                bestCost[0] = acc;
                System.arraycopy(cur, 0, best, 0, cur.length);
            }
            return;
        }
        for (int j = 0; j < d.length; j++) {
            if (!used[j] && !Double.isNaN(d[row][j])) {
                used[j] = true;
                cur[row] = j;
                permute(d, cur, used, row + 1, acc + d[row][j], best, bestCost);
                used[j] = false;
            }
        }
    }
}
