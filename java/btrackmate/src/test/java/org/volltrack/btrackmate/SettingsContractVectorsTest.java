package org.volltrack.btrackmate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The tracker settings contract's shared vectors ({@code tests/data/settings_contract/}, also read by
 * {@code tests/test_settings_contract.py}): each settings file is accepted with the expected values or refused
 * with a one-line message naming the file and the expected fragment, by the same rules as Python's settings.
 */
class SettingsContractVectorsTest {

    private static Path vectors() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("tests/data/settings_contract"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "tests/data/settings_contract not found above " + Paths.get("").toAbsolutePath());
        return dir.resolve("tests/data/settings_contract");
    }

    @TestFactory
    Stream<DynamicTest> everyVector() throws IOException {
        final List<Path> files;
        try (Stream<Path> listed = Files.list(vectors())) {
            files = listed.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 15, "expected at least 15 vectors, found " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(final Path file) throws IOException {
        final Properties expect = new Properties();
        final String stem = file.getFileName().toString().replaceAll("\\.json$", "");
        try (Reader reader = Files.newBufferedReader(file.resolveSibling(stem + ".expect"), StandardCharsets.UTF_8)) {
            expect.load(reader);
        }
        final String json = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        if ("refused".equals(expect.getProperty("outcome"))) {
            final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> TrackerSettings.fromJson(json, file.toString()));
            final String message = error.getMessage();
            assertFalse(message.contains("\n"), message);
            assertTrue(message.contains(file.toString()), message);
            assertTrue(message.contains(expect.getProperty("message")), message);
            return;
        }
        assertEquals("accepted", expect.getProperty("outcome"));
        final Map<String, Object> values = TrackerSettings.fromJson(json, file.toString());
        int checked = 0;
        for (final String name : expect.stringPropertyNames()) {
            if (!name.startsWith("value.")) {
                continue;
            }
            final String key = name.substring("value.".length());
            final String expected = expect.getProperty(name);
            final Object actual = values.get(key);
            if (actual instanceof Number) {
                assertEquals(Double.parseDouble(expected), ((Number) actual).doubleValue(), 0.0, key);
            } else {
                assertEquals(expected.toLowerCase(Locale.ROOT), String.valueOf(actual).toLowerCase(Locale.ROOT), key);
            }
            checked++;
        }
        assertTrue(checked > 0, "no value. lines in " + stem + ".expect");
    }
}
