package org.volltrack.btrackmate.tracker;

import java.util.Arrays;

import org.volltrack.btrackmate.util.Interrupts;

/**
 * Step 2 of TrackMate's LAP tracker ({@code SegmentTracker} with {@code JaqamanSegmentCostMatrixCreator}).
 *
 * <p>Segments are the step-1 components with at least two spots; single spots never take part. Candidates,
 * with Δ = FRAME(target) − FRAME(source):
 * gap closing end → start with 1 ≤ Δ ≤ MAX_FRAME_GAP and cost ≤ GAP_CLOSING_MAX_DISTANCE²;
 * merging end → middle with Δ = 1 and cost ≤ MERGING_MAX_DISTANCE²;
 * splitting middle → start with Δ = 1 and cost ≤ SPLITTING_MAX_DISTANCE².
 * All are solved in one block matrix whose alternative cost is
 * {@code ALTERNATIVE_LINKING_COST_FACTOR × percentile(all costs, CUTOFF_PERCENTILE)}.
 */
final class SegmentLinker {

    private static final int START = 1;
    private static final int END = 2;
    private static final int MIDDLE = 4;

    private SegmentLinker() {
    }

    /**
     * @param spots spot table
     * @param settings tracker settings
     * @param step1 links of the frame-to-frame step
     * @return the new links (sources in spot-ID order)
     */
    static LapEdges link(LapSpots spots, LapSettings settings, LapEdges step1) {
        LapEdges out = new LapEdges();
        if (!settings.segmentStepEnabled() || step1.size() == 0) {
            return out;
        }
        int[] role = roles(spots, step1, settings.allowSplitting || settings.allowMerging);
        CandidateList candidates = new CandidateList();
        if (settings.allowGapClosing) {
            LinkCostFunction cost = new LinkCostFunction(spots, settings.gapClosingPenalties,
                    "GAP_CLOSING_FEATURE_PENALTIES");
            collect(spots, role, END, START, settings.maxFrameGap, settings.gapClosingMaxDistance, cost,
                    candidates);
        }
        if (settings.allowMerging) {
            LinkCostFunction cost = new LinkCostFunction(spots, settings.mergingPenalties,
                    "MERGING_FEATURE_PENALTIES");
            collect(spots, role, END, MIDDLE, 1, settings.mergingMaxDistance, cost, candidates);
        }
        if (settings.allowSplitting) {
            LinkCostFunction cost = new LinkCostFunction(spots, settings.splittingPenalties,
                    "SPLITTING_FEATURE_PENALTIES");
            collect(spots, role, MIDDLE, START, 1, settings.splittingMaxDistance, cost, candidates);
        }
        candidates.solveInto(spots, settings.alternativeCostFactor, settings.cutoffPercentile, out);
        return out;
    }

    /** Classifies every spot as segment start, end, middle (only when wanted) or nothing (0). */
    private static int[] roles(LapSpots spots, LapEdges step1, boolean wantMiddles) {
        int n = spots.size();
        boolean[] hasPred = new boolean[n];
        boolean[] hasSucc = new boolean[n];
        for (int k = 0; k < step1.size(); k++) {
            hasSucc[step1.source(k)] = true;
            hasPred[step1.target(k)] = true;
        }
        int[] role = new int[n];
        for (int i = 0; i < n; i++) {
            if (hasSucc[i] && !hasPred[i]) {
                role[i] = START;
            } else if (hasPred[i] && !hasSucc[i]) {
                role[i] = END;
            } else if (hasPred[i] && wantMiddles) {
                role[i] = MIDDLE;
            }
        }
        return role;
    }

    /**
     * Adds candidates from spots of {@code sourceRole} to spots of {@code targetRole} whose frame is later by
     * 1..{@code maxDelta}, with cost ≤ maxDistance².
     */
    private static void collect(LapSpots spots, int[] role, int sourceRole, int targetRole, int maxDelta,
            double maxDistance, LinkCostFunction cost, CandidateList out) {
        double threshold = maxDistance * maxDistance;
        SpatialGrid[] gridByKey = new SpatialGrid[spots.frameKeys.length];
        int[] buffer = new int[spots.size()];
        for (int key = 0; key < spots.frameKeys.length; key++) {
            int count = 0;
            for (int i = spots.frameStart[key]; i < spots.frameStart[key + 1]; i++) {
                if (role[i] == targetRole) {
                    buffer[count++] = i;
                }
            }
            gridByKey[key] = count == 0 ? null : new SpatialGrid(spots, buffer, count, maxDistance);
        }
        for (int key = 0; key < spots.frameKeys.length; key++) {
            Interrupts.check();
            for (int src = spots.frameStart[key]; src < spots.frameStart[key + 1]; src++) {
                if (role[src] != sourceRole) {
                    continue;
                }
                for (int delta = 1; delta <= maxDelta; delta++) {
                    int targetKey = Arrays.binarySearch(spots.frameKeys, spots.frames[src] + delta);
                    if (targetKey < 0 || gridByKey[targetKey] == null) {
                        continue;
                    }
                    final int s = src;
                    gridByKey[targetKey].forNeighbours(spots.x[s], spots.y[s], spots.z[s], target -> {
                        double c = cost.cost(s, target);
                        if (c <= threshold) {
                            out.add(s, target, c);
                        }
                    });
                }
            }
        }
    }
}
