package org.volltrack.btrackmate.tracker;

import java.util.Map;

/**
 * TrackMate's linking cost: squared distance, {@code Double.MIN_NORMAL} for coincident spots, optionally
 * multiplied by the squared feature penalty {@code P = 1 + sum_f 1.5 * w_f * |a - b| / ((a + b) / 2)}.
 *
 * <p>The arithmetic follows TrackMate's {@code SquareDistCostFunction} and {@code FeaturePenaltyCostFunction}
 * term by term (same operand order), so costs are bit-identical.
 */
final class LinkCostFunction {

    private final LapSpots spots;
    private final double[][] columns;
    private final double[] weights;

    /**
     * @param spots the spot table
     * @param penalties feature weights; empty for the plain squared distance
     * @param role which setting the penalties come from, for error messages
     */
    LinkCostFunction(LapSpots spots, Map<String, Double> penalties, String role) {
        this.spots = spots;
        columns = new double[penalties.size()][];
        weights = new double[penalties.size()];
        int k = 0;
        for (Map.Entry<String, Double> e : penalties.entrySet()) {
            double[] col = spots.feature(e.getKey());
            if (col == null && spots.size() > 0) {
                throw new IllegalArgumentException(role + " uses spot feature '" + e.getKey()
                        + "', which the spots do not have");
            }
            columns[k] = col;
            weights[k++] = e.getValue();
        }
    }

    /**
     * @param source index of the earlier spot
     * @param target index of the later spot
     * @return the linking cost
     */
    double cost(int source, int target) {
        double d2 = squareDistance(source, target);
        if (d2 == 0) {
            d2 = Double.MIN_NORMAL;
        }
        if (columns.length == 0) {
            return d2;
        }
        double penalty = 1;
        for (int k = 0; k < columns.length; k++) {
            double a = columns[k][source];
            double b = columns[k][target];
            double ndiff = a == -b ? 0d : Math.abs(a - b) / ((a + b) / 2);
            if (Double.isNaN(ndiff)) {
                continue;
            }
            penalty += weights[k] * 1.5 * ndiff;
        }
        return d2 * penalty * penalty;
    }

    private double squareDistance(int a, int b) {
        double sum = 0d;
        double dx = spots.x[a] - spots.x[b];
        sum += dx * dx;
        double dy = spots.y[a] - spots.y[b];
        sum += dy * dy;
        double dz = spots.z[a] - spots.z[b];
        sum += dz * dz;
        return sum;
    }
}
