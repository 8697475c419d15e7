package org.volltrack.btrackmate.tracker;

/**
 * Solves one linking problem with TrackMate's Jaqaman block matrix.
 *
 * <p>Given {@code nR} sources (rows), {@code nC} targets (columns), sparse candidate costs and an alternative
 * ("no link") cost A, it builds the (nR + nC) square matrix
 *
 * <pre>
 *   TL: candidate costs        TR: A on (i, nC + i)
 *   BL: A on (nR + j, j)       BR: A on (nR + j, nC + i) for every candidate (i, j)
 * </pre>
 *
 * solves it with {@link SparseLapSolver} and reports the assigned candidate pairs.
 */
public final class JaqamanLinker {

    private JaqamanLinker() {
    }

    /**
     * Links sources to targets.
     *
     * @param nRows number of sources; rows must already be in TrackMate order (sorted by spot ID)
     * @param nCols number of targets, likewise sorted
     * @param candRows candidate row of each candidate pair
     * @param candCols candidate column of each candidate pair
     * @param candCosts candidate costs (strictly positive)
     * @param nCand number of valid entries in the three candidate arrays
     * @param alternativeCost the cost A of leaving a source or target unlinked
     * @return for each row, the linked column, or -1 when the row stays unlinked
     */
    public static int[] link(int nRows, int nCols, int[] candRows, int[] candCols, double[] candCosts, int nCand,
            double alternativeCost) {
        int n = nRows + nCols;
        SparseCostMatrix.Builder builder = new SparseCostMatrix.Builder(n, n);
        for (int k = 0; k < nCand; k++) {
            builder.add(candRows[k], candCols[k], candCosts[k]);
            builder.add(nRows + candCols[k], nCols + candRows[k], alternativeCost);
        }
        for (int i = 0; i < nRows; i++) {
            builder.add(i, nCols + i, alternativeCost);
        }
        for (int j = 0; j < nCols; j++) {
            builder.add(nRows + j, j, alternativeCost);
        }
        int[] assignment = SparseLapSolver.solve(builder.build());
        int[] links = new int[nRows];
        for (int i = 0; i < nRows; i++) {
            links[i] = assignment[i] < nCols ? assignment[i] : -1;
        }
        return links;
    }
}
