package org.volltrack.btrackmate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** Runs the command line in-process with its standard output and error captured, in a temporary folder. */
abstract class CliTestBase {

    /** A fresh folder per test. */
    @TempDir
    Path dir;
    /** Standard output of the last {@link #run}. */
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    /** Standard error of the last {@link #run}. */
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs {@link Main#run} with {@code args}; returns its exit code. */
    int run(final String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    /** Standard error of the last {@link #run}, as text. */
    String err() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8);
    }
}
