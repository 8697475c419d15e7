package org.volltrack.btrackmate.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;

/** Runs every Jython script of fiji-scripts/ under Jython 2.7 with ImageJ1 and the engine, on synthetic movies. */
class FijiScriptsTest {

    private static File scripts;

    @TempDir
    File work;

    @BeforeAll
    static void locateScripts() {
        scripts = new File(System.getProperty("fiji.scripts.dir", "../../fiji-scripts"));
        assertTrue(scripts.isDirectory(), "fiji-scripts folder not found: " + scripts.getAbsolutePath());
    }

    private static JythonScript script(final String name) throws IOException {
        return new JythonScript(new File(scripts, name));
    }

    private static Model readXml(final File xml) throws IOException {
        return TrackMateXmlReader.read(xml.toPath()).model;
    }

    @Test
    void everyScriptIsCoveredByThisTest() {
        final List<String> names = Arrays.stream(scripts.listFiles((d, n) -> n.endsWith(".py"))).map(File::getName)
                .sorted().collect(Collectors.toList());
        assertEquals(List.of("BTrackmate_Batch.py", "BTrackmate_Print_Tracks.py", "BTrackmate_Track_Movie.py"),
                names, "a new script needs its test here");
    }

    @Test
    void trackMovieWritesTheTracksOfEveryCell() throws IOException {
        final File labels = SyntheticMovies.labels(new File(work, "movie_labels.tif"), 3, 4);
        final File xml = new File(work, "out/movie.xml");
        assertTrue(xml.getParentFile().mkdirs());
        final Map<String, Object> in = new HashMap<>();
        in.put("labels", labels);
        in.put("xml", xml);
        in.put("linking_max_distance", 5.0);
        final Map<String, Object> out = script("BTrackmate_Track_Movie.py").run(in);
        assertTrue(xml.isFile(), "no XML written");
        final Model model = readXml(xml);
        assertEquals(12, model.getSpots().getNSpots(false));
        assertEquals(3, model.getTrackModel().trackIDs(true).size());
        for (final Integer id : model.getTrackModel().trackIDs(true)) {
            assertEquals(4, model.getTrackModel().trackSpots(id).size(), "a cell is one track over 4 frames");
        }
        assertTrue(String.valueOf(out.get("summary")).contains("12 spots"), String.valueOf(out.get("summary")));
    }

    @Test
    void trackMovieWithTissueFilterKeepsCellsInsideTheMask() throws IOException {
        final File labels = SyntheticMovies.labels(new File(work, "m_labels.tif"), 4, 3);
        final File mask = SyntheticMovies.mask(new File(work, "m_mask.tif"), 3);
        final File xml = new File(work, "m.xml");
        final Map<String, Object> in = new HashMap<>();
        in.put("labels", labels);
        in.put("mask", mask);
        in.put("xml", xml);
        in.put("tissue_filter", true);
        script("BTrackmate_Track_Movie.py").run(in);
        final Model model = readXml(xml);
        assertEquals(12, model.getSpots().getNSpots(false), "all spots are kept in the file");
        assertEquals(6, model.getSpots().getNSpots(true), "only the cells inside the tissue are visible");
        assertEquals(2, model.getTrackModel().trackIDs(true).size());
    }

    @Test
    void trackMovieRejectsAMissingLabelFile() {
        final Map<String, Object> in = new HashMap<>();
        in.put("labels", new File(work, "absent.tif"));
        in.put("xml", new File(work, "never.xml"));
        final Exception e = assertThrows(Exception.class, () -> script("BTrackmate_Track_Movie.py").run(in));
        assertTrue(e.toString().contains("no such file"), e.toString());
        assertFalse(new File(work, "never.xml").exists());
    }

    @Test
    void batchTracksEveryMovieAndResumes() throws IOException {
        final File input = new File(work, "in");
        final File output = new File(work, "out");
        assertTrue(input.mkdirs());
        SyntheticMovies.labels(new File(input, "a_labels.tif"), 2, 3);
        SyntheticMovies.labels(new File(input, "b_labels.tif"), 3, 3);
        Files.write(new File(input, "c_labels.tif").toPath(), new byte[] {1, 2, 3});
        final Map<String, Object> in = new HashMap<>();
        in.put("input_dir", input);
        in.put("output_dir", output);
        final JythonScript batch = script("BTrackmate_Batch.py");
        final String first = (String) batch.run(in).get("summary");
        assertEquals("3 movies: 2 tracked, 0 skipped (already done), 1 failed", first);
        assertEquals(2, readXml(new File(output, "a_tracks.xml")).getTrackModel().trackIDs(true).size());
        assertEquals(3, readXml(new File(output, "b_tracks.xml")).getTrackModel().trackIDs(true).size());
        assertTrue(new File(output, "a_tracks.xml").delete());
        final String second = (String) batch.run(in).get("summary");
        assertEquals("3 movies: 1 tracked, 1 skipped (already done), 1 failed", second);
        final String log = new String(Files.readAllBytes(new File(output, "btrackmate_batch.log").toPath()));
        assertTrue(log.contains("c: FAILED"), log);
    }

    @Test
    void printTracksListsEveryTrack() throws IOException {
        final File labels = SyntheticMovies.labels(new File(work, "p_labels.tif"), 2, 3);
        final File xml = new File(work, "p.xml");
        final Map<String, Object> in = new HashMap<>();
        in.put("labels", labels);
        in.put("xml", xml);
        script("BTrackmate_Track_Movie.py").run(in);
        final Map<String, Object> printIn = new HashMap<>();
        printIn.put("xml", xml);
        final String report = (String) script("BTrackmate_Print_Tracks.py").run(printIn).get("report");
        final String[] lines = report.split("\n");
        assertEquals(3, lines.length, report);
        assertTrue(lines[0].contains("6 spots, 2 tracks"), report);
        assertTrue(lines[1].contains("spots=3") && lines[1].contains("links=2") && lines[1].contains("frames=0-2"),
                report);
    }
}
