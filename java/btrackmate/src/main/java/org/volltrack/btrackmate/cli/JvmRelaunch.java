package org.volltrack.btrackmate.cli;

import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs the heavy commands ({@code track}, {@code retrack}) of a plain {@code java -jar btrackmate-all.jar} in a
 * child JVM with the engine's own JVM options, because {@code java -jar} cannot take them from the jar:
 * {@value #OPTIONS}. The serial collector keeps the heap (and so the process's memory) close to what the run
 * really holds, where the default G1 collector on a many-gigabyte machine lets it grow to twice that and more;
 * C1-only compilation saves seconds of compiler work on a short run at no loss on long ones (measured in
 * bench/README.md, section tracker). The waiting parent JVM holds only a few tens of MB.
 *
 * <p>Nothing is relaunched when the user chose JVM options (any option before {@code -jar} on the command line,
 * or {@code JAVA_TOOL_OPTIONS} / {@code JDK_JAVA_OPTIONS} set), when {@code BTRACKMATE_RELAUNCH=0}, or when the
 * command line of this JVM cannot be read; the command then runs in this JVM exactly as before.
 */
final class JvmRelaunch {

    /** JVM options of the child. */
    static final String OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final List<String> HEAVY = Arrays.asList("track", "retrack");

    private JvmRelaunch() {
    }

    /**
     * The child's command line, or empty when the command should run in this JVM.
     *
     * @param args the command-line arguments of {@code main}
     * @return the command to run
     */
    static Optional<List<String>> childCommand(final String[] args) {
        if (args.length == 0 || !HEAVY.contains(args[0]) || "0".equals(System.getenv("BTRACKMATE_RELAUNCH"))
                || System.getenv("JAVA_TOOL_OPTIONS") != null || System.getenv("JDK_JAVA_OPTIONS") != null) {
            return Optional.empty();
        }
        final ProcessHandle.Info info = ProcessHandle.current().info();
        final Optional<String> java = info.command();
        final Optional<String[]> own = info.arguments();
        final Optional<String> jar = ownJar();
        if (java.isEmpty() || own.isEmpty() || jar.isEmpty() || own.get().length < 2 || !"-jar".equals(own.get()[0])
                || !new File(own.get()[1]).getAbsoluteFile().equals(new File(jar.get()))) {
            return Optional.empty();
        }
        final List<String> command = new ArrayList<>();
        command.add(java.get());
        command.addAll(Arrays.asList(OPTIONS.split(" ")));
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(jar.get());
        command.add(Main.class.getName());
        command.addAll(Arrays.asList(args));
        return Optional.of(command);
    }

    private static Optional<String> ownJar() {
        try {
            final File file = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return file.isFile() && file.getName().endsWith(".jar") ? Optional.of(file.getAbsolutePath())
                    : Optional.empty();
        } catch (final URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs the child with this process's standard streams and returns its exit code; the child is stopped if
     * this JVM is.
     *
     * @param command the child's command line
     * @return its exit code
     */
    static int run(final List<String> command) {
        try {
            final Process child = new ProcessBuilder(command).inheritIO().start();
            final Thread stop = new Thread(() -> {    // stop the child and let it report (its hook prints the line)
                child.destroy();
                try {
                    child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(stop);
            final int code = child.waitFor();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (final IllegalStateException e) {
                // this JVM is stopping (Ctrl-C): its hook stopped the child, which printed the line
            }
            return code;
        } catch (final java.io.IOException e) {
            System.err.println("btrackmate: cannot start a child JVM (" + e.getMessage() + "); running here");
            return -1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
    }
}
