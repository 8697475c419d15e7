package org.volltrack.btrackmate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.volltrack.btrackmate.testdata.ContractVectors;

/**
 * The tracker settings contract's shared vectors ({@code tests/data/settings_contract/}, also read by
 * {@code tests/test_settings_contract.py}): each settings file is accepted with the expected values or refused
 * with a one-line message naming the file and the expected fragment, by the same rules as Python's settings.
 */
class SettingsContractVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyVector() throws IOException {
        return ContractVectors.each("settings_contract", ".json", 15, SettingsContractVectorsTest::check);
    }

    private static void check(final Path file, final String stem, final Properties expect) throws IOException {
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
