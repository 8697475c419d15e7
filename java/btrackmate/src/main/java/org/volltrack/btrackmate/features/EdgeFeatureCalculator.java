package org.volltrack.btrackmate.features;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TrackMate's edge features (trackmate.md §5.2): SPEED, DISPLACEMENT, EDGE_TIME, EDGE_X/Y/Z_LOCATION and
 * DIRECTIONAL_CHANGE_RATE. Edges are taken earlier → later frame.
 */
public final class EdgeFeatureCalculator {

    /** Keys produced, in declaration order. */
    public static final String[] KEYS = {"SPEED", "DISPLACEMENT", "EDGE_TIME", "EDGE_X_LOCATION",
        "EDGE_Y_LOCATION", "EDGE_Z_LOCATION", "DIRECTIONAL_CHANGE_RATE"};

    private EdgeFeatureCalculator() {
    }

    /**
     * @param g the track graph
     * @return feature key → value per edge (edge order of {@code g})
     */
    public static Map<String, double[]> compute(TrackGraphData g) {
        int m = g.nEdges();
        double[] speed = new double[m];
        double[] displacement = new double[m];
        double[] time = new double[m];
        double[] ex = new double[m];
        double[] ey = new double[m];
        double[] ez = new double[m];
        double[] rate = new double[m];
        for (int e = 0; e < m; e++) {
            int s = g.source[e];
            int t = g.target[e];
            double d = g.distance(s, t);
            displacement[e] = d;
            speed[e] = d / Math.abs(g.t[t] - g.t[s]);
            time[e] = 0.5 * (g.t[s] + g.t[t]);
            ex[e] = 0.5 * (g.x[s] + g.x[t]);
            ey[e] = 0.5 * (g.y[s] + g.y[t]);
            ez[e] = 0.5 * (g.z[s] + g.z[t]);
            rate[e] = directionalChangeRate(g, s, t);
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("SPEED", speed);
        out.put("DISPLACEMENT", displacement);
        out.put("EDGE_TIME", time);
        out.put("EDGE_X_LOCATION", ex);
        out.put("EDGE_Y_LOCATION", ey);
        out.put("EDGE_Z_LOCATION", ez);
        out.put("DIRECTIONAL_CHANGE_RATE", rate);
        return out;
    }

    /** Angle between (predecessor → source) and (source → target) over ΔT; NaN unless one predecessor. */
    static double directionalChangeRate(TrackGraphData g, int s, int t) {
        int pred = -1;
        int nPred = 0;
        for (int k = g.adjStart[s]; k < g.adjStart[s + 1]; k++) {
            if (g.frames[g.adj[k]] < g.frames[s]) {
                pred = g.adj[k];
                nPred++;
            }
        }
        if (nPred != 1) {
            return Double.NaN;
        }
        double ax = g.x[s] - g.x[pred];
        double ay = g.y[s] - g.y[pred];
        double az = g.z[s] - g.z[pred];
        double bx = g.x[t] - g.x[s];
        double by = g.y[t] - g.y[s];
        double bz = g.z[t] - g.z[s];
        double cx = ay * bz - az * by;
        double cy = az * bx - ax * bz;
        double cz = ax * by - ay * bx;
        double cross = Math.sqrt(cx * cx + cy * cy + cz * cz);
        double dot = ax * bx + ay * by + az * bz;
        double angle = Math.atan2(cross, dot);
        return angle / (g.t[t] - g.t[s]);
    }
}
