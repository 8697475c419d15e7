package org.volltrack.fijidist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code make fiji-dist}: writes BTrackmate's Fiji distribution twice, from a built source checkout.
 *
 * <pre>
 * dist/fiji/                  the files as they sit in Fiji.app (copy its folders into Fiji.app):
 *   plugins/BTrackmate_-V.jar           engine + ImageJ1 command (Plugins &gt; Tracking &gt; BTrackmate)
 *   jars/btrackmate-fiji-V.jar          TrackMate wizard modules (detector, analyzers, action)
 *   scripts/Plugins/BTrackmate/*.py     the Jython scripts of fiji-scripts/
 *   macros/BTrackmate_example.ijm       a macro calling the command
 *   README.txt, MANIFEST.json           how to install; every file with its SHA-256, what Fiji must provide
 * dist/fiji-update-site/      the same files as a Fiji update site: db.xml.gz + &lt;path&gt;-&lt;timestamp&gt;
 * </pre>
 *
 * <p>Libraries Fiji ships (ImageJ1, commons-csv, jgrapht, gson) are not copied; the engine is built against
 * Fiji's versions of them. When the update-site folder exists already, a file whose checksum did not change keeps
 * its timestamp (Fiji sees no update) and a changed file records its earlier version as a previous version (Fiji
 * offers the update). Each folder is written next to its destination and swapped in as a whole.
 *
 * <p>Usage: {@code java -jar fiji-dist-V.jar [--root CHECKOUT] [--out dist/fiji] [--site dist/fiji-update-site]}.
 * {@code SOURCE_DATE_EPOCH} (seconds), when set, gives the timestamp of new versions instead of the clock.
 */
