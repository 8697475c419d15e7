package org.volltrack.btrackmate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;

import org.volltrack.btrackmate.xml.XmlFormatException;

/**
 * Command-line entry point of the BTrackmate engine jar ({@code java -jar btrackmate-all.jar}). Errors are
 * printed as one line naming the file, line/column or key; exit code 0 on success, 1 on bad input, 2 on a
 * usage error, 3 on an internal error, 130 when interrupted (Ctrl-C: one line {@code btrackmate COMMAND:
 * interrupted} on stderr; the XML being written is a hidden temporary file, removed on the way out).
 */
public final class Main {

    private Main() {
    }

    /** Usage text printed by {@code --help}. */
    static final String USAGE = String.join("\n",
            "usage: java -jar btrackmate-<version>-all.jar COMMAND [OPTIONS]",
            "",
            "BTrackmate: TrackMate-compatible LAP tracking of cells, without Fiji.",
            "",
            "commands:",
            "  track          track spots from a CSV or a label image, write TrackMate XML",
            "  retrack        re-track the visible spots of a TrackMate XML file",
            "  version        print the engine version",
            "",
            "Run 'COMMAND --help' for the options of a command.",
            "",
            "track and retrack run in a child JVM with " + JvmRelaunch.OPTIONS + " (lean memory,",
            "fast start) unless JVM options are given or BTRACKMATE_RELAUNCH=0 is set.");

    /**
     * Runs the command line.
     *
     * @param args command-line arguments
     */
    public static void main(final String[] args) {
        System.setProperty("java.awt.headless", "true");
        final java.util.Optional<java.util.List<String>> child = JvmRelaunch.childCommand(args);
        if (child.isPresent()) {
            final int code = JvmRelaunch.run(child.get());
            if (code >= 0) {
                System.exit(code);
            }
        }
        final Thread announce = interruptedLine(args.length > 0 ? args[0] : "", System.err);
        Runtime.getRuntime().addShutdownHook(announce);
        final int code = run(args);
        try {
            Runtime.getRuntime().removeShutdownHook(announce);
        } catch (final IllegalStateException e) {
            // Ctrl-C arrived as the command ended: the shutdown already runs, with its line
        }
        System.exit(code);
    }

    /**
     * The shutdown hook that reports an interrupted command: the JVM only runs it when it stops before the
     * command returned (SIGINT, SIGTERM, SIGHUP), because a finished command removes it before exiting. A relaunching
     * parent JVM does not install it: its child, which does the work, prints the line.
     *
     * @param command the command's name
     * @param err     where to print
     * @return the (unstarted) hook thread
     */
    static Thread interruptedLine(final String command, final PrintStream err) {
        return new Thread(() -> {
            err.println("btrackmate" + (command.isEmpty() ? "" : " " + command) + ": interrupted");
            err.flush();
        }, "btrackmate-interrupted");
    }

    /**
     * Runs the command line and returns the exit code instead of exiting.
     *
     * @param args command-line arguments
     * @return 0 on success, 1 on bad input, 2 on a usage error, 3 on an internal error
     */
    public static int run(final String[] args) {
        return run(args, System.out, System.err);
    }

    /**
     * Runs the command line with the given output streams.
     *
     * @param args command-line arguments
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err) {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        final String command = args[0];
        final String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "version":
                    out.println(Main.class.getPackage().getImplementationVersion());
                    return 0;
                case "track":
                    return TrackCommand.run(rest, out, err);
                case "retrack":
                    return RetrackCommand.run(rest, out, err);
                default:
                    err.println("btrackmate: unknown command '" + command + "'\n" + USAGE);
                    return 2;
            }
        } catch (final CliException e) {
            err.println("btrackmate " + command + ": error: " + e.getMessage());
            return e.exitCode;
        } catch (final NoSuchFileException e) {
            err.println("btrackmate " + command + ": error: " + e.getFile() + ": "
                    + (e.getReason() == null ? "file not found" : e.getReason()));
            return 1;
        } catch (final XmlFormatException | IllegalArgumentException e) {
            err.println("btrackmate " + command + ": error: " + e.getMessage());
            return 1;
        } catch (final IOException | java.io.UncheckedIOException e) {
            err.println("btrackmate " + command + ": error: " + e.getMessage());
            return 1;
        } catch (final RuntimeException | OutOfMemoryError e) {
            err.println("btrackmate " + command + ": internal error: " + e);
            return 3;
        }
    }
}
