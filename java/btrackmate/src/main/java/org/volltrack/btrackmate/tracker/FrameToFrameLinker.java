package org.volltrack.btrackmate.tracker;

import java.util.stream.IntStream;

import org.volltrack.btrackmate.util.Interrupts;

/**
 * Step 1 of TrackMate's LAP tracker ({@code SparseLAPFrameToFrameTracker}): links the spots of each pair of
 * consecutive frame keys. Candidates have {@code cost < LINKING_MAX_DISTANCE²} (strict); the alternative cost
 * is {@code ALTERNATIVE_LINKING_COST_FACTOR × max(candidate costs)}.
 */
final class FrameToFrameLinker {

    private FrameToFrameLinker() {
    }

    /**
     * @param spots spot table
     * @param settings tracker settings
     * @return the links, in frame order, then source-ID order
     */
    static LapEdges link(LapSpots spots, LapSettings settings) {
        LinkCostFunction costFunction = new LinkCostFunction(spots, settings.linkingPenalties,
                "LINKING_FEATURE_PENALTIES");
        int nPairs = Math.max(0, spots.frameKeys.length - 1);
        LapEdges[] perPair = new LapEdges[nPairs];
        Thread caller = Thread.currentThread();
        IntStream.range(0, nPairs).parallel()
                .forEach(k -> {
                    Interrupts.check(caller);
                    perPair[k] = linkPair(spots, k, settings, costFunction);
                });
        LapEdges all = new LapEdges();
        for (LapEdges edges : perPair) {
            all.addAll(edges);
        }
        return all;
    }

    private static LapEdges linkPair(LapSpots spots, int key, LapSettings settings, LinkCostFunction cost) {
        LapEdges out = new LapEdges();
        int s0 = spots.frameStart[key];
        int s1 = spots.frameStart[key + 1];
        int t1 = spots.frameStart[key + 2];
        if (s0 == s1 || s1 == t1) {
            return out;
        }
        double maxDistance = settings.linkingMaxDistance;
        double threshold = maxDistance * maxDistance;
        int[] targets = IntStream.range(s1, t1).toArray();
        SpatialGrid grid = new SpatialGrid(spots, targets, targets.length, maxDistance);
        CandidateList candidates = new CandidateList();
        for (int source = s0; source < s1; source++) {
            final int src = source;
            grid.forNeighbours(spots.x[src], spots.y[src], spots.z[src], target -> {
                double c = cost.cost(src, target);
                if (c < threshold) {
                    candidates.add(src, target, c);
                }
            });
        }
        candidates.solveInto(spots, settings.alternativeCostFactor, 1.0, out);
        return out;
    }
}