public final class FijiDistribution {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);
    private static final String RESOURCES = "/org/volltrack/fijidist/";

    private final Path root;
    private final String version;
    private final List<String> provided;

    /**
     * @param root the source checkout (holds pom.xml, java/, fiji-scripts/)
     * @throws IOException when the version resource cannot be read
     */
    public FijiDistribution(final Path root) throws IOException {
        this.root = root;
        final Properties properties = new Properties();
        try (InputStream in = FijiDistribution.class.getResourceAsStream(RESOURCES + "versions.properties")) {
            if (in == null) {
                throw new IOException("versions.properties missing from the fiji-dist jar; rebuild with mvn package");
            }
            properties.load(in);
        }
        this.version = properties.getProperty("version");
        this.provided = List.of(properties.getProperty("fiji.provides").trim().split("\\s+"));
    }

    /** Thrown for a missing input; the message says what to build. */
    public static final class MissingInput extends IOException {
        private static final long serialVersionUID = 1L;

        MissingInput(final String message) {
            super(message);
        }
    }

    /**
     * Returns the distribution's files: path inside Fiji.app -> source file (generated files are not listed).
     *
     * @return files in a stable order
     * @throws MissingInput when a jar was not built or the scripts are missing
     */
    public Map<String, Path> sourceFiles() throws MissingInput {
        final Map<String, Path> files = new LinkedHashMap<>();
        files.put("plugins/BTrackmate_-" + version + ".jar",
                built("btrackmate", "btrackmate-" + version + ".jar"));
        files.put("jars/btrackmate-fiji-" + version + ".jar",
                built("btrackmate-fiji", "btrackmate-fiji-" + version + ".jar"));
        final Path scripts = root.resolve("fiji-scripts");
        final List<Path> python;
        try (Stream<Path> listing = Files.list(scripts)) {
            python = listing.filter(p -> p.getFileName().toString().endsWith(".py")).sorted()
                    .collect(Collectors.toList());
        } catch (final IOException e) {
            throw new MissingInput(scripts + ": cannot list the Jython scripts (" + e.getMessage() + ")");
        }
        if (python.isEmpty()) {
            throw new MissingInput("no Jython scripts (*.py) in " + scripts);
        }
        for (final Path script : python) {
            files.put("scripts/Plugins/BTrackmate/" + script.getFileName(), script);
        }
        return files;
    }

    private Path built(final String module, final String name) throws MissingInput {
        final Path jar = root.resolve("java").resolve(module).resolve("target").resolve(name);
        if (!Files.isRegularFile(jar)) {
            throw new MissingInput(jar + " is missing; build it first with 'mvn -B -DskipTests package'");
        }
        return jar;
    }

    /**
     * Writes both folders.
     *
     * @param out the folder laid out as Fiji.app (e.g. dist/fiji)
     * @param site the update-site folder (e.g. dist/fiji-update-site), or null for none
     * @param now the timestamp of new versions
     * @return the number of files in the distribution
     * @throws IOException on a missing input or a write error (nothing is left half-written)
     */
    public int write(final Path out, final Path site, final Instant now) throws IOException {
        final Map<String, Path> files = sourceFiles();
        final Path staging = stagingFolder(out);
        try {
            for (final Map.Entry<String, Path> file : files.entrySet()) {
                final Path target = staging.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.copy(file.getValue(), target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            final Path macro = staging.resolve("macros/BTrackmate_example.ijm");
            Files.createDirectories(macro.getParent());
            Files.write(macro, resource("BTrackmate_example.ijm"));
            final List<String> managed = listFiles(staging);
            Files.write(staging.resolve("README.txt"), new String(resource("README.txt"), StandardCharsets.UTF_8)
                    .replace("@VERSION@", version).replace("@PROVIDED@", String.join(", ", provided))
                    .getBytes(StandardCharsets.UTF_8));
            Files.write(staging.resolve("MANIFEST.json"), manifest(staging, now).getBytes(StandardCharsets.UTF_8));
            if (site != null) {
                writeSite(staging, managed, site, now);
            }
            swapIn(staging, out);
            return managed.size();
        } finally {
            deleteTree(staging);
        }
    }

    private void writeSite(final Path tree, final List<String> managed, final Path site, final Instant now)
            throws IOException {
        final Path oldIndex = site.resolve(UpdateSiteIndex.INDEX_NAME);
        final Map<String, List<UpdateSiteIndex.PreviousVersion>> history = new LinkedHashMap<>();
        final Map<String, String> oldNames = new LinkedHashMap<>();
        if (Files.isRegularFile(oldIndex)) {
            for (final Map.Entry<String, List<UpdateSiteIndex.PreviousVersion>> entry
                    : UpdateSiteIndex.readVersions(oldIndex).entrySet()) {
                history.put(baseName(entry.getKey()), entry.getValue());
                oldNames.put(baseName(entry.getKey()), entry.getKey());
            }
        }
        final String stamp = STAMP.format(now);
        final Path staging = stagingFolder(site);
        try {
            final List<UpdateSiteIndex.Entry> entries = new ArrayList<>();
            for (final String path : managed) {
                final Path file = tree.resolve(path);
                final String checksum = UpdaterChecksum.of(path, file);
                final List<UpdateSiteIndex.PreviousVersion> before = history.getOrDefault(baseName(path), List.of());
                String timestamp = stamp;
                final List<UpdateSiteIndex.PreviousVersion> previous = new ArrayList<>();
                if (!before.isEmpty() && before.get(0).checksum.equals(checksum)) {
                    timestamp = before.get(0).timestamp;
                    previous.addAll(before.subList(1, before.size()));
                } else if (!before.isEmpty()) {
                    final String oldName = oldNames.get(baseName(path));
                    previous.add(new UpdateSiteIndex.PreviousVersion(before.get(0).checksum, before.get(0).timestamp,
                            stamp, path.equals(oldName) ? null : oldName));
                    previous.addAll(before.subList(1, before.size()));
                }
                entries.add(new UpdateSiteIndex.Entry(path, checksum, timestamp, Files.size(file),
                        description(path), previous));
                final Path served = staging.resolve(path + "-" + timestamp);
                Files.createDirectories(served.getParent());
                Files.copy(file, served);
            }
            UpdateSiteIndex.write(entries, staging.resolve(UpdateSiteIndex.INDEX_NAME));
            swapIn(staging, site);
        } finally {
            deleteTree(staging);
        }
    }

    /** The file name without its version, as the updater matches files across versions (foo-1.2.jar -> foo.jar). */
    static String baseName(final String path) {
        return path.replaceFirst("-[0-9][0-9A-Za-z.+_-]*(\\.jar)$", "$1");
    }

    private static String description(final String path) {
        if (path.startsWith("plugins/BTrackmate_")) {
            return "BTrackmate engine: TrackMate-identical LAP tracking of label images or spot tables, tissue "
                    + "filter, tracklet pruning, TrackMate XML (Plugins > Tracking > BTrackmate).";
        }
        if (path.startsWith("jars/btrackmate-fiji")) {
            return "BTrackmate modules for TrackMate 8: label-image/CSV detector, tissue spot features, tracklet "
                    + "track features, prune-short-tracklets action.";
        }
        if (path.startsWith("scripts/")) {
            return "BTrackmate Jython script (Plugins > BTrackmate).";
        }
        return "BTrackmate example macro.";
    }

    private String manifest(final Path tree, final Instant now) throws IOException {
        final StringBuilder json = new StringBuilder();
        json.append("{\n  \"name\": \"BTrackmate\",\n  \"version\": \"").append(version).append("\",\n");
        json.append("  \"created\": \"").append(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .append("\",\n");
        json.append("  \"fiji_provides\": [");
        for (int i = 0; i < provided.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(provided.get(i)).append('"');
        }
        json.append("],\n  \"files\": {\n");
        final List<String> names = listFiles(tree);
        for (int i = 0; i < names.size(); i++) {
            json.append("    \"").append(names.get(i)).append("\": \"").append(sha256(tree.resolve(names.get(i))))
                    .append('"').append(i + 1 < names.size() ? ",\n" : "\n");
        }
        json.append("  }\n}\n");
        return json.toString();
    }

    private static List<String> listFiles(final Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).map(p -> tree.relativize(p).toString().replace('\\', '/'))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static String sha256(final Path file) throws IOException {
        try {
            return UpdaterChecksum.hex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(final String name) throws IOException {
        try (InputStream in = FijiDistribution.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new NoSuchFileException(RESOURCES + name + " (in the fiji-dist jar)");
            }
            return in.readAllBytes();
        }
    }

    private static Path stagingFolder(final Path destination) throws IOException {
        final Path parent = destination.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, "." + destination.getFileName() + ".");
    }

    private static void swapIn(final Path staging, final Path destination) throws IOException {
        Path old = null;
        if (Files.exists(destination)) {
            old = destination.resolveSibling("." + destination.getFileName() + ".old");
            deleteTree(old);
            Files.move(destination, old);
        }
        Files.move(staging, destination);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void deleteTree(final Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tree)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * Command line entry point.
     *
     * @param args {@code [--root DIR] [--out DIR] [--site DIR]}
     */
    public static void main(final String[] args) {
        Path root = Paths.get(".");
        Path out = Paths.get("dist/fiji");
        Path site = Paths.get("dist/fiji-update-site");
        for (int i = 0; i < args.length; i++) {
            final String option = args[i];
            if (i + 1 >= args.length || !List.of("--root", "--out", "--site").contains(option)) {
                System.err.println("usage: java -jar fiji-dist.jar [--root CHECKOUT] [--out DIR] [--site DIR]");
                System.exit(2);
            }
            final Path value = Paths.get(args[++i]);
            if (option.equals("--root")) {
                root = value;
            } else if (option.equals("--out")) {
                out = value;
            } else {
                site = value;
            }
        }
        final String epoch = System.getenv("SOURCE_DATE_EPOCH");
        try {
            final Instant now = epoch == null || epoch.isBlank() ? Instant.now()
                    : Instant.ofEpochSecond(Long.parseLong(epoch.trim()));
            final int n = new FijiDistribution(root).write(out, site, now);
            System.out.println("Fiji distribution written to " + out + " (" + n + " files; copy its folders into "
                    + "Fiji.app)");
            System.out.println("Fiji update site written to " + site + " (add file://" + site.toAbsolutePath()
                    .normalize() + "/ in Help > Update... > Manage update sites)");
        } catch (final NumberFormatException e) {
            System.err.println("error: SOURCE_DATE_EPOCH=" + epoch + " is not a number of seconds");
            System.exit(2);
        } catch (final IOException | UncheckedIOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }
}
