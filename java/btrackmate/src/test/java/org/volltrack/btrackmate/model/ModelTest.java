package org.volltrack.btrackmate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.junit.jupiter.api.Test;

class ModelTest {

    private static Spot spot(final SpotCollection spots, final int id, final int frame) {
        final Spot s = new Spot(id, id, 0, 0, 1, 1);
        spots.add(s, frame);
        return s;
    }

    @Test
    void spotCollectionKeepsEmptyFramesSetsFrameAndRefusesDuplicatesAndNegativeFrames() {
        final SpotCollection spots = new SpotCollection();
        final Spot a = spot(spots, 7, 0);
        spots.addFrames(0, 3);
        spot(spots, 8, 3);
        assertEquals(Arrays.asList(0, 1, 2, 3), new ArrayList<>(spots.keySet()));
        assertEquals(0, a.frame());
        assertEquals(3.0, spots.getSpot(8).getFeature(FeatureKeys.FRAME));
        assertThrows(IllegalArgumentException.class, () -> spot(spots, 7, 1));
        assertThrows(IllegalArgumentException.class, () -> spot(spots, 9, -1));
        a.setVisible(false);
        assertEquals(1, spots.getNSpots(true));
        assertEquals(2, spots.getNSpots(false));
        assertFalse(spots.iterable(0, true).iterator().hasNext());
        assertEquals("ID7", a.getName());
    }

    @Test
    void trackIdsFollowTrackMateBreadthFirstNumberingCountingSingleSpotComponents() {
        final SpotCollection spots = new SpotCollection();
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = Model.newGraph();
        final Spot lone = spot(spots, 1, 0);
        final Spot a0 = spot(spots, 2, 0);
        final Spot a1 = spot(spots, 3, 1);
        final Spot b0 = spot(spots, 4, 0);
        final Spot b1 = spot(spots, 5, 1);
        final Spot b2 = spot(spots, 6, 2);
        for (final Spot s : new Spot[] {lone, a0, a1, b0, b1, b2}) {
            g.addVertex(s);
        }
        g.setEdgeWeight(g.addEdge(a0, a1), 2.5);
        g.addEdge(b0, b1);
        g.addEdge(b1, b2);
        final Model model = new Model();
        model.setSpots(spots);
        model.setTracks(g);
        final TrackModel tm = model.getTrackModel();
        assertEquals(Arrays.asList(1, 2), new ArrayList<>(tm.trackIDs(true)));
        assertEquals("Track_0", tm.name(1));
        assertEquals("Track_1", tm.name(2));
        assertEquals(2, tm.trackSpots(1).size());
        assertEquals(3, tm.trackSpots(2).size());
        assertEquals(Integer.valueOf(2), tm.trackIDOf(b1));
        assertNull(tm.trackIDOf(lone));
        tm.setVisibility(1, false);
        assertEquals(Arrays.asList(2), new ArrayList<>(tm.trackIDs(true)));
    }

    @Test
    void trackIdsAreSortedByNameAlphanumerically() {
        final TrackModel tm = new TrackModel();
        final List<Integer> ids = Arrays.asList(5, 3, 4);
        final String[] names = {"Track_10", "Track_2", "Track_1"};
        for (int i = 0; i < 3; i++) {
            tm.putTrack(ids.get(i), names[i], new java.util.HashSet<>(), new java.util.HashSet<>(), true);
        }
        assertEquals(Arrays.asList(4, 3, 5), new ArrayList<>(tm.trackIDs(false)));
        assertTrue(AlphanumericComparator.compareStrings("a2", "a10") < 0);
        assertThrows(IllegalArgumentException.class, () -> tm.putTrack(5, "x", new java.util.HashSet<>(),
                new java.util.HashSet<>(), true));
    }

    @Test
    void featureDeclarationsUseTrackMateNamesAndDimensions() {
        final FeatureDeclaration frame = FeatureKeys.spotDeclarations().get(FeatureKeys.FRAME);
        assertTrue(frame.isInt());
        assertEquals(Dimension.NONE, frame.dimension());
        assertEquals("R", FeatureKeys.spotDeclarations().get(FeatureKeys.RADIUS).shortName());
        assertEquals(Dimension.VELOCITY, FeatureKeys.edgeDeclarations().get(FeatureKeys.SPEED).dimension());
        assertEquals("Lgst gap", FeatureKeys.trackDeclarations().get(FeatureKeys.LONGEST_GAP).shortName());
        final Model model = new Model();
        assertEquals(8, model.getSpotDeclarations().size());
        assertEquals(3, model.getEdgeDeclarations().size());
        assertEquals(2, model.getTrackDeclarations().size());
    }
}
