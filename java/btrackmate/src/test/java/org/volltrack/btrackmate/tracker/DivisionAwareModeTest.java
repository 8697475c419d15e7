package org.volltrack.btrackmate.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * TRACKING_MODE = DIVISION_AWARE on small scenes whose correct divisions are known: exact LAP gets a division
 * wrong, the division-aware mode gets it right; EXACT_LAP stays the default.
 */
class DivisionAwareModeTest {

    /** Mother volume 1000 (RADIUS 10), daughters of half its volume. */
    private static final double DAUGHTER_RADIUS = 10 / Math.cbrt(2);

    /**
     * Cell M (IDs 1..) divides between frames 1 and 2 into daughters 10.. and 20.., symmetric about M. Cell P
     * (IDs 30..) does not divide, but a new cell Q (IDs 40..) appears next to it in frame 2 (a cell entering the
     * field): the exact LAP, splitting allowed, links P to Q as a division.
     */
    private static SpotCollection scene() {
        SpotCollection spots = new SpotCollection();
        spots.add(new Spot(1, 0, 0, 0, 10, 1), 0);
        spots.add(new Spot(2, 0.5, 0, 0, 10, 1), 1);
        for (int f = 2; f < 5; f++) {
            spots.add(new Spot(10 + f, 0.5 - 7 - f, 0.3, 0, DAUGHTER_RADIUS, 1), f);
            spots.add(new Spot(20 + f, 0.5 + 7 + f, -0.3, 0, DAUGHTER_RADIUS, 1), f);
        }
        for (int f = 0; f < 5; f++) {
            spots.add(new Spot(30 + f, 60 + 0.3 * f, 0, 0, 10, 1), f);
        }
        for (int f = 2; f < 5; f++) {
            spots.add(new Spot(40 + f, 60 + 11 + f, 2, 0, 10, 1), f);
        }
        return spots;
    }

    private static Map<String, Object> settings(String mode) {
        Map<String, Object> s = TrackerKeys.defaultSettings();
        s.put(TrackerKeys.ALLOW_TRACK_SPLITTING, true);
        s.put(TrackerKeys.SPLITTING_MAX_DISTANCE, 15.0);
        s.put(TrackerKeys.TRACKING_MODE, mode);
        return s;
    }

    private static Map<Integer, TreeSet<Integer>> divisions(SpotCollection spots, Map<String, Object> settings) {
        SparseLapTracker tracker = new SparseLapTracker(spots, settings);
        assertTrue(tracker.checkInput(), tracker.getErrorMessage());
        assertTrue(tracker.process(), tracker.getErrorMessage());
        SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = tracker.getResult();
        Map<Integer, TreeSet<Integer>> children = new TreeMap<>();
        for (DefaultWeightedEdge e : graph.edgeSet()) {
            Spot a = graph.getEdgeSource(e);
            Spot b = graph.getEdgeTarget(e);
            Spot source = a.frame() < b.frame() ? a : b;
            Spot target = source == a ? b : a;
            children.computeIfAbsent(source.getId(), k -> new TreeSet<>()).add(target.getId());
        }
        children.values().removeIf(set -> set.size() < 2);
        return children;
    }

    @Test
    void exactLapMakesAFalseDivisionThatTheDivisionAwareModeRejects() {
        Map<Integer, TreeSet<Integer>> lap = divisions(scene(), settings(TrackerKeys.MODE_EXACT_LAP));
        assertEquals(new TreeSet<>(java.util.List.of(32, 42)), lap.get(31), "exact LAP splits P towards Q: " + lap);
        assertEquals(new TreeSet<>(java.util.List.of(12, 22)), lap.get(2), "and finds the true division: " + lap);
        Map<Integer, TreeSet<Integer>> aware = divisions(scene(), settings(TrackerKeys.MODE_DIVISION_AWARE));
        assertEquals(Map.of(2, new TreeSet<>(java.util.List.of(12, 22))), aware);
    }

    @Test
    void divisionAwareFindsADivisionTheLapMissesWithoutSplitting() {
        Map<String, Object> exact = settings(TrackerKeys.MODE_EXACT_LAP);
        exact.put(TrackerKeys.ALLOW_TRACK_SPLITTING, false);
        assertEquals(Map.of(), divisions(scene(), exact));
        Map<String, Object> aware = settings(TrackerKeys.MODE_DIVISION_AWARE);
        aware.put(TrackerKeys.ALLOW_TRACK_SPLITTING, false);
        assertEquals(Map.of(2, new TreeSet<>(java.util.List.of(12, 22))), divisions(scene(), aware));
    }

