package org.volltrack.btrackmate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.volltrack.btrackmate.TrackerSettings;

/** Loads the {@code --settings} JSON file and the {@code --units} option of the commands. */
final class Settings {

    private Settings() {
    }

    /**
     * @param jsonPath path of the JSON file, or null for none
     * @param base     settings the file overrides (null for the defaults)
     * @return complete typed settings
     * @throws IOException when the file cannot be read
     */
    static Map<String, Object> load(final String jsonPath, final Map<String, Object> base) throws IOException {
        if (jsonPath == null) {
            return TrackerSettings.normalize(base);
        }
        final Path path = Paths.get(jsonPath);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(jsonPath, null, "settings JSON not found");
        }
        final String json = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        return TrackerSettings.fromJson(json, jsonPath, base);
    }

    static String[] units(final String text) {
        if (text == null) {
            return new String[] {"micron", "sec"};
        }
        final String[] parts = text.split(",");
        if (parts.length != 2 || parts[0].trim().isEmpty() || parts[1].trim().isEmpty()) {
            throw CliException.usage("--units expects SPACE,TIME (e.g. micron,sec), got \"" + text + "\"");
        }
        return new String[] {parts[0].trim(), parts[1].trim()};
    }
}
