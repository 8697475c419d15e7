package org.volltrack.btrackmate.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.TrackerKeys;

class TrackMateXmlReaderErrorsTest {

    static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    static String minimal(final String version, final String spots, final String tracks) {
        return HEAD + "<TrackMate version=\"" + version + "\">\n<Model spatialunits=\"micron\" timeunits=\"sec\">\n"
                + "<AllSpots nspots=\"2\">\n<SpotsInFrame frame=\"0\">\n" + spots + "\n</SpotsInFrame>\n</AllSpots>\n"
                + "<AllTracks>\n" + tracks + "\n</AllTracks>\n<FilteredTracks/>\n</Model>\n</TrackMate>\n";
    }

    static TrackMateFile read(final String xml) throws XmlFormatException {
        return TrackMateXmlReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.xml");
    }

    static XmlFormatException fails(final String xml, final String expected) {
        final XmlFormatException e = assertThrows(XmlFormatException.class, () -> read(xml));
        assertTrue(e.getMessage().startsWith("test.xml"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }

    static final String TWO_SPOTS = "<Spot ID=\"1\" name=\"a\" POSITION_X=\"1.0\" POSITION_Y=\"2.0\" FRAME=\"0\"/>"
            + "<Spot ID=\"2\" POSITION_X=\"3.0\" POSITION_Y=\"NaN\" FRAME=\"0\" VISIBILITY=\"0\"/>";

    @Test
    void minimalFileIsReadWithNaNValuesAndVisibility() throws Exception {
        final TrackMateFile f = read(minimal("7.14.0", TWO_SPOTS, ""));
        assertEquals(2, f.model.getSpots().getNSpots(false));
        assertEquals(1, f.model.getSpots().getNSpots(true));
        assertTrue(Double.isNaN(f.model.getSpots().getSpot(2).getDoublePosition(1)));
        assertEquals("a", f.model.getSpots().getSpot(1).getName());
        assertEquals("ID2", f.model.getSpots().getSpot(2).getName());
    }

    @Test
    void doctypeAndExternalEntitiesAreRefused() {
        fails(HEAD + "<!DOCTYPE TrackMate [<!ENTITY lol \"lol\">]>\n<TrackMate version=\"7.14.0\">&lol;</TrackMate>",
                "not allowed");
        fails(HEAD + "<!DOCTYPE TrackMate [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + "<TrackMate version=\"7.14.0\"><Log>&xxe;</Log></TrackMate>", "not allowed");
        fails(HEAD + "<TrackMate version=\"7.14.0\"><Log>&undefined;</Log></TrackMate>", "test.xml");
    }

    @Test
    void truncatedFileGivesLineAndColumn() {
        final String whole = minimal("7.14.0", TWO_SPOTS, "");
        final XmlFormatException e = fails(whole.substring(0, whole.indexOf("</AllSpots>") + 5),
                "malformed or truncated XML");
        assertTrue(e.getMessage().matches("test\\.xml: line \\d+, column \\d+: .*"), e.getMessage());
    }

    @Test
    void structuralErrorsAreNamed() {
        fails(HEAD + "<Tracks/>", "root element is <Tracks>");
        fails(HEAD + "<TrackMate><Model/></TrackMate>", "no version attribute");
        fails(HEAD + "<TrackMate version=\"7.14.0\"><Log>x</Log></TrackMate>", "<Model> is missing");
        fails(HEAD + "<TrackMate version=\"7.14.0\"><Model></Model></TrackMate>", "<AllSpots> is missing");
        fails("", "test.xml");
    }

    @Test
    void badSpotsAreRefusedWithTheirLine() {
        final XmlFormatException e = fails(minimal("7.14.0", "<Spot name=\"x\" FRAME=\"0\"/>", ""),
                "<Spot> without ID");
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
        fails(minimal("7.14.0", "<Spot ID=\"1\" POSITION_X=\"abc\" FRAME=\"0\"/>", ""),
                "POSITION_X=\"abc\" on <Spot> is not a number");
        fails(minimal("7.14.0", "<Spot ID=\"1\" FRAME=\"0\"/><Spot ID=\"1\" FRAME=\"0\"/>", ""),
                "duplicate spot ID 1");
        fails(minimal("7.14.0", "<Spot ID=\"1\" FRAME=\"3\"/>", ""), "FRAME=3.0 but is in SpotsInFrame frame=0");
        fails(minimal("7.14.0", "<Spot ID=\"1\" FRAME=\"0\" ROI_N_POINTS=\"3\">1 2 3</Spot>", ""),
                "needs 6 coordinates");
    }

    @Test
    void badEdgesAreRefused() {
        final String spots = "<Spot ID=\"1\" FRAME=\"0\"/><Spot ID=\"2\" FRAME=\"0\"/>";
        fails(minimal("7.14.0", spots, "<Track name=\"T\" TRACK_ID=\"0\"><Edge SPOT_SOURCE_ID=\"1\" "
                + "SPOT_TARGET_ID=\"9\"/></Track>"), "unknown spot ID 9");
        fails(minimal("7.14.0", spots, "<Track name=\"T\" TRACK_ID=\"0\"><Edge SPOT_SOURCE_ID=\"1\" "
                + "SPOT_TARGET_ID=\"1\"/></Track>"), "self-loop");
        fails(minimal("7.14.0", spots, "<Track name=\"T\" TRACK_ID=\"0\"><Edge SPOT_SOURCE_ID=\"1\" "
                + "SPOT_TARGET_ID=\"2\"/><Edge SPOT_SOURCE_ID=\"2\" SPOT_TARGET_ID=\"1\"/></Track>"),
                "duplicate edge");
    }

    @Test
    void oldBTrackmateForkFileIsReadWithItsTrackletLength() throws Exception {
        final String xml = minimal("2.0.0", "<Spot ID=\"1\" FRAME=\"0\"/><Spot ID=\"2\" FRAME=\"0\"/>", "")
                .replace("</Model>", "</Model><Settings><ImageData filename=\"a.tif\" folder=\"\" width=\"10\" "
                        + "height=\"10\" nslices=\"3\" nframes=\"2\" pixelwidth=\"0.5\" pixelheight=\"0.5\" "
                        + "voxeldepth=\"2\" timeinterval=\"1\"/><TrackerSettings TRACKER_NAME=\"SPARSE_LAP_TRACKER\""
                        + " CUTOFF_PERCENTILE=\"0.9\" ALTERNATIVE_LINKING_COST_FACTOR=\"1.05\" BLOCKING_VALUE="
                        + "\"Infinity\" TRACKLET_LENGTH=\"2\"><Linking LINKING_MAX_DISTANCE=\"8.0\"><FeaturePenalties"
                        + " QUALITY=\"1.0\"/></Linking><GapClosing ALLOW_GAP_CLOSING=\"false\" "
                        + "GAP_CLOSING_MAX_DISTANCE=\"15.0\" MAX_FRAME_GAP=\"2\"/><TrackSplitting "
                        + "ALLOW_TRACK_SPLITTING=\"true\" SPLITTING_MAX_DISTANCE=\"15.0\"/><TrackMerging "
                        + "ALLOW_TRACK_MERGING=\"false\" MERGING_MAX_DISTANCE=\"15.0\"/></TrackerSettings>"
                        + "</Settings>");
        final TrackMateFile f = read(xml);
        assertEquals("2.0.0", f.version);
        assertEquals(2, f.trackerSettings.get(TrackerKeys.MIN_TRACKLET_LENGTH));
        assertEquals(8.0, f.trackerSettings.get(TrackerKeys.LINKING_MAX_DISTANCE));
        assertEquals(Boolean.TRUE, f.trackerSettings.get(TrackerKeys.ALLOW_TRACK_SPLITTING));
        assertEquals(java.util.Collections.singletonMap("QUALITY", 1.0),
                f.trackerSettings.get(TrackerKeys.LINKING_FEATURE_PENALTIES));
        assertEquals(2.0, f.imageData.voxeldepth);
        final String written = TrackMateXmlRoundTripTest.write(f);
        assertTrue(written.contains("<TrackMate version=\"7.14.0\">"), "never writes 2.0.0");
        assertTrue(written.contains("MIN_TRACKLET_LENGTH=\"2\""));
    }

    @Test
    void otherTrackersAreKeptVerbatimAndMissingFilteredTracksMeansVisible() throws Exception {
        final String spots = "<Spot ID=\"1\" FRAME=\"0\"/><Spot ID=\"2\" FRAME=\"0\"/>";
        final String xml = minimal("7.13.2", spots, "<Track name=\"T\" TRACK_ID=\"4\" COMMENT=\"x\">"
                + "<Edge SPOT_SOURCE_ID=\"1\" SPOT_TARGET_ID=\"2\" LINK_COST=\"0.5\"/></Track>")
                .replace("<FilteredTracks/>", "").replace("</Model>", "</Model><Settings><TrackerSettings "
                        + "TRACKER_NAME=\"OVERLAP_TRACKER\" SCALE_FACTOR=\"1.0\" MIN_IOU=\"0.3\"/></Settings>");
        final TrackMateFile f = read(xml);
        assertEquals(null, f.trackerSettings);
        assertEquals("0.3", f.otherTrackerAttributes.get("MIN_IOU"));
        assertTrue(f.model.getTrackModel().isVisible(4));
        assertTrue(f.warnings.stream().anyMatch(w -> w.contains("FilteredTracks")));
        final String written = TrackMateXmlRoundTripTest.write(f);
        assertTrue(written.contains("<TrackerSettings TRACKER_NAME=\"OVERLAP_TRACKER\" SCALE_FACTOR=\"1.0\" "
                + "MIN_IOU=\"0.3\"/>"), written);
        assertTrue(written.contains("<TrackID TRACK_ID=\"4\"/>"));
    }

    @Test
    void writingIntoAMissingFolderFailsWithoutLeavingAFile(@TempDir final Path dir) throws Exception {
        final TrackMateFile f = read(minimal("7.14.0", TWO_SPOTS, ""));
        final Path target = dir.resolve("missing").resolve("out.xml");
        assertThrows(java.io.IOException.class, () -> TrackMateXmlWriter.write(f, target));
        final Path ok = dir.resolve("out.xml");
        TrackMateXmlWriter.write(f, ok);
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
