package org.volltrack.btrackmate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

class TissueFilterAndPrunerTest {

    private static Map<String, Object> settings(final Object... keyValues) {
        final Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return TrackerSettings.normalize(m);
    }

    @Test
    void tissueFilterHidesSpotsBelowTheMinimalFractionWithoutDeletingThem() {
        final SpotCollection spots = new SpotCollection();
        final double[] fractions = {0.2, 0.5, 0.9};
        for (int i = 0; i < 3; i++) {
            final Spot s = new Spot(i, i, 0, 0, 1, 1);
            s.putFeature(FeatureKeys.TISSUE_FRACTION, fractions[i]);
            spots.add(s, 0);
        }
        final Spot missing = new Spot(3, 3, 0, 0, 1, 1);
        spots.add(missing, 0);
        assertEquals(0, TissueFilter.apply(spots, settings()));
        assertEquals(2, TissueFilter.apply(spots, settings(TrackerKeys.TISSUE_FILTER, true)));
        assertFalse(spots.getSpot(0).isVisible());
        assertTrue(spots.getSpot(1).isVisible(), "fraction == minimum is kept, as a TrackMate isabove filter");
        assertFalse(missing.isVisible(), "a missing value hides the spot, as in TrackMate");
        assertEquals(4, spots.getNSpots(false));
        assertEquals(2, TissueFilter.apply(spots, settings(TrackerKeys.TISSUE_FILTER, true,
                TrackerKeys.TISSUE_MIN_FRACTION, 0.95)));
    }

    @Test
    void tissueFilterWithoutTissueFeaturesIsAClearError() {
        final SpotCollection spots = new SpotCollection();
        spots.add(new Spot(0, 0, 0, 0, 1, 1), 0);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TissueFilter.apply(spots, settings(TrackerKeys.TISSUE_FILTER, true)));
        assertTrue(e.getMessage().contains("--mask"), e.getMessage());
    }

    /**
     * Mother 0..3 (frames 0-3) splits at frame 3 into a long daughter (frames 4-9) and a short one (frames 4-5);
     * a separate two-frame track (frames 0-1).
     */
    private static SimpleWeightedGraph<Spot, DefaultWeightedEdge> lineage(final SpotCollection spots) {
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = Model.newGraph();
        int id = 0;
        Spot previous = null;
        Spot split = null;
        for (int f = 0; f <= 9; f++) {
            final Spot s = add(spots, g, id++, f);
            if (previous != null) {
                g.addEdge(previous, s);
            }
            if (f == 3) {
                split = s;
            }
            previous = s;
        }
        previous = split;
        for (int f = 4; f <= 5; f++) {
            final Spot s = add(spots, g, id++, f);
            g.addEdge(previous, s);
            previous = s;
        }
        final Spot a = add(spots, g, 100, 0);
        final Spot b = add(spots, g, 101, 1);
        g.addEdge(a, b);
        return g;
    }

    private static Spot add(final SpotCollection spots, final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g,
            final int id, final int frame) {
        final Spot s = new Spot(id, id, frame, 0, 1, 1);
        spots.add(s, frame);
        g.addVertex(s);
        return s;
    }

    @Test
    void branchModeRemovesShortDaughtersOnly() {
        final SpotCollection spots = new SpotCollection();
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = lineage(spots);
        assertEquals(0, TrackletPruner.prune(g, settings(TrackerKeys.MIN_TRACKLET_LENGTH, 0)));
        assertEquals(0, TrackletPruner.prune(g, settings(TrackerKeys.MIN_TRACKLET_LENGTH, 1)),
                "the short daughter ends 2 frames after the split");
        assertEquals(2, TrackletPruner.prune(g, settings(TrackerKeys.MIN_TRACKLET_LENGTH, 2)));
        assertFalse(spots.getSpot(10).isVisible());
        assertFalse(spots.getSpot(11).isVisible());
        assertFalse(g.containsVertex(spots.getSpot(11)));
        assertTrue(spots.getSpot(9).isVisible(), "the long daughter stays");
        assertTrue(g.containsVertex(spots.getSpot(100)), "tracks without a split are untouched");
        assertEquals(14, spots.getNSpots(false), "pruned spots are not deleted");
    }

    @Test
    void trackModeRemovesShortTracksAndBothCombines() {
        SpotCollection spots = new SpotCollection();
        SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = lineage(spots);
        assertEquals(2, TrackletPruner.prune(g, settings(TrackerKeys.MIN_TRACKLET_LENGTH, 3,
                TrackerKeys.PRUNE_MODE, "TRACK")));
        assertFalse(spots.getSpot(100).isVisible());
        assertTrue(spots.getSpot(11).isVisible());
        spots = new SpotCollection();
        g = lineage(spots);
        assertEquals(4, TrackletPruner.prune(g, settings(TrackerKeys.MIN_TRACKLET_LENGTH, 3,
                TrackerKeys.PRUNE_MODE, "BOTH")));
        assertFalse(spots.getSpot(11).isVisible());
        assertFalse(spots.getSpot(101).isVisible());
        assertEquals(10, g.vertexSet().size());
    }
}
