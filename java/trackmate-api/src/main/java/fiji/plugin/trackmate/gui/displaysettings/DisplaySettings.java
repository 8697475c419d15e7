package fiji.plugin.trackmate.gui.displaysettings;

/** Stand-in for TrackMate's {@code DisplaySettings} (test only). */
public class DisplaySettings {
}
