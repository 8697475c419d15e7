package org.volltrack.btrackmate.tracker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.volltrack.btrackmate.util.Interrupts;

/**
 * The division-aware mode ({@code TRACKING_MODE = DIVISION_AWARE}): a second pass over the LAP links that
 * decides every division by what a division looks like, instead of by the splitting distance alone.
 *
 * <p>Steps:
 * <ol>
 * <li>Every LAP split is undone: a spot with two successors keeps only its cheaper link (the continuation).</li>
 * <li>Candidate divisions are listed: a mother {@code m} in frame t whose only successor {@code c} is in frame
 * t+1 with a daughter pair {@code (c, s)}, or a mother without successor with a pair {@code (s1, s2)}, where the
 * {@code s} are "free" spots of frame t+1 (no LAP predecessor) within SPLITTING_MAX_DISTANCE of the mother.</li>
 * <li>Each candidate gets a division cost (all terms dimensionless):
 * <pre>
 *   cost = |(a + b)/2 - m|² / (|a - b|/2)²                 daughters on opposite sides of the mother
 *        + DIVISION_DISTANCE_WEIGHT × ln(|a - m| / |b - m|)²  daughters equally far from the mother
 *        + DIVISION_SIZE_WEIGHT   × ln(V_a / V_b)²          daughters of similar size
 *        + DIVISION_VOLUME_WEIGHT × ln((V_a + V_b) / V_m)²  daughter volumes summing to the mother's
 *        + DIVISION_SEPARATION_WEIGHT × (|a - b| / 2)² / R_m²  daughters still close together
 *        + DIVISION_BORDER_WEIGHT × max border(s)             a "daughter" appearing at the edge of the cells
 *        + DIVISION_INTENSITY_WEIGHT × (ln(I_a / I_m)² + ln(I_b / I_m)²)  daughters as bright as their mother
 *        + DIVISION_BOUNDARY_WEIGHT × max exp(-d(s) / R_m)   a "daughter" just inside the tissue boundary
 *        + DIVISION_MERGE_WEIGHT × exp(-e(m) / R_m)        a cell vanished into the mother the frame before
 *        + DIVISION_FRAGMENT_WEIGHT × max(0, ln(DIVISION_FRAGMENT_RATIO × V_m / (V_a + V_b)))²  pieces of one cell
 * </pre>
 * The first term is 0 when the mother sits halfway between its daughters and about 1 when one "daughter" is
 * the mother itself and the other a neighbour. Volumes come from the spot feature VOLUME, else RADIUS³; the
 * mother's radius R_m from RADIUS, else from VOLUME (a ball); without either the size and separation terms are 0.
 * {@code border(s)}, for each daughter without a LAP predecessor, is the length of the mean unit vector from
 * it to its (up to {@value #BORDER_NEIGHBOURS}) nearest spots of its frame within {@value #BORDER_REACH} times
 * SPLITTING_MAX_DISTANCE (a tuned splitting distance can be below the cells' spacing): about
 * 0 inside a tissue, towards 1 at its edge, where cells enter the field and are mistaken for daughters.
 * {@code I} is the spot feature MEAN_INTENSITY_CH1 above 0.9 times the frame's dimmest spot (a camera offset
 * or background mostly cancels; see {@link Levels}); without that feature on every spot the term is 0. Daughters
 * inherit their mother's label and stain, a neighbour taken for a daughter usually does not.
 * {@code d(s)}, for each daughter without a LAP predecessor, is its spot feature DISTANCE_TO_BOUNDARY (distance
 * from its centre to the tissue mask's boundary, positive inside; negative values count as 0): a cell entering
 * the tissue next to a mother is cut by the boundary and sits within about a radius of it, where a daughter born
 * inside the tissue rarely does. Spots without a finite value (or without a radius) add 0.
 * {@code e(m)} is the distance from the mother to the nearest spot of the frame before that has no LAP successor
 * (looked for within SPLITTING_MAX_DISTANCE; none: the term is 0): when the segmentation merges two cells, one
 * track ends next to the merged "mother", which then "divides" when the cells are separated again. The fragment
 * term is 0 when the daughters' volumes sum to at least DIVISION_FRAGMENT_RATIO times the mother's: a cell cut
 * into two labels gives "daughters" summing to about its own volume, where true daughters (grown, or measured
 * after the mother's rounding) sum to more; the ratio is the data's, e.g. 1.3 on the demo's VollSeg labels.</li>
 * <li>Candidates with cost &le; DIVISION_MAX_COST are accepted greedily, cheapest first, each mother dividing
 * once and each free spot becoming the daughter of one mother at most. Accepted divisions add their links.</li>
 * </ol>
 * Frame-to-frame links, gap closing and merging are kept as the LAP chose them.
 */
