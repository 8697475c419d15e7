package org.volltrack.fijidist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateSiteTest {

    @TempDir
    Path tmp;

    private static String filtered(final String text) {
        return new String(UpdaterChecksum.skipCommentLines(text.getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII);
    }

    @Test
    void propertiesCommentsKeepOnlyTheirLineFeed() {
        assertEquals("\na=1\nb=2\n", filtered("#Mon Dec 07 03:00:00 UTC 2026\na=1\nb=2\n"));
        assertEquals("a=1\n\n", filtered("a=1\n#x\n"));
        assertEquals("a=#1\n", filtered("a=#1\n"), "a # inside a line is content");
        assertEquals("", filtered("#x"), "a comment ending the file without a line feed leaves nothing");
    }

    @Test
    void propertiesQuirksOfTheUpdaterAreKept() {
        assertEquals("\n#x\n", filtered("\n#x\n"), "after an empty line a comment is not recognised");
        assertEquals("\n#y\n", filtered("##\n#y\n"), "after a comment of only '#' the next comment is kept");
    }

    private Path jar(final String name, final String pomDate, final String mainClass, final long entryTime)
            throws IOException {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        final Path path = tmp.resolve(name);
        try (OutputStream file = Files.newOutputStream(path); JarOutputStream out = new JarOutputStream(file,
                manifest)) {
            for (final String entry : new String[] {"z/B.class", "a/A.class", "META-INF/maven/x/pom.properties"}) {
                final JarEntry e = new JarEntry(entry);
                e.setTime(entryTime);
                out.putNextEntry(e);
                out.write((entry.endsWith(".properties") ? "#" + pomDate + "\nversion=1\n" : entry)
                        .getBytes(StandardCharsets.US_ASCII));
                out.closeEntry();
            }
        }
        return path;
    }

    @Test
    void jarChecksumIgnoresZipTimesBuildDatesAndTheManifest() throws IOException {
        final String a = UpdaterChecksum.of("jars/x-1.0.jar", jar("a.jar", "Mon", "p.Main", 0L));
        final String b = UpdaterChecksum.of("jars/x-1.0.jar", jar("b.jar", "Tue", "q.Other", 86_400_000L));
        assertEquals(a, b);
        assertTrue(a.matches("[0-9a-f]{40}"));
    }

    @Test
    void otherFilesDigestTheirPathThenTheirBytes() throws IOException {
        final Path script = Files.writeString(tmp.resolve("s.py"), "print(1)\n");
        final String one = UpdaterChecksum.of("scripts/Plugins/A/s.py", script);
        assertNotEquals(one, UpdaterChecksum.of("scripts/Plugins/B/s.py", script), "the path is digested");
        assertEquals(40, one.length());
    }

    @Test
    void onlyPathsTheUpdaterManagesAreListed() {
        assertTrue(UpdateSiteIndex.isManaged("jars/btrackmate-fiji-0.1.0.jar"));
        assertTrue(UpdateSiteIndex.isManaged("scripts/Plugins/BTrackmate/a.py"));
        assertTrue(UpdateSiteIndex.isManaged("macros/x.ijm"));
        assertFalse(UpdateSiteIndex.isManaged("README.txt"));
        assertFalse(UpdateSiteIndex.isManaged("jars/readme.txt"));
        assertFalse(UpdateSiteIndex.isManaged("docs/a.py"));
        assertThrows(IllegalArgumentException.class, () -> new UpdateSiteIndex.Entry("MANIFEST.json",
                "0", "20261207030000", 1, null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new UpdateSiteIndex.Entry("jars/a.jar",
                "0", "2026-12-07", 1, null, List.of()));
    }

    @Test
    void baseNameDropsTheVersionLikeTheUpdater() {
        assertEquals("jars/btrackmate-fiji.jar", FijiDistribution.baseName("jars/btrackmate-fiji-0.1.0.jar"));
        assertEquals("plugins/BTrackmate_.jar", FijiDistribution.baseName("plugins/BTrackmate_-0.2.0-SNAPSHOT.jar"));
        assertEquals("scripts/a-1.py", FijiDistribution.baseName("scripts/a-1.py"));
    }

    @Test
    void indexRoundTripKeepsVersionsAndHistory() throws IOException {
        final Path index = tmp.resolve("db.xml.gz");
        UpdateSiteIndex.write(List.of(new UpdateSiteIndex.Entry("jars/a-2.jar", "c2", "20261207030000", 10,
                "A & <b>", List.of(new UpdateSiteIndex.PreviousVersion("c1", "20251207030000", "20261207030000",
                        "jars/a-1.jar")))), index);
        final Map<String, List<UpdateSiteIndex.PreviousVersion>> read = UpdateSiteIndex.readVersions(index);
        assertEquals(List.of("jars/a-2.jar"), List.copyOf(read.keySet()));
        final List<UpdateSiteIndex.PreviousVersion> versions = read.get("jars/a-2.jar");
        assertEquals("c2", versions.get(0).checksum);
        assertEquals("20261207030000", versions.get(0).timestamp);
        assertEquals("c1", versions.get(1).checksum);
        assertEquals("jars/a-1.jar", versions.get(1).filename);
    }
}
