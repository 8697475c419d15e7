package fiji.plugin.trackmate.gui.components;

import java.util.Map;

import javax.swing.JPanel;

/** Stand-in for TrackMate's {@code ConfigurationPanel} (test only): a panel editing a settings map. */
public abstract class ConfigurationPanel extends JPanel {

    private static final long serialVersionUID = 1L;

    /** @param settings the settings to show */
    public abstract void setSettings(Map<String, Object> settings);

    /** @return the settings as edited */
    public abstract Map<String, Object> getSettings();

    /** Releases resources. */
    public abstract void clean();
}