final class DivisionPass {

    /** Spot features the pass reads when every spot has them. */
    static final String[] SIZE_FEATURES = {"VOLUME", "RADIUS"};

    /** Spot feature of the intensity term. */
    static final String INTENSITY_FEATURE = "MEAN_INTENSITY_CH1";

    /** Spot feature of the boundary term (signed distance to the tissue mask's boundary, positive inside). */
    static final String BOUNDARY_FEATURE = "DISTANCE_TO_BOUNDARY";

    /** Fraction of the frame's dimmest spot intensity taken as background by the intensity term. */
    static final double BACKGROUND_FRACTION = 0.9;

    /** Neighbours of the border term are looked for within this factor times SPLITTING_MAX_DISTANCE. */
    static final double BORDER_REACH = 2.5;

    /** Neighbours used for the border term. */
    static final int BORDER_NEIGHBOURS = 8;

    private DivisionPass() {
    }

    /**
     * @param spots the spot table
     * @param settings parsed settings (splitting distance and the division keys)
     * @param lap the links of the exact LAP tracker
     * @return the links after the pass: the LAP's links without rejected splits, then the accepted daughters' links
     */
    static LapEdges apply(LapSpots spots, LapSettings settings, LapEdges lap) {
        int n = spots.size();
        boolean[] removed = new boolean[lap.size()];
        int[] firstOut = new int[n];
        Arrays.fill(firstOut, -1);
        int[] inCount = new int[n];
        for (int k = 0; k < lap.size(); k++) {
            int source = lap.source(k);
            inCount[lap.target(k)]++;
            if (firstOut[source] < 0) {
                firstOut[source] = k;
                continue;
            }
            int kept = firstOut[source];
            int drop = lap.cost(k) < lap.cost(kept) ? kept : k;
            removed[drop] = true;
            firstOut[source] = drop == kept ? k : kept;
            inCount[lap.target(drop)]--;
        }
        int[] successor = new int[n];
        Arrays.fill(successor, -1);
        for (int k = 0; k < lap.size(); k++) {
            if (!removed[k]) {
                successor[lap.source(k)] = lap.target(k);
            }
        }
        Sizes sizes = Sizes.of(spots);
        double[] levels = settings.divisionIntensityWeight > 0 ? Levels.of(spots) : null;
        double[] boundary = settings.divisionBoundaryWeight > 0 && sizes != null
                ? spots.feature(BOUNDARY_FEATURE) : null;
        double[] merge = settings.divisionMergeWeight > 0 && sizes != null ? mergeTerms(spots, settings, successor,
                sizes) : null;
        List<Candidate> candidates = candidates(spots, settings, successor, inCount, sizes, levels, boundary, merge);
        candidates.sort((p, q) -> Double.compare(p.cost, q.cost));
        boolean[] mother = new boolean[n];
        boolean[] claimed = new boolean[n];
        LapEdges out = new LapEdges();
        for (int k = 0; k < lap.size(); k++) {
            if (!removed[k]) {
                out.add(lap.source(k), lap.target(k), lap.cost(k));
            }
        }
        Map<Long, Double> lapCost = new HashMap<>();
        for (int k = 0; k < lap.size(); k++) {
            lapCost.put(pair(lap.source(k), lap.target(k)), lap.cost(k));
        }
        for (Candidate cand : candidates) {
            if (mother[cand.mother] || claimed[cand.a] || claimed[cand.b]) {
                continue;
            }
            mother[cand.mother] = true;
            for (int daughter : new int[] {cand.a, cand.b}) {
                claimed[daughter] = true;
                if (successor[cand.mother] != daughter) {
                    Double cost = lapCost.get(pair(cand.mother, daughter));
                    out.add(cand.mother, daughter, cost != null ? cost : squareDistance(spots, cand.mother, daughter));
                }
            }
        }
        return out;
    }

