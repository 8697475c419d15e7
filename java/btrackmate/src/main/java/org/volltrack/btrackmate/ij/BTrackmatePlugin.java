package org.volltrack.btrackmate.ij;

import java.awt.GraphicsEnvironment;

import ij.IJ;
import ij.Macro;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;

/**
 * ImageJ1 command "BTrackmate" (Plugins › Tracking › BTrackmate): tracks the cells of a label image (or of a CSV
 * spot table) with the BTrackmate engine and writes a TrackMate XML file.
 *
 * <p>Interactive use shows a dialog whose fields the macro recorder records. From a macro, or whenever Java runs
 * headless ({@code java.awt.headless=true}, where {@link ij.gui.GenericDialog} cannot be created), the options
 * are read from the macro options string with {@link Macro}: see {@link PluginOptions} for the keys.</p>
 */
public class BTrackmatePlugin implements PlugIn {

    /** The command name, as in plugins.config and {@code run("BTrackmate", ...)}. */
    public static final String COMMAND = "BTrackmate";

    private static PluginOptions lastOptions = new PluginOptions();
    private static volatile String lastError;

    /** @return the error of the last run in this JVM, or null when it succeeded */
    public static String lastError() {
        return lastError;
    }

    @Override
    public void run(final String arg) {
        lastError = null;
        final String macroOptions = Macro.getOptions();
        final boolean fromMacro = macroOptions != null || GraphicsEnvironment.isHeadless();
        final PluginOptions options;
        try {
            options = fromMacro ? PluginOptions.fromMacroOptions(macroOptions) : OptionsDialog.show(lastOptions);
            if (options == null) {
                return;
            }
            options.validate();
        } catch (final IllegalArgumentException e) {
            fail(e.getMessage(), fromMacro);
            return;
        }
        lastOptions = options;
        if (!fromMacro) {
            record(options);
        }
        try {
            final RunSummary summary = BTrackmateRun.run(options);
            IJ.log(summary.toString());
            if (options.openInTrackMate && !GraphicsEnvironment.isHeadless()) {
                TrackMateOpener.open(summary.xml);
            }
        } catch (final IllegalArgumentException | java.io.IOException e) {
            fail(e.getMessage(), fromMacro);
        }
    }

    /** Records the command for the macro recorder when it is open (the dialog records its own fields too). */
    private static void record(final PluginOptions options) {
        if (Recorder.record) {
            Recorder.setCommand(COMMAND);
            final String call = "run(\"" + COMMAND + "\", \"" + options.toMacroOptions().replace("\\", "\\\\")
                    + "\");\n";
            Recorder.recordString(Recorder.scriptMode() ? "IJ." + call : call);
            Recorder.setCommand(null);
        }
    }

    private static void fail(final String message, final boolean fromMacro) {
        lastError = message;
        IJ.log("BTrackmate error: " + message);
        if (GraphicsEnvironment.isHeadless()) {
            System.err.println("BTrackmate error: " + message);
        } else {
            IJ.error(COMMAND, message);
        }
        if (fromMacro) {
            Interpreter.abort();
        }
    }
}
