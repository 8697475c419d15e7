package org.volltrack.btrackmate.fiji;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jgrapht.graph.DefaultWeightedEdge;

import fiji.plugin.trackmate.Spot;
import fiji.plugin.trackmate.TrackModel;

/**
 * The tracklets of a track: maximal chains of spots between track starts and ends, divisions (splits) and merges,
 * as BTrackmate's pruning sees them. Lengths are in frames (last frame − first frame + 1).
 */
final class Tracklets {

    private Tracklets() {
    }

    /**
     * @param tracks the track model
     * @param trackID a track
     * @return the length in frames of each tracklet of the track
     */
    static List<Integer> lengths(final TrackModel tracks, final Integer trackID) {
        final List<Integer> out = new ArrayList<>();
        final Set<Spot> spots = tracks.trackSpots(trackID);
        if (spots == null) {
            return out;
        }
        for (final Spot spot : spots) {
            if (startsTracklet(tracks, spot)) {
                Spot last = spot;
                List<Spot> next = neighbours(tracks, last, true);
                while (next.size() == 1 && neighbours(tracks, next.get(0), false).size() == 1) {
                    last = next.get(0);
                    next = neighbours(tracks, last, true);
                }
                out.add(frame(last) - frame(spot) + 1);
            }
        }
        return out;
    }

    private static boolean startsTracklet(final TrackModel tracks, final Spot spot) {
        final List<Spot> earlier = neighbours(tracks, spot, false);
        return earlier.size() != 1 || neighbours(tracks, earlier.get(0), true).size() != 1;
    }

    /** Neighbours in later (or earlier) frames. */
    private static List<Spot> neighbours(final TrackModel tracks, final Spot spot, final boolean later) {
        final List<Spot> out = new ArrayList<>();
        for (final DefaultWeightedEdge edge : tracks.edgesOf(spot)) {
            final Spot source = tracks.getEdgeSource(edge);
            final Spot other = source.equals(spot) ? tracks.getEdgeTarget(edge) : source;
            if (later ? frame(other) > frame(spot) : frame(other) < frame(spot)) {
                out.add(other);
            }
        }
        return out;
    }

    private static int frame(final Spot spot) {
        final Double frame = spot.getFeature(Spot.FRAME);
        return frame == null ? 0 : frame.intValue();
    }
}
