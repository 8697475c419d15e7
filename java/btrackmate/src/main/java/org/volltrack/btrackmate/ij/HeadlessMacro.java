package org.volltrack.btrackmate.ij;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Hashtable;

import ij.IJ;
import ij.Menus;
import ij.macro.Interpreter;

/**
 * Runs ImageJ macros headless with plain ImageJ1 ({@code java.awt.headless=true}), where ImageJ1 builds no menus
 * and so knows no plugin commands: the commands of every {@code plugins.config} on the class path (among them
 * {@code BTrackmate}) are registered first.
 *
 * <pre>java -Djava.awt.headless=true -cp ij.jar:btrackmate-0.1.0-all.jar \
 *     org.volltrack.btrackmate.ij.HeadlessMacro my-macro.ijm [argument]</pre>
 */
public final class HeadlessMacro {

    /** What {@link #run(String, String)} returns when the macro failed or a BTrackmate command failed. */
    public static final String ABORTED = "[aborted]";

    private HeadlessMacro() {
    }

    /**
     * Runs the macro file {@code args[0]}, passing {@code args[1]} (if any) as its argument.
     *
     * @param args macro file and optional argument
     * @throws IOException when the macro file cannot be read
     */
    public static void main(final String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: HeadlessMacro MACRO_FILE [ARGUMENT]");
            System.exit(2);
        }
        if (!Files.isRegularFile(Paths.get(args[0]))) {
            System.err.println("HeadlessMacro: error: macro file " + args[0] + " not found");
            System.exit(1);
        }
        final String macro = new String(Files.readAllBytes(Paths.get(args[0])), StandardCharsets.UTF_8);
        final String result = run(macro, args.length > 1 ? args[1] : "");
        System.exit(ABORTED.equals(result) ? 1 : 0);
    }

    /**
     * Registers the plugin commands and runs {@code macro} in batch mode.
     *
     * @param macro macro text
     * @param argument the macro's {@code getArgument()}
     * @return what the macro returns, or {@link #ABORTED} when it or a BTrackmate command in it failed
     */
    public static String run(final String macro, final String argument) {
        installCommands();
        final Interpreter interpreter = new Interpreter();
        interpreter.setIgnoreErrors(false);
        final String result = interpreter.run(macro, argument);
        return interpreter.wasError() || BTrackmatePlugin.lastError() != null ? ABORTED : result;
    }

    /** Makes ImageJ1 know the commands listed in every {@code plugins.config} on the class path. */
    @SuppressWarnings("unchecked")
    public static synchronized void installCommands() {
        Hashtable<String, String> commands = Menus.getCommands();
        if (commands == null) {
            initMenusWithoutGui();
            commands = Menus.getCommands();
        }
        if (commands == null) {
            throw new IllegalStateException("ImageJ1 did not create its command table");
        }
        try {
            final Enumeration<URL> configs = HeadlessMacro.class.getClassLoader().getResources("plugins.config");
            while (configs.hasMoreElements()) {
                readConfig(configs.nextElement(), commands);
            }
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read plugins.config from the class path: " + e, e);
        }
    }

    private static void initMenusWithoutGui() {
        try {
            final Method init = IJ.class.getDeclaredMethod("init");
            init.setAccessible(true);
            init.invoke(null);
        } catch (final ReflectiveOperationException | RuntimeException e) {
            // Headless: ImageJ1 creates its (empty) command table, then fails building the menu bar.
        }
    }

    private static void readConfig(final URL url, final Hashtable<String, String> commands) throws IOException {
        try (InputStream in = url.openStream();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                final String[] parts = line.trim().split(",", 3);
                if (line.trim().startsWith("#") || parts.length < 3) {
                    continue;
                }
                final String command = parts[1].trim().replaceAll("^\"|\"$", "");
                commands.putIfAbsent(command, parts[2].trim());
            }
        }
    }
}
