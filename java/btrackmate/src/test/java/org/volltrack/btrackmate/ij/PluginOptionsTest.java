package org.volltrack.btrackmate.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.TrackerKeys;

class PluginOptionsTest {

    /** The macro options (parsed, then validated) are refused with a message holding every fragment. */
    private static void assertRefused(final String macroOptions, final String... fragments) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginOptions.fromMacroOptions(macroOptions).validate());
        for (final String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
    }

    @Test
    void parsesValuesFlagsAndBracketedPaths() {
        final PluginOptions o = PluginOptions.fromMacroOptions("labels=[/my data/labels.tif] raw=[None] "
                + "xml=/tmp/out.xml linking_max_distance=7.5 max_frame_gap=3 allow_track_splitting "
                + "min_tracklet_length=4 prune_mode=track tissue_filter voxel_depth=2");
        assertEquals("/my data/labels.tif", o.labels);
        assertEquals("", o.raw);
        assertEquals("/tmp/out.xml", o.xml);
        assertEquals(7.5, o.settings.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(3, o.settings.get(TrackerKeys.MAX_FRAME_GAP));
        assertEquals(Boolean.TRUE, o.settings.get(TrackerKeys.ALLOW_TRACK_SPLITTING));
        assertEquals(Boolean.FALSE, o.settings.get(TrackerKeys.ALLOW_GAP_CLOSING), "absent check box = off");
        assertEquals(4, o.settings.get(TrackerKeys.MIN_TRACKLET_LENGTH));
        assertEquals("TRACK", o.settings.get(TrackerKeys.PRUNE_MODE));
        assertEquals(Boolean.TRUE, o.settings.get(TrackerKeys.TISSUE_FILTER));
        assertEquals(2.0, o.calibration[2]);
        assertEquals(0.0, o.calibration[0]);
    }

    @Test
    void formatsWhatItParses() {
        final PluginOptions o = PluginOptions.fromMacroOptions("labels=[/a b/l.tif] mask=m.tif xml=[/o u/t.xml] "
                + "linking_max_distance=9 allow_gap_closing gap_closing_max_distance=12 pixel_width=0.5");
        final String text = o.toMacroOptions();
        assertTrue(text.contains("labels=[/a b/l.tif]"), text);
        assertTrue(text.contains(" allow_gap_closing "), text);
        assertFalse(text.contains("allow_track_merging"), text);
        final PluginOptions back = PluginOptions.fromMacroOptions(text);
        assertEquals(o.settings, back.settings);
        assertEquals(o.labels, back.labels);
        assertEquals(o.mask, back.mask);
        assertEquals(o.xml, back.xml);
        assertEquals(0.5, back.calibration[0]);
    }

    @Test
    void badValuesNameTheOption() {
        assertRefused("labels=l.tif xml=o.xml max_frame_gap=two", "max_frame_gap", "two");
    }

    @Test
    void aMisspelledOptionIsAnErrorNotASilentDefault() {
        assertRefused("labels=[/a b/l.tif] xml=o.xml linking_max_distanc=5", "unknown option 'linking_max_distanc'",
                "linking_max_distance");
    }

    @Test
    void missingInputsOrOutputAreReported() {
        assertRefused("xml=o.xml", "labels");
        assertRefused("labels=l.tif", "xml");
        assertThrows(IllegalArgumentException.class,
                () -> PluginOptions.fromMacroOptions("labels=l.tif csv=s.csv xml=o.xml").validate());
    }

    @Test
    void everyScalarTrackerKeyHasAMacroKey() {
        assertTrue(PluginOptions.trackerMacroKeys().contains("linking_max_distance"));
        assertTrue(PluginOptions.trackerMacroKeys().contains("min_tracklet_length"));
        assertFalse(PluginOptions.trackerMacroKeys().contains("linking_feature_penalties"));
    }
}
