package org.volltrack.btrackmate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrackerSettingsTest {

    @Test
    void defaultsAreTrackMatesPlusOurKeys() {
        final Map<String, Object> s = TrackerKeys.defaultSettings();
        assertEquals(15.0, s.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(Boolean.TRUE, s.get(TrackerKeys.ALLOW_GAP_CLOSING));
        assertEquals(2, s.get(TrackerKeys.MAX_FRAME_GAP));
        assertEquals(Boolean.FALSE, s.get(TrackerKeys.ALLOW_TRACK_SPLITTING));
        assertEquals(1.05, s.get(TrackerKeys.ALTERNATIVE_LINKING_COST_FACTOR));
        assertEquals(0.9, s.get(TrackerKeys.CUTOFF_PERCENTILE));
        assertEquals(Double.POSITIVE_INFINITY, s.get(TrackerKeys.BLOCKING_VALUE));
        assertEquals(Collections.emptyMap(), s.get(TrackerKeys.LINKING_FEATURE_PENALTIES));
        assertEquals(0, s.get(TrackerKeys.MIN_TRACKLET_LENGTH));
        assertEquals("BRANCH", s.get(TrackerKeys.PRUNE_MODE));
        assertEquals(Boolean.FALSE, s.get(TrackerKeys.TISSUE_FILTER));
        assertEquals(0.5, s.get(TrackerKeys.TISSUE_MIN_FRACTION));
        assertEquals(TrackerKeys.MODE_EXACT_LAP, s.get(TrackerKeys.TRACKING_MODE));
        assertEquals(0.5, s.get(TrackerKeys.DIVISION_MAX_COST));
        assertEquals(1.0, s.get(TrackerKeys.DIVISION_SIZE_WEIGHT));
        assertEquals(0.5, s.get(TrackerKeys.DIVISION_VOLUME_WEIGHT));
        assertEquals(1.0, s.get(TrackerKeys.DIVISION_DISTANCE_WEIGHT));
        assertEquals(0.0, s.get(TrackerKeys.DIVISION_SEPARATION_WEIGHT));
        assertEquals(0.0, s.get(TrackerKeys.DIVISION_BORDER_WEIGHT));
        assertEquals(0.0, s.get(TrackerKeys.DIVISION_INTENSITY_WEIGHT));
        assertEquals(0.0, s.get(TrackerKeys.DIVISION_BOUNDARY_WEIGHT));
        assertEquals(0.0, s.get(TrackerKeys.DIVISION_MERGE_WEIGHT));
        assertEquals(0.0, s.get(TrackerKeys.DIVISION_FRAGMENT_WEIGHT));
        assertEquals(1.0, s.get(TrackerKeys.DIVISION_FRAGMENT_RATIO));
        assertEquals(31, s.size());
        assertEquals(TrackerKeys.defaultSettings(), TrackerSettings.normalize(null));
    }

    @Test
    void integerAcceptedWhereDoubleExpectedAndIntegralDoubleWhereIntegerExpected() {
        final Map<String, Object> given = new HashMap<>();
        given.put(TrackerKeys.LINKING_MAX_DISTANCE, 15);
        given.put(TrackerKeys.MAX_FRAME_GAP, 3.0);
        final Map<String, Object> s = TrackerSettings.normalize(given);
        assertEquals(Double.class, s.get(TrackerKeys.LINKING_MAX_DISTANCE).getClass());
        assertEquals(15.0, s.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(3, s.get(TrackerKeys.MAX_FRAME_GAP));
    }

    @Test
    void stringWhereNumberExpectedIsRefusedNamingKeyAndValue() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackerSettings.normalize(Collections.singletonMap(TrackerKeys.LINKING_MAX_DISTANCE, "abc")));
        assertTrue(e.getMessage().contains("LINKING_MAX_DISTANCE"), e.getMessage());
        assertTrue(e.getMessage().contains("\"abc\""), e.getMessage());
        assertTrue(e.getMessage().contains("a number"), e.getMessage());
    }

    @Test
    void unknownKeyIsRefused() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackerSettings.normalize(Collections.singletonMap("LINKING_MAX_DISTANSE", 10.0)));
        assertTrue(e.getMessage().startsWith("unknown settings key 'LINKING_MAX_DISTANSE'"), e.getMessage());
        assertTrue(e.getMessage().contains("LINKING_MAX_DISTANCE"), "lists the known keys");
    }

    @Test
    void wrongTypesAndRangesAreRefused() {
        assertRefused(TrackerKeys.MAX_FRAME_GAP, 2.5, "integer");
        assertRefused(TrackerKeys.ALLOW_GAP_CLOSING, "yes", "true or false"); // "true" is taken, as in Python
        assertRefused(TrackerKeys.PRUNE_MODE, "SOMETIMES", "BRANCH, TRACK, BOTH");
        assertRefused(TrackerKeys.TISSUE_MIN_FRACTION, 1.5, "[0, 1]");
        assertRefused(TrackerKeys.LINKING_MAX_DISTANCE, -1.0, ">= 0");
        assertRefused(TrackerKeys.MIN_TRACKLET_LENGTH, -2, ">= 0");
        assertRefused(TrackerKeys.LINKING_FEATURE_PENALTIES, Collections.singletonMap("QUALITY", "x"), "weight");
        assertRefused(TrackerKeys.LINKING_FEATURE_PENALTIES, 3.0, "map");
        assertRefused(TrackerKeys.LINKING_FEATURE_PENALTIES, Collections.singletonMap("MEAN INTENSITY", 1.0),
                "feature names must be spot feature keys");
        assertRefused(TrackerKeys.LINKING_MAX_DISTANCE, null, "null");
    }

    private static void assertRefused(final String key, final Object value, final String expected) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackerSettings.normalize(Collections.singletonMap(key, value)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void jsonWithNestedPenaltiesIsParsedAndTyped() {
        final Map<String, Object> s = TrackerSettings.fromJson("{\"LINKING_MAX_DISTANCE\": 10, \"MAX_FRAME_GAP\": 3,"
                + " \"ALLOW_TRACK_SPLITTING\": true, \"LINKING_FEATURE_PENALTIES\": {\"QUALITY\": 1},"
                + " \"PRUNE_MODE\": \"track\"}", "s.json");
        assertEquals(10.0, s.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(3, s.get(TrackerKeys.MAX_FRAME_GAP));
        assertEquals(Boolean.TRUE, s.get(TrackerKeys.ALLOW_TRACK_SPLITTING));
        assertEquals(Collections.singletonMap("QUALITY", 1.0), s.get(TrackerKeys.LINKING_FEATURE_PENALTIES));
        assertEquals("TRACK", s.get(TrackerKeys.PRUNE_MODE));
    }

    @Test
    void jsonErrorsNameTheSource() {
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TrackerSettings.fromJson("{\"LINKING_MAX_DISTANCE\": ", "s.json"));
        assertTrue(bad.getMessage().startsWith("s.json: not a valid JSON object"), bad.getMessage());
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> TrackerSettings.fromJson("{\"MAX_FRAME_GAP\": \"abc\"}", "s.json"));
        assertTrue(wrong.getMessage().startsWith("s.json: settings key 'MAX_FRAME_GAP'"), wrong.getMessage());
    }

    @Test
    void jsonOverridesBaseSettings() {
        final Map<String, Object> base = TrackerSettings.normalize(
                Collections.singletonMap(TrackerKeys.ALLOW_TRACK_MERGING, true));
        final Map<String, Object> s = TrackerSettings.fromJson("{\"MAX_FRAME_GAP\": 5}", "s.json", base);
        assertEquals(Boolean.TRUE, s.get(TrackerKeys.ALLOW_TRACK_MERGING));
        assertEquals(5, s.get(TrackerKeys.MAX_FRAME_GAP));
    }
}
