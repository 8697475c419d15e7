package org.volltrack.btrackmate.tracker;

import java.util.Map;

/**
 * TrackMate's sparse LAP tracking on primitive arrays: frame-to-frame linking followed by the segment step
 * (gap closing, merging, splitting). This is the model-free core used by {@link SparseLapTracker}, the array
 * bridge and the benchmark. With {@code TRACKING_MODE = DIVISION_AWARE} the LAP links are then passed through
 * {@link DivisionPass}; the default {@code EXACT_LAP} returns TrackMate's links unchanged.
 */
public final class LapTracking {

    private LapTracking() {
    }

    /**
     * Tracks the given spots.
     *
     * @param spots the (visible) spots to link
     * @param settings TrackMate LAP settings map (see {@link LapSettings})
     * @return all links: step-1 links first (frame order), then step-2 links
     * @throws IllegalArgumentException for invalid settings or penalty features the spots lack
     */
    public static LapEdges track(LapSpots spots, Map<String, Object> settings) {
        return track(spots, LapSettings.parse(settings));
    }

    /**
     * Tracks the given spots with already-parsed settings.
     *
     * @param spots the (visible) spots to link
     * @param settings parsed settings
     * @return all links
     */
    public static LapEdges track(LapSpots spots, LapSettings settings) {
        LapEdges step1 = FrameToFrameLinker.link(spots, settings);
        LapEdges step2 = SegmentLinker.link(spots, settings, step1);
        LapEdges all = new LapEdges();
        all.addAll(step1);
        all.addAll(step2);
        if (settings.divisionAware) {
            return DivisionPass.apply(spots, settings, all);
        }
        return all;
    }
}
