package org.volltrack.btrackmate.tracker;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Command-line entry used by {@code bench/tracker/run.py}: reads spots from a CSV with header
 * {@code id,frame,x,y,z}, tracks them and writes the edges as CSV {@code source,target,cost}.
 *
 * <p>Mode {@code model} goes through the engine's model ({@link SpotCollection} of {@link Spot} objects and
 * {@link SparseLapTracker}, as the CLI does); mode {@code arrays} feeds primitive arrays straight to
 * {@link LapTracking} (as an array bridge can). Both give the same edges.
 *
 * <pre>
 * java -cp btrackmate-all.jar org.volltrack.btrackmate.tracker.TrackerBenchmarkMain model|arrays SPOTS.csv EDGES.csv SETTINGS_JSON
 * </pre>
 */
public final class TrackerBenchmarkMain {

    private TrackerBenchmarkMain() {
    }

    /**
     * @param args mode ("model" or "arrays"), spots CSV path, output edges CSV path, settings JSON text
     * @throws IOException on read/write failure
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !(args[0].equals("model") || args[0].equals("arrays"))) {
            System.err.println("usage: TrackerBenchmarkMain model|arrays SPOTS.csv EDGES.csv SETTINGS_JSON");
            System.exit(2);
        }
        Map<String, Object> settings = TrackerSettings.fromJson(args[3], "settings argument");
        if (args[0].equals("arrays")) {
            runArrays(Path.of(args[1]), Path.of(args[2]), settings);
            return;
        }
        long t0 = System.nanoTime();
        SpotCollection spots = readSpots(Path.of(args[1]));
        long t1 = System.nanoTime();
        SparseLapTracker tracker = new SparseLapTracker(spots, settings);
        if (!tracker.checkInput() || !tracker.process()) {
            System.err.println("tracking failed: " + tracker.getErrorMessage());
            System.exit(1);
        }
        long t2 = System.nanoTime();
        writeEdges(tracker.getResult(), Path.of(args[2]));
        long t3 = System.nanoTime();
        System.out.printf("read_s=%.3f track_s=%.3f write_s=%.3f edges=%d%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9, tracker.getResult().edgeSet().size());
    }

    private static void runArrays(Path in, Path out, Map<String, Object> settings) throws IOException {
        long t0 = System.nanoTime();
        java.util.List<String> lines = Files.readAllLines(in, StandardCharsets.UTF_8);
        SpotColumns columns = new SpotColumns(lines.size() - 1);
        for (int i = 0; i < columns.size(); i++) {
            String[] f = lines.get(i + 1).split(",");
            columns.set(i, Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]));
        }
        lines = null;
        long t1 = System.nanoTime();
        LapSpots spots = LapSpots.of(columns, null, new HashMap<>());
        LapEdges edges = LapTracking.track(spots, settings);
        long t2 = System.nanoTime();
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("source,target,cost\n");
            for (int k = 0; k < edges.size(); k++) {
                w.write(spots.ids[edges.source(k)] + "," + spots.ids[edges.target(k)] + "," + edges.cost(k) + "\n");
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long t3 = System.nanoTime();
        System.out.printf("read_s=%.3f track_s=%.3f write_s=%.3f edges=%d%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9, edges.size());
    }

    private static SpotCollection readSpots(Path path) throws IOException {
        SpotCollection spots = new SpotCollection();
        Map<String, Integer> column = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String[] header = in.readLine().split(",");
            for (int c = 0; c < header.length; c++) {
                column.put(header[c].trim(), c);
            }
            int cId = column.get("id");
            int cFrame = column.get("frame");
            int cx = column.get("x");
            int cy = column.get("y");
            int cz = column.get("z");
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                Spot spot = new Spot(Integer.parseInt(f[cId]), Double.parseDouble(f[cx]), Double.parseDouble(f[cy]),
                        Double.parseDouble(f[cz]), 1.0, 1.0);
                int frame = Integer.parseInt(f[cFrame]);
                spot.putFeature("POSITION_T", frame);
                spots.add(spot, frame);
            }
        }
        return spots;
    }

    private static void writeEdges(SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, Path path)
            throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write("source,target,cost\n");
            for (DefaultWeightedEdge e : graph.edgeSet()) {
                Spot a = graph.getEdgeSource(e);
                Spot b = graph.getEdgeTarget(e);
                out.write(a.getId() + "," + b.getId() + "," + graph.getEdgeWeight(e) + "\n");
            }
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
