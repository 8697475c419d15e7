package fiji.plugin.trackmate;

import java.awt.Color;
import java.io.PrintWriter;
import java.io.Writer;

/** Stand-in for TrackMate's {@code Logger} (test only). */
public abstract class Logger extends PrintWriter {

    /** A logger that discards everything. */
    public static final Logger VOID_LOGGER = new Logger() {
        @Override
        public void log(final String message, final Color color) {
        }

        @Override
        public void error(final String message) {
        }

        @Override
        public void setProgress(final double val) {
        }

        @Override
        public void setStatus(final String status) {
        }
    };

    /** Creates a logger. */
    public Logger() {
        super(Writer.nullWriter());
    }

    /**
     * @param message text to log
     * @param color its colour
     */
    public abstract void log(String message, Color color);

    /** @param message an error to log */
    public abstract void error(String message);

    /** @param message text to log in the normal colour */
    public void log(final String message) {
        log(message, Color.BLACK);
    }

    /** @param val progress in [0, 1] */
    public abstract void setProgress(double val);

    /** @param status a status line */
    public abstract void setStatus(String status);
}
