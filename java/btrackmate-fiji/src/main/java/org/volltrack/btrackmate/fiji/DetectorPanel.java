package org.volltrack.btrackmate.fiji;

import java.awt.GridLayout;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.swing.JLabel;
import javax.swing.JTextField;

import fiji.plugin.trackmate.gui.components.ConfigurationPanel;

/** The BTrackmate detector's configuration panel: the spot file and the optional tissue mask. */
class DetectorPanel extends ConfigurationPanel {

    private static final long serialVersionUID = 1L;

    private final JTextField spotFile = new JTextField(30);
    private final JTextField maskFile = new JTextField(30);

    DetectorPanel(final Map<String, Object> initial) {
        setLayout(new GridLayout(0, 1));
        add(new JLabel(BTrackmateDetectorFactory.NAME));
        add(new JLabel("Label image TIFF or CSV spot table:"));
        add(spotFile);
        add(new JLabel("Tissue mask TIFF (optional):"));
        add(maskFile);
        setSettings(initial);
    }

    @Override
    public void setSettings(final Map<String, Object> settings) {
        spotFile.setText(String.valueOf(settings.getOrDefault(DetectorKeys.SPOT_FILE, DetectorKeys.NO_FILE)));
        maskFile.setText(String.valueOf(settings.getOrDefault(DetectorKeys.MASK_FILE, DetectorKeys.NO_FILE)));
    }

    @Override
    public Map<String, Object> getSettings() {
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(DetectorKeys.SPOT_FILE, spotFile.getText().trim());
        settings.put(DetectorKeys.MASK_FILE, maskFile.getText().trim());
        return settings;
    }

    @Override
    public void clean() {
    }
}