    @Test
    void lopsidedDaughtersAreRejectedByTheSizeTerm() {
        SpotCollection spots = motherAndDaughters(-8, 10, 8, 3);
        spots.add(new Spot(5, -9, 0, 0, 10, 1), 3);
        spots.add(new Spot(6, 9, 0, 0, 3, 1), 3);
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        assertFalse(divisions(spots, s).isEmpty() == divisions(spots, settings(TrackerKeys.MODE_EXACT_LAP))
                .isEmpty(), "the LAP splits by distance alone; the size asymmetry (ln 37)² rejects it");
        s.put(TrackerKeys.DIVISION_SIZE_WEIGHT, 0.0);
        s.put(TrackerKeys.DIVISION_VOLUME_WEIGHT, 0.0);
        assertEquals(1, divisions(spots, s).size(), "without size terms the symmetric geometry is accepted");
    }

    @Test
    void exactLapIsTheDefaultAndUnknownModesAreRefused() {
        assertEquals(TrackerKeys.MODE_EXACT_LAP, TrackerKeys.defaultSettings().get(TrackerKeys.TRACKING_MODE));
        Map<String, Object> bad = TrackerKeys.defaultSettings();
        bad.put(TrackerKeys.TRACKING_MODE, "FANCY");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackerSettings.normalize(bad));
        assertTrue(e.getMessage().contains("TRACKING_MODE"), e.getMessage());
        Map<String, Object> negative = TrackerKeys.defaultSettings();
        negative.put(TrackerKeys.DIVISION_MAX_COST, -1.0);
        assertThrows(IllegalArgumentException.class, () -> TrackerSettings.normalize(negative));
    }

    /** A still mother (IDs 1, 2; radius 10) at the origin in frames 0 and 1, then daughters 3 and 4 in frame 2. */
    private static SpotCollection motherAndDaughters(final double x3, final double radius3, final double x4,
            final double radius4) {
        SpotCollection spots = new SpotCollection();
        spots.add(new Spot(1, 0, 0, 0, 10, 1), 0);
        spots.add(new Spot(2, 0, 0, 0, 10, 1), 1);
        spots.add(new Spot(3, x3, 0, 0, radius3, 1), 2);
        spots.add(new Spot(4, x4, 0, 0, radius4, 1), 2);
        return spots;
    }

    /**
     * A 5 x 5 sheet of static cells 10 apart (IDs 100 + 25 f + k) with a true division in its middle (M, IDs 1, 2;
     * daughters 13/23 .. at ±3) and, at its right edge, cell P (the sheet's cell (4, 2)) that moves 4 inwards
     * while a new cell Q (IDs 50..) enters 5 beyond P's old place: geometrically a good division of P.
     */
    private static SpotCollection sheet() {
        SpotCollection spots = new SpotCollection();
        for (int f = 0; f < 4; f++) {
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    if (i == 2 && j == 2) {
                        continue;
                    }
                    double x = 10 * i + (i == 4 && j == 2 && f >= 2 ? -4 : 0);
                    spots.add(new Spot(100 + 25 * f + 5 * i + j, x, 10 * j, 0, 10, 1), f);
                }
            }
            if (f < 2) {
                spots.add(new Spot(1 + f, 20, 20, 0, 10, 1), f);
            } else {
                spots.add(new Spot(11 + f, 17, 20, 0, DAUGHTER_RADIUS, 1), f);
                spots.add(new Spot(21 + f, 23, 20, 0, DAUGHTER_RADIUS, 1), f);
                spots.add(new Spot(50 + f, 45, 20, 0, 10, 1), f);
            }
        }
        return spots;
    }

    @Test
    void theBorderTermRejectsACellEnteringAtTheEdgeAndKeepsTheInteriorDivision() {
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        s.put(TrackerKeys.ALLOW_TRACK_SPLITTING, false);
        s.put(TrackerKeys.LINKING_MAX_DISTANCE, 6.0);
        s.put(TrackerKeys.ALLOW_GAP_CLOSING, false);
        int p = 100 + 25 + 5 * 4 + 2;
        Map<Integer, TreeSet<Integer>> without = divisions(sheet(), s);
        assertEquals(new TreeSet<>(java.util.List.of(p + 25, 52)), without.get(p), "no border term: " + without);
        assertEquals(new TreeSet<>(java.util.List.of(13, 23)), without.get(2), without.toString());
        s.put(TrackerKeys.DIVISION_BORDER_WEIGHT, 1.0);
        assertEquals(Map.of(2, new TreeSet<>(java.util.List.of(13, 23))), divisions(sheet(), s));
    }

    @Test
    void theSeparationTermRejectsDaughtersFarApartForTheMothersSize() {
        SpotCollection spots = motherAndDaughters(-9, DAUGHTER_RADIUS, 9, DAUGHTER_RADIUS);
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        assertEquals(1, divisions(spots, s).size(), "daughters 9 from a mother of radius 10: cost 0 without the term");
        s.put(TrackerKeys.DIVISION_SEPARATION_WEIGHT, 1.0);
        assertTrue(divisions(spots, s).isEmpty(), "(9 / 10)² = 0.81 > DIVISION_MAX_COST 0.5");
        s.put(TrackerKeys.DIVISION_MAX_COST, 0.9);
        assertEquals(1, divisions(spots, s).size());
    }

    /**
     * Mother (IDs 1, 2) of MEAN_INTENSITY_CH1 100 and two spots symmetric about it in frame 2, of intensities 100
     * and {@code other}; a far cell of intensity 50 in every frame (the frame's dimmest: levels above 45).
     */
    private static SpotCollection stained(double other) {
        SpotCollection spots = new SpotCollection();
        double[][] rows = {{1, 0, 0, 100}, {2, 1, 0, 100}, {3, 1 - 7, 0.5, 100}, {4, 1 + 7, -0.5, other},
            {50, 80, 0, 50}, {51, 80, 1, 50}, {52, 80, 2, 50}};
        int[] frames = {0, 1, 2, 2, 0, 1, 2};
        for (int i = 0; i < rows.length; i++) {
            boolean mother = rows[i][0] < 3;
            Spot spot = new Spot((int) rows[i][0], rows[i][1], rows[i][2], 0, mother ? 10 : DAUGHTER_RADIUS, 1);
            spot.putFeature(DivisionPass.INTENSITY_FEATURE, rows[i][3]);
            spots.add(spot, frames[i]);
        }
        return spots;
    }

    @Test
    void theIntensityTermRejectsADaughterUnlikeItsMother() {
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        assertEquals(Map.of(2, new TreeSet<>(java.util.List.of(3, 4))), divisions(stained(300), s),
                "no intensity term: the geometry alone accepts the division");
        s.put(TrackerKeys.DIVISION_INTENSITY_WEIGHT, 1.0);
        assertTrue(divisions(stained(300), s).isEmpty(), "ln((300 - 45) / (100 - 45))² = 2.36 > 0.5");
        assertEquals(Map.of(2, new TreeSet<>(java.util.List.of(3, 4))), divisions(stained(104), s),
                "ln(59 / 55)² = 0.005: kept");
        SpotCollection plain = scene();
        assertEquals(divisions(scene(), settings(TrackerKeys.MODE_DIVISION_AWARE)), divisions(plain, s),
                "spots without MEAN_INTENSITY_CH1: the term is 0");
    }

    @Test
    void intensityLevelsAreAboveMostOfTheFramesDimmestSpot() {
        double[] zero = new double[4];
        LapSpots spots = LapSpots.of(new int[] {1, 2, 3, 4}, new int[] {0, 0, 1, 1}, zero, zero, zero, null,
                Map.of(DivisionPass.INTENSITY_FEATURE, new double[] {100, 150, 20, 40}));
        double[] levels = DivisionPass.Levels.of(spots);
        assertEquals(100 - 90.0, levels[0], 1e-12);
        assertEquals(150 - 90.0, levels[1], 1e-12);
        assertEquals(20 - 18.0, levels[2], 1e-12);
        assertEquals(40 - 18.0, levels[3], 1e-12);
        assertEquals(2 * Math.log(6.0) * Math.log(6.0), DivisionPass.intensityTerm(levels, 0, 1, 1), 1e-12);
        LapSpots dark = LapSpots.of(new int[] {1, 2}, new int[] {0, 1}, new double[2], new double[2],
                new double[2], null, Map.of(DivisionPass.INTENSITY_FEATURE, new double[] {0, 40}));
        assertEquals(null, DivisionPass.Levels.of(dark), "a spot of intensity 0: no term");
    }

    /**
     * Mother (IDs 1, 2; radius 10) deep in a tissue and two spots about it in frame 2: spot 3 (the LAP's
     * continuation, 7 away) and spot 4 (8 away, no LAP predecessor) at DISTANCE_TO_BOUNDARY {@code edge} (null:
     * spot 4 lacks the feature); a far cell in every frame.
     */
    private static SpotCollection nearBoundary(Double edge) {
        SpotCollection spots = new SpotCollection();
        double[][] rows = {{1, 0, 0, 20}, {2, 1, 0, 20}, {3, 1 - 7, 0.5, 20}, {4, 1 + 8, -0.5, 0},
            {50, 80, 0, 20}, {51, 80, 1, 20}, {52, 80, 2, 20}};
        int[] frames = {0, 1, 2, 2, 0, 1, 2};
        for (int i = 0; i < rows.length; i++) {
            boolean mother = rows[i][0] < 3 || rows[i][0] >= 50;
            Spot spot = new Spot((int) rows[i][0], rows[i][1], rows[i][2], 0, mother ? 10 : DAUGHTER_RADIUS, 1);
            Double distance = rows[i][0] == 4 ? edge : Double.valueOf(rows[i][3]);
            if (distance != null) {
                spot.putFeature(DivisionPass.BOUNDARY_FEATURE, distance);
            }
            spots.add(spot, frames[i]);
        }
        return spots;
    }

    @Test
    void theBoundaryTermRejectsADaughterAtTheTissueBoundary() {
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        Map<Integer, TreeSet<Integer>> division = Map.of(2, new TreeSet<>(java.util.List.of(3, 4)));
        assertEquals(division, divisions(nearBoundary(0.5), s), "no boundary term: the geometry accepts it");
        s.put(TrackerKeys.DIVISION_BOUNDARY_WEIGHT, 1.0);
        assertTrue(divisions(nearBoundary(0.5), s).isEmpty(), "exp(-0.5 / 10) = 0.95 > DIVISION_MAX_COST 0.5");
        assertTrue(divisions(nearBoundary(-3.0), s).isEmpty(), "outside the mask counts as on the boundary");
        assertEquals(division, divisions(nearBoundary(40.0), s), "exp(-40 / 10) = 0.02: kept");
        assertEquals(division, divisions(nearBoundary(null), s), "spot 4 without DISTANCE_TO_BOUNDARY: term 0");
        assertEquals(divisions(scene(), settings(TrackerKeys.MODE_DIVISION_AWARE)), divisions(scene(), s),
                "spots without the feature: the term is 0");
    }
    @Test
    void theMergeTermRejectsAMotherThatATrackVanishedIntoTheFrameBefore() {
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        s.put(TrackerKeys.ALLOW_GAP_CLOSING, false);
        Map<Integer, TreeSet<Integer>> division = Map.of(2, new TreeSet<>(java.util.List.of(3, 4)));
        SpotCollection merged = motherAndDaughters(-8, DAUGHTER_RADIUS, 8, DAUGHTER_RADIUS);
        merged.add(new Spot(9, 5, 0, 0, 6, 1), 0);  // a cell next to the mother in frame 0, gone in frame 1
        assertEquals(division, divisions(merged, s), "no merge term: the symmetric geometry is accepted");
        s.put(TrackerKeys.DIVISION_MERGE_WEIGHT, 1.0);
        assertTrue(divisions(merged, s).isEmpty(), "exp(-5 / 10) = 0.61 > DIVISION_MAX_COST 0.5");
        SpotCollection far = motherAndDaughters(-8, DAUGHTER_RADIUS, 8, DAUGHTER_RADIUS);
        far.add(new Spot(9, 60, 0, 0, 6, 1), 0);    // a track ending beyond SPLITTING_MAX_DISTANCE: term 0
        assertEquals(division, divisions(far, s), "the true division, no track ending next to its mother, is kept");
    }

    @Test
    void theFragmentTermRejectsPiecesOfOneCellAndKeepsGrownDaughters() {
        Map<String, Object> s = settings(TrackerKeys.MODE_DIVISION_AWARE);
        s.put(TrackerKeys.DIVISION_VOLUME_WEIGHT, 0.0);
        double piece = 10 * Math.cbrt(0.5);     // two pieces summing to the mother's volume
        double grown = 10 * Math.cbrt(0.65);    // daughters summing to 1.3 times the mother's volume
        SpotCollection fragment = motherAndDaughters(-8, piece, 8, piece);
        SpotCollection division = motherAndDaughters(-8, grown, 8, grown);
        Map<Integer, TreeSet<Integer>> expected = Map.of(2, new TreeSet<>(java.util.List.of(3, 4)));
        assertEquals(expected, divisions(fragment, s), "no fragment term: the pieces look like daughters");
        s.put(TrackerKeys.DIVISION_FRAGMENT_WEIGHT, 10.0);
        assertEquals(expected, divisions(fragment, s), "ratio 1 (default): volumes summing to the mother's add 0");
        s.put(TrackerKeys.DIVISION_FRAGMENT_RATIO, 1.3);
        assertTrue(divisions(fragment, s).isEmpty(), "10 ln(1.3)² = 0.69 > DIVISION_MAX_COST 0.5");
        assertEquals(expected, divisions(division, s), "daughters summing to 1.3 V_m: term 0, kept");
        Map<String, Object> bad = TrackerKeys.defaultSettings();
        bad.put(TrackerKeys.DIVISION_FRAGMENT_RATIO, 0.0);
        assertThrows(IllegalArgumentException.class, () -> TrackerSettings.normalize(bad));
    }
}
