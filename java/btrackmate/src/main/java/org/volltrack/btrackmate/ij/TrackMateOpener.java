package org.volltrack.btrackmate.ij;

import java.io.File;

/**
 * Opens a TrackMate XML file in TrackMate's GUI when TrackMate is installed, looked up by reflection so that
 * the engine jar needs no TrackMate at compile or run time.
 */
public final class TrackMateOpener {

    /** TrackMate's "Load a TrackMate file" command class (7.x and 8.x). */
    public static final String LOADER_CLASS = "fiji.plugin.trackmate.LoadTrackMatePlugIn";

    private TrackMateOpener() {
    }

    /** @return true when TrackMate's loader class is on the class path */
    public static boolean isTrackMateInstalled() {
        return loaderClass() != null;
    }

    /**
     * Opens {@code xml} in TrackMate.
     *
     * @param xml a TrackMate XML file
     * @return true when TrackMate was found and asked to open the file
     */
    public static boolean open(final File xml) {
        final Class<?> loader = loaderClass();
        if (loader == null) {
            return false;
        }
        try {
            final Object plugin = loader.getDeclaredConstructor().newInstance();
            loader.getMethod("run", String.class).invoke(plugin, xml.getAbsolutePath());
            return true;
        } catch (final ReflectiveOperationException | LinkageError e) {
            ij.IJ.log("BTrackmate: TrackMate is installed but could not open " + xml + ": " + e);
            return false;
        }
    }

    private static Class<?> loaderClass() {
        try {
            return Class.forName(LOADER_CLASS, false, TrackMateOpener.class.getClassLoader());
        } catch (final ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
