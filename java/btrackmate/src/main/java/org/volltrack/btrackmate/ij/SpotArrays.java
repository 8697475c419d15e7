package org.volltrack.btrackmate.ij;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spots as the parallel arrays the engine's {@code ArrayBridge.track} takes: frame, position, radius, quality
 * and named extra features (volltrack's spot-table columns).
 */
public final class SpotArrays {

    private final List<double[]> rows = new ArrayList<>();
    private final Map<String, List<Double>> features = new LinkedHashMap<>();

    /**
     * Adds one spot.
     *
     * @param frame frame index
     * @param x X (physical units)
     * @param y Y
     * @param z Z
     * @param radius radius
     * @param quality quality
     * @param extra further features (key to value); keys missing here are NaN for this spot
     */
    public void add(final int frame, final double x, final double y, final double z, final double radius,
            final double quality, final Map<String, Double> extra) {
        for (final String key : extra.keySet()) {
            features.computeIfAbsent(key, k -> {
                final List<Double> column = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    column.add(Double.NaN);
                }
                return column;
            });
        }
        rows.add(new double[] {frame, x, y, z, radius, quality});
        for (final Map.Entry<String, List<Double>> e : features.entrySet()) {
            e.getValue().add(extra.getOrDefault(e.getKey(), Double.NaN));
        }
    }

    /** @return number of spots */
    public int size() {
        return rows.size();
    }

    /** @return frame of each spot */
    public int[] frames() {
        final int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) rows.get(i)[0];
        }
        return out;
    }

    /**
     * @param column 1 = X, 2 = Y, 3 = Z, 4 = radius, 5 = quality
     * @return that column
     */
    public double[] column(final int column) {
        final double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[column];
        }
        return out;
    }

    /** @return names of the extra features */
    public String[] featureNames() {
        return features.keySet().toArray(new String[0]);
    }

    /** @return extra feature values, [feature][spot] */
    public double[][] featureValues() {
        final double[][] out = new double[features.size()][];
        int f = 0;
        for (final List<Double> column : features.values()) {
            out[f++] = column.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return out;
    }
}
