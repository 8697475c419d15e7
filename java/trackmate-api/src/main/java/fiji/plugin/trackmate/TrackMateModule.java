package fiji.plugin.trackmate;

import javax.swing.ImageIcon;

import org.scijava.plugin.SciJavaPlugin;

/** Stand-in for TrackMate 8's {@code TrackMateModule} (test only; trackmate.md 4.1). */
public interface TrackMateModule extends SciJavaPlugin {

    /** @return HTML text shown in the GUI */
    String getInfoText();

    /** @return an icon, or null */
    default ImageIcon getIcon() {
        return null;
    }

    /** @return the unique key of the module */
    String getKey();

    /** @return the human-readable name */
    String getName();

    /** @return true when the module must not run in parallel */
    default boolean forbidMultithreading() {
        return false;
    }

    /** @return a documentation URL, or null */
    default String getUrl() {
        return null;
    }
}
