package org.volltrack.btrackmate.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;

class TrackMateXmlRoundTripTest {

    static TrackMateFile readResource(final String name) throws IOException {
        try (InputStream in = TrackMateXmlRoundTripTest.class.getResourceAsStream("/trackmate/" + name)) {
            assertNotNull(in, "missing test resource " + name);
            return TrackMateXmlReader.read(in, name);
        }
    }

    static String write(final TrackMateFile file) throws IOException {
        final StringWriter out = new StringWriter();
        TrackMateXmlWriter.write(file, out);
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"trackmate_tracks_without_gap_closing.xml", "trackmate_tracks_with_gap_closing.xml",
        "trackmate_tracks_with_splitting.xml", "trackmate_tracks_with_merging.xml",
        "trackmate_tracks_with_splitting_merging.xml", "pycellin_Celegans-5pc-17timepoints.xml",
        "pycellin_FakeTracks.xml", "pycellin_Ecoli_growth_on_agar_pad.xml"})
    void referenceFilesReadWriteReadWriteIsByteIdentical(final String name, @TempDir final Path dir)
            throws IOException {
        final TrackMateFile original = readResource(name);
        final Path first = dir.resolve("first.xml");
        TrackMateXmlWriter.write(original, first);
        final TrackMateFile again = TrackMateXmlReader.read(first);
        final Path second = dir.resolve("second.xml");
        TrackMateXmlWriter.write(again, second);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertSameModel(original.model, again.model);
        assertEquals(original.trackerSettings, again.trackerSettings);
    }

    @ParameterizedTest
    @ValueSource(strings = {"trackmate_tracks_with_splitting_merging.xml"})
    void readsSpotsEdgesTracksAndSettingsOfATrackMate6File(final String name) throws IOException {
        final TrackMateFile file = readResource(name);
        assertEquals("6.0.1", file.version);
        assertEquals(183, file.model.getSpots().getNSpots(false));
        assertEquals(50, file.model.getSpots().keySet().size());
        assertEquals(4, file.model.getTrackModel().trackIDs(true).size());
        assertEquals("pixel", file.model.getSpaceUnits());
        final Map<String, Object> s = file.trackerSettings;
        assertEquals(Boolean.TRUE, s.get(TrackerKeys.ALLOW_TRACK_SPLITTING));
        assertEquals(Boolean.TRUE, s.get(TrackerKeys.ALLOW_TRACK_MERGING));
        assertEquals(2, s.get(TrackerKeys.MAX_FRAME_GAP));
        assertEquals(15.0, s.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(Double.POSITIVE_INFINITY, s.get(TrackerKeys.BLOCKING_VALUE));
        final Spot spot = file.model.getSpots().getSpot(45106);
        assertEquals(104.45845921674582, spot.getDoublePosition(0));
        assertEquals(-10921639.0, spot.getFeature("MANUAL_COLOR"));
        final int track1 = 1;
        assertEquals(2.0, file.model.getTrackFeature(track1, "NUMBER_SPLITS"));
        assertEquals(128, file.imageData.width);
        assertEquals("LOG_DETECTOR", file.detectorSettings.get("DETECTOR_NAME"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trackmate_tracks_with_gap_closing.xml"})
    void writtenFileFollowsTheWriterChecklist(final String name) throws IOException {
        final String xml = write(readResource(name));
        assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TrackMate version=\"7.14.0\">"),
                xml.substring(0, 80));
        for (final String required : new String[] {"<Model spatialunits=", "<FeatureDeclarations>",
            "<AllSpots nspots=", "<AllTracks>", "<FilteredTracks>", "<ImageData ", "<InitialSpotFilter ",
            "<SpotFilterCollection", "<TrackFilterCollection", "<Linking LINKING_MAX_DISTANCE=\"15.0\">"}) {
            assertTrue(xml.contains(required), required);
        }
        assertTrue(xml.contains("FRAME=\"0\""), "int features written as integers");
        assertTrue(xml.contains("VISIBILITY=\"1\""));
        assertFalse(xml.contains("FRAME=\"0.0\""));
        assertTrue(xml.indexOf("<Spot ID=\"") < xml.indexOf(" name=\"ID", xml.indexOf("<Spot ID=\"")));
    }

    @org.junit.jupiter.api.Test
    void readsPycellinFilesOfTrackMate7And8WithRoisAndOtherTrackers() throws IOException {
        final TrackMateFile ecoli = readResource("pycellin_Ecoli_growth_on_agar_pad.xml");
        assertEquals("7.10.2", ecoli.version);
        assertEquals(null, ecoli.trackerSettings);
        assertEquals("OVERLAP_TRACKER", ecoli.trackerName);
        final Spot withRoi = ecoli.model.getSpots().all(false).stream().filter(s -> s.getRoi() != null)
                .findFirst().orElseThrow(AssertionError::new);
        assertTrue(withRoi.getRoi().length >= 6);
        final String written = write(ecoli);
        assertTrue(written.contains("TRACKER_NAME=\"OVERLAP_TRACKER\" SCALE_FACTOR=\"1.3\""), "kept verbatim");
        assertFalse(written.contains("ROI_N_POINTS=\"0\""));
        final TrackMateFile fake = readResource("pycellin_FakeTracks.xml");
        assertTrue(fake.version.startsWith("8.0.0"));
        assertEquals(Boolean.TRUE, fake.trackerSettings.get(TrackerKeys.ALLOW_TRACK_MERGING));
        assertEquals(10.0, fake.trackerSettings.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(7, fake.model.getTrackModel().nTracks());
        assertEquals(2, fake.model.getTrackModel().trackIDs(true).size(), "FilteredTracks lists 2 of 7");
        assertEquals(1, fake.spotFilters.size());
    }

    static void assertSameModel(final Model a, final Model b) {
        assertEquals(a.getSpots().getNSpots(false), b.getSpots().getNSpots(false));
        assertEquals(a.getSpots().keySet(), b.getSpots().keySet());
        for (final Spot spot : a.getSpots().all(false)) {
            assertEquals(spot.getFeatures(), b.getSpots().getSpot(spot.getId()).getFeatures());
        }
        assertEquals(EdgeSets.of(a), EdgeSets.of(b));
        assertEquals(a.getTrackModel().trackIDs(true), b.getTrackModel().trackIDs(true));
    }

    static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
