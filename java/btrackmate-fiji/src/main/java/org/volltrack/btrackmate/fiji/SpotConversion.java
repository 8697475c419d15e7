package org.volltrack.btrackmate.fiji;

import java.util.HashMap;
import java.util.Map;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.Spot;
import fiji.plugin.trackmate.SpotCollection;
import fiji.plugin.trackmate.TrackModel;

/** Converts spots and track graphs between the BTrackmate engine and TrackMate. */
final class SpotConversion {

    private SpotConversion() {
    }

    /**
     * Engine spots to new TrackMate spots with every feature copied (TrackMate sets FRAME, POSITION_T and
     * VISIBILITY itself when the detector's result is added).
     *
     * @param spots engine spots
     * @param keep filter in calibrated units (x, y, frame); null keeps all
     * @return TrackMate spots, frame by frame
     */
    static SpotCollection toTrackMate(final org.volltrack.btrackmate.model.SpotCollection spots,
            final SpotFilter keep) {
        final SpotCollection out = new SpotCollection();
        for (final Integer frame : spots.keySet()) {
            for (final org.volltrack.btrackmate.model.Spot s : spots.iterable(frame, false)) {
                if (keep != null && !keep.accept(s.getDoublePosition(0), s.getDoublePosition(1), frame)) {
                    continue;
                }
                final Spot spot = new Spot(s.getDoublePosition(0), s.getDoublePosition(1), s.getDoublePosition(2),
                        feature(s, "RADIUS", 1.0), feature(s, "QUALITY", 1.0));
                for (final Map.Entry<String, Double> e : s.getFeatures().entrySet()) {
                    spot.putFeature(e.getKey(), e.getValue());
                }
                out.add(spot, frame);
            }
        }
        return out;
    }

    /** The track graph of a TrackMate model as an engine graph, with the spot mapping back. */
    static final class EngineGraph {
        final SimpleWeightedGraph<org.volltrack.btrackmate.model.Spot, DefaultWeightedEdge> graph =
                new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        final Map<org.volltrack.btrackmate.model.Spot, Spot> toTrackMate = new HashMap<>();
    }

    /**
     * @param model a TrackMate model
     * @return its track graph over engine spots carrying FRAME and positions
     */
    static EngineGraph engineGraph(final Model model) {
        final EngineGraph out = new EngineGraph();
        final Map<Spot, org.volltrack.btrackmate.model.Spot> toEngine = new HashMap<>();
        final TrackModel tracks = model.getTrackModel();
        for (final Spot spot : tracks.vertexSet()) {
            final org.volltrack.btrackmate.model.Spot e = new org.volltrack.btrackmate.model.Spot(spot.ID());
            for (final Map.Entry<String, Double> f : spot.getFeatures().entrySet()) {
                if (f.getValue() != null) {
                    e.putFeature(f.getKey(), f.getValue());
                }
            }
            toEngine.put(spot, e);
            out.toTrackMate.put(e, spot);
            out.graph.addVertex(e);
        }
        for (final DefaultWeightedEdge edge : tracks.edgeSet()) {
            final DefaultWeightedEdge copy = out.graph.addEdge(toEngine.get(tracks.getEdgeSource(edge)),
                    toEngine.get(tracks.getEdgeTarget(edge)));
            if (copy != null) {
                out.graph.setEdgeWeight(copy, tracks.getEdgeWeight(edge));
            }
        }
        return out;
    }

    private static double feature(final org.volltrack.btrackmate.model.Spot s, final String key,
            final double fallback) {
        final Double v = s.getFeature(key);
        return v == null || v.isNaN() ? fallback : v;
    }

    /** Which spots a detector keeps (TrackMate's crop interval, in calibrated units). */
    @FunctionalInterface
    interface SpotFilter {
        /**
         * @param x X
         * @param y Y
         * @param frame frame
         * @return true to keep the spot
         */
        boolean accept(double x, double y, int frame);
    }
}