    private static List<Candidate> candidates(LapSpots spots, LapSettings settings, int[] successor,
            int[] inCount, Sizes sizes, double[] levels, double[] boundary, double[] merge) {
        List<Candidate> out = new ArrayList<>();
        double maxD2 = settings.splittingMaxDistance * settings.splittingMaxDistance;
        for (int key = 0; key + 1 < spots.frameKeys.length; key++) {
            Interrupts.check();
            int next = Arrays.binarySearch(spots.frameKeys, spots.frameKeys[key] + 1);
            if (next < 0) {
                continue;
            }
            List<Integer> free = new ArrayList<>();
            for (int i = spots.frameStart[next]; i < spots.frameStart[next + 1]; i++) {
                if (inCount[i] == 0) {
                    free.add(i);
                }
            }
            if (free.isEmpty()) {
                continue;
            }
            int[] freeArray = free.stream().mapToInt(Integer::intValue).toArray();
            SpatialGrid grid = new SpatialGrid(spots, freeArray, freeArray.length, settings.splittingMaxDistance);
            Map<Integer, Double> border = new HashMap<>();
            if (settings.divisionBorderWeight > 0) {
                int[] all = new int[spots.frameStart[next + 1] - spots.frameStart[next]];
                for (int i = 0; i < all.length; i++) {
                    all[i] = spots.frameStart[next] + i;
                }
                double reach = BORDER_REACH * settings.splittingMaxDistance;
                SpatialGrid everyone = new SpatialGrid(spots, all, all.length, reach);
                for (int s : freeArray) {
                    border.put(s, borderness(spots, everyone, s, reach));
                }
            }
            for (int m = spots.frameStart[key]; m < spots.frameStart[key + 1]; m++) {
                int c = successor[m];
                if (c >= 0 && spots.frames[c] != spots.frames[m] + 1) {
                    continue;
                }
                List<Integer> near = new ArrayList<>();
                final int mm = m;
                grid.forNeighbours(spots.x[m], spots.y[m], spots.z[m], s -> {
                    if (squareDistance(spots, mm, s) <= maxD2) {
                        near.add(s);
                    }
                });
                if (c >= 0) {
                    for (int s : near) {
                        double edge = border.getOrDefault(s, 0.0);
                        double inside = boundaryTerm(boundary, sizes, m, s);
                        add(out, spots, settings, sizes, levels, m, c, s, edge, inside, merge);
                    }
                } else {
                    for (int i = 0; i < near.size(); i++) {
                        for (int j = i + 1; j < near.size(); j++) {
                            double edge = Math.max(border.getOrDefault(near.get(i), 0.0),
                                    border.getOrDefault(near.get(j), 0.0));
                            double inside = Math.max(boundaryTerm(boundary, sizes, m, near.get(i)),
                                    boundaryTerm(boundary, sizes, m, near.get(j)));
                            add(out, spots, settings, sizes, levels, m, near.get(i), near.get(j), edge, inside,
                                    merge);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void add(List<Candidate> out, LapSpots spots, LapSettings settings, Sizes sizes, double[] levels,
            int m, int a, int b, double border, double boundary, double[] merge) {
        double cost = divisionCost(spots, settings, sizes, m, a, b) + settings.divisionBorderWeight * border
                + settings.divisionBoundaryWeight * boundary;
        if (merge != null) {
            cost += settings.divisionMergeWeight * merge[m];
        }
        if (levels != null) {
            cost += settings.divisionIntensityWeight * intensityTerm(levels, m, a, b);
        }
        if (cost <= settings.divisionMaxCost) {
            out.add(new Candidate(m, a, b, cost));
        }
    }

    /**
     * @return per spot m, exp(-e / R_m) with e the distance from m to the nearest spot of the frame before
     *         without successor (within SPLITTING_MAX_DISTANCE; 0 when there is none or R_m is not positive)
     */
    static double[] mergeTerms(LapSpots spots, LapSettings settings, int[] successor, Sizes sizes) {
        double[] out = new double[spots.size()];
        double reach = settings.splittingMaxDistance;
        for (int key = 1; key < spots.frameKeys.length; key++) {
            Interrupts.check();
            int before = Arrays.binarySearch(spots.frameKeys, spots.frameKeys[key] - 1);
            if (before < 0) {
                continue;
            }
            List<Integer> ends = new ArrayList<>();
            for (int i = spots.frameStart[before]; i < spots.frameStart[before + 1]; i++) {
                if (successor[i] < 0) {
                    ends.add(i);
                }
            }
            if (ends.isEmpty()) {
                continue;
            }
            int[] endArray = ends.stream().mapToInt(Integer::intValue).toArray();
            SpatialGrid grid = new SpatialGrid(spots, endArray, endArray.length, reach);
            for (int m = spots.frameStart[key]; m < spots.frameStart[key + 1]; m++) {
                double rm = sizes.radius(m);
                if (!(rm > 0)) {
                    continue;
                }
                double[] nearest = {reach * reach};
                boolean[] found = {false};
                final int mm = m;
                grid.forNeighbours(spots.x[m], spots.y[m], spots.z[m], e -> {
                    double d2 = squareDistance(spots, mm, e);
                    if (d2 <= nearest[0]) {
                        nearest[0] = d2;
                        found[0] = true;
                    }
                });
                if (found[0]) {
                    out[m] = Math.exp(-Math.sqrt(nearest[0]) / rm);
                }
            }
        }
        return out;
    }

    /**
     * @return the length of the mean unit vector from spot {@code s} to its nearest spots of the same frame
     *         (at most {@link #BORDER_NEIGHBOURS}, within {@code radius}); 1 without neighbours
     */
    static double borderness(LapSpots spots, SpatialGrid grid, int s, double radius) {
        List<double[]> near = new ArrayList<>();
        double r2 = radius * radius;
        grid.forNeighbours(spots.x[s], spots.y[s], spots.z[s], o -> {
            if (o != s) {
                double dx = spots.x[o] - spots.x[s];
                double dy = spots.y[o] - spots.y[s];
                double dz = spots.z[o] - spots.z[s];
                double d2 = dx * dx + dy * dy + dz * dz;
                if (d2 > 0 && d2 <= r2) {
                    near.add(new double[] {d2, dx, dy, dz});
                }
            }
        });
        if (near.isEmpty()) {
            return 1.0;
        }
        near.sort((p, q) -> Double.compare(p[0], q[0]));
        int k = Math.min(BORDER_NEIGHBOURS, near.size());
        double sx = 0;
        double sy = 0;
        double sz = 0;
        for (int i = 0; i < k; i++) {
            double[] v = near.get(i);
            double len = Math.sqrt(v[0]);
            sx += v[1] / len;
            sy += v[2] / len;
            sz += v[3] / len;
        }
        return Math.sqrt(sx * sx + sy * sy + sz * sz) / k;
    }

    /**
     * @return the division cost of mother {@code m} into daughters {@code a} and {@code b} without the border
     *         term (+inf when the daughters coincide)
     */
    static double divisionCost(LapSpots spots, LapSettings settings, Sizes sizes, int m, int a, int b) {
        double half2 = squareDistance(spots, a, b) / 4;
        if (!(half2 > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double mx = (spots.x[a] + spots.x[b]) / 2 - spots.x[m];
        double my = (spots.y[a] + spots.y[b]) / 2 - spots.y[m];
        double mz = (spots.z[a] + spots.z[b]) / 2 - spots.z[m];
        double cost = (mx * mx + my * my + mz * mz) / half2;
        double balance = 0.5 * Math.log(squareDistance(spots, m, a) / squareDistance(spots, m, b));
        cost += settings.divisionDistanceWeight * balance * balance;
        if (sizes != null) {
            double va = sizes.volume(a);
            double vb = sizes.volume(b);
            double vm = sizes.volume(m);
            if (va > 0 && vb > 0 && vm > 0) {
                double asym = Math.log(va / vb);
                double sum = Math.log((va + vb) / vm);
                cost += settings.divisionSizeWeight * asym * asym + settings.divisionVolumeWeight * sum * sum;
                double deficit = Math.max(0.0, Math.log(settings.divisionFragmentRatio * vm / (va + vb)));
                cost += settings.divisionFragmentWeight * deficit * deficit;
            }
            double rm = sizes.radius(m);
            if (rm > 0) {
                cost += settings.divisionSeparationWeight * half2 / (rm * rm);
            }
        }
        return cost;
    }

    /**
     * @return exp(-max(d_s, 0) / R_m) for the free daughter {@code s}, d its DISTANCE_TO_BOUNDARY and R_m the
     *         mother's radius; 0 without the feature column, a finite value for {@code s} or a positive radius
     */
    static double boundaryTerm(double[] boundary, Sizes sizes, int m, int s) {
        if (boundary == null || Double.isNaN(boundary[s])) {
            return 0.0;
        }
        double rm = sizes.radius(m);
        if (!(rm > 0)) {
            return 0.0;
        }
        return Math.exp(-Math.max(boundary[s], 0.0) / rm);
    }

    /** @return ln(I_a / I_m)² + ln(I_b / I_m)² on the levels of {@link Levels#of} */
    static double intensityTerm(double[] levels, int m, int a, int b) {
        double la = Math.log(levels[a] / levels[m]);
        double lb = Math.log(levels[b] / levels[m]);
        return la * la + lb * lb;
    }

    private static double squareDistance(LapSpots spots, int a, int b) {
        double dx = spots.x[a] - spots.x[b];
        double dy = spots.y[a] - spots.y[b];
        double dz = spots.z[a] - spots.z[b];
        double d2 = dx * dx + dy * dy + dz * dz;
        return d2 == 0 ? Double.MIN_NORMAL : d2;
    }

    private static long pair(int source, int target) {
        return ((long) source << 32) | (target & 0xffffffffL);
    }

    /** Spot volumes from VOLUME, else RADIUS³ (a constant factor cancels in every ratio); radii from RADIUS. */
    static final class Sizes {
        private final double[] volume;
        private final boolean cubed;
        private final double[] radius;

        private Sizes(double[] volume, boolean cubed, double[] radius) {
            this.volume = volume;
            this.cubed = cubed;
            this.radius = radius;
        }

        static Sizes of(LapSpots spots) {
            double[] volume = spots.feature("VOLUME");
            double[] radius = spots.feature("RADIUS");
            if (volume != null) {
                return new Sizes(volume, false, radius);
            }
            return radius == null ? null : new Sizes(radius, true, radius);
        }

        /** @return the radius of spot {@code i}: RADIUS, else that of a ball of volume VOLUME */
        double radius(int i) {
            return radius != null ? radius[i] : Math.cbrt(3 * volume[i] / (4 * Math.PI));
        }

        double volume(int i) {
            double v = volume[i];
            return cubed ? v * v * v : v;
        }
    }

    /** Spot intensities for the intensity term. */
    static final class Levels {
        private Levels() {
        }

        /**
         * @return per spot, MEAN_INTENSITY_CH1 minus {@value #BACKGROUND_FRACTION} times the smallest value of its
         *         frame (all &gt; 0 when the values of a frame are positive); null when the feature is missing
         *         or not positive somewhere
         */
        static double[] of(LapSpots spots) {
            double[] intensity = spots.feature(INTENSITY_FEATURE);
            if (intensity == null) {
                return null;
            }
            double[] out = new double[intensity.length];
            for (int k = 0; k + 1 < spots.frameStart.length; k++) {
                double low = Double.POSITIVE_INFINITY;
                for (int i = spots.frameStart[k]; i < spots.frameStart[k + 1]; i++) {
                    low = Math.min(low, intensity[i]);
                }
                if (!(low > 0)) {
                    return null;
                }
                for (int i = spots.frameStart[k]; i < spots.frameStart[k + 1]; i++) {
                    out[i] = intensity[i] - BACKGROUND_FRACTION * low;
                }
            }
            return out;
        }
    }

    private static final class Candidate {
        final int mother;
        final int a;
        final int b;
        final double cost;

        Candidate(int mother, int a, int b, double cost) {
            this.mother = mother;
            this.a = a;
            this.b = b;
            this.cost = cost;
        }
    }
}
