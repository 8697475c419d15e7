package org.volltrack.btrackmate.testdata;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

/**
 * The contract vectors shared with the Python tests ({@code tests/data/<name>/}): each input file {@code STEM.ext}
 * comes with {@code STEM.expect}, a properties file saying whether it is accepted (and with which values) or
 * refused (and with which message fragment).
 */
public final class ContractVectors {

    private ContractVectors() {
    }

    /** Checks one vector. */
    public interface Check {
        /**
         * @param file the input file
         * @param stem its name without the extension
         * @param expect its {@code .expect} properties
         * @throws IOException when the file cannot be read
         */
        void check(Path file, String stem, Properties expect) throws IOException;
    }

    /**
     * @param name folder below {@code tests/data}
     * @param extension of the input files, e.g. ".csv"
     * @param atLeast the number of vectors expected at least
     * @param check what to check on each
     * @return one dynamic test per input file, in name order
     * @throws IOException when the folder cannot be listed
     */
    public static Stream<DynamicTest> each(final String name, final String extension, final int atLeast,
            final Check check) throws IOException {
        final List<Path> files;
        try (Stream<Path> listed = Files.list(folder(name))) {
            files = listed.filter(p -> p.toString().endsWith(extension)).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= atLeast, "expected at least " + atLeast + " vectors, found " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            final String fileName = f.getFileName().toString();
            final String stem = fileName.substring(0, fileName.length() - extension.length());
            final Properties expect = new Properties();
            try (Reader reader = Files.newBufferedReader(f.resolveSibling(stem + ".expect"), StandardCharsets.UTF_8)) {
                expect.load(reader);
            }
            check.check(f, stem, expect);
        }));
    }

    private static Path folder(final String name) {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("tests/data/" + name))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "tests/data/" + name + " not found above " + Paths.get("").toAbsolutePath());
        return dir.resolve("tests/data/" + name);
    }
}
