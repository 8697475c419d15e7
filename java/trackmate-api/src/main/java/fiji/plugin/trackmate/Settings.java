package fiji.plugin.trackmate;

import java.util.HashMap;
import java.util.Map;

/** Stand-in for TrackMate's {@code Settings} (test only): the field the wizard modules read. */
public class Settings {

    /** Tracker settings. */
    public Map<String, Object> trackerSettings = new HashMap<>();

    /** Settings without an image. */
    public Settings() {
    }
}
