package org.volltrack.btrackmate.tracker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The grid's neighbour candidates always include every point within the radius (dense and sparse layouts). */
class SpatialGridTest {

    @Test
    void neighboursContainEveryPointWithinRadius() {
        Random random = new Random(3);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + random.nextInt(300);
            double extent = trial % 2 == 0 ? 20 : 5000;
            double radius = 0.5 + 5 * random.nextDouble();
            SpotColumns columns = new SpotColumns(n);
            for (int i = 0; i < n; i++) {
                columns.set(i, i, 0, extent * random.nextDouble() - 7, extent * random.nextDouble(),
                        trial % 3 == 0 ? 0 : extent * random.nextDouble());
            }
            LapSpots spots = LapSpots.of(columns, null, new HashMap<>());
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            SpatialGrid grid = new SpatialGrid(spots, all, n, radius);
            for (int q = 0; q < 50; q++) {
                double qx = extent * random.nextDouble() - 10;
                double qy = extent * random.nextDouble();
                double qz = trial % 3 == 0 ? 0 : extent * random.nextDouble();
                Set<Integer> visited = new HashSet<>();
                grid.forNeighbours(qx, qy, qz, visited::add);
                for (int i = 0; i < n; i++) {
                    double d2 = sq(spots.x[i] - qx) + sq(spots.y[i] - qy) + sq(spots.z[i] - qz);
                    if (d2 <= radius * radius) {
                        assertTrue(visited.contains(i), "trial " + trial + ": point " + i + " missed");
                    }
                }
            }
        }
    }

    private static double sq(double v) {
        return v * v;
    }
}
