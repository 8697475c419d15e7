package org.volltrack.btrackmate.ij;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;

import ij.WindowManager;
import ij.gui.GenericDialog;

/**
 * The GUI dialog of the BTrackmate plugin. Every field's label starts with its macro key (see
 * {@link PluginOptions}), so the macro recorder, which records a {@link GenericDialog}'s fields by the first word
 * of their labels, writes exactly the options {@link PluginOptions#fromMacroOptions(String)} reads.
 */
final class OptionsDialog {

    static final String NONE = "[None]";

    private OptionsDialog() {
    }

    /**
     * Shows the dialog.
     *
     * @param initial the values to start from
     * @return the options, or null when the user cancelled
     */
    static PluginOptions show(final PluginOptions initial) {
        final GenericDialog gd = new GenericDialog("BTrackmate");
        final String[] images = imageChoices();
        gd.addMessage("Input: a label image (one label per cell, 0 = background), or a CSV spot table");
        gd.addChoice("labels (label image)", images, pick(images, initial.labels, true));
        gd.addChoice("raw (intensity image, optional)", images, pick(images, initial.raw, false));
        gd.addChoice("mask (tissue mask, optional)", images, pick(images, initial.mask, false));
        gd.addFileField("csv (spot table instead of labels)", initial.csv);
        gd.addMessage("Tracker (TrackMate LAP tracker; distances in calibrated units)");
        final Map<String, Object> defaults = initial.settings;
        final List<String> keys = new ArrayList<>();
        for (final Map.Entry<String, Object> e : defaults.entrySet()) {
            final String key = e.getKey().toLowerCase(Locale.ROOT);
            if (e.getValue() instanceof Boolean) {
                gd.addCheckbox(key, (Boolean) e.getValue());
            } else if (TrackerKeys.PRUNE_MODE.equals(e.getKey())) {
                gd.addChoice(key, new String[] {TrackerKeys.PRUNE_BRANCH, TrackerKeys.PRUNE_TRACK,
                    TrackerKeys.PRUNE_BOTH}, String.valueOf(e.getValue()));
            } else if (!(e.getValue() instanceof Map)) {
                gd.addStringField(key, String.valueOf(e.getValue()), 10);
            } else {
                continue;
            }
            keys.add(e.getKey());
        }
        gd.addFileField("xml (output TrackMate file)", initial.xml);
        if (TrackMateOpener.isTrackMateInstalled()) {
            gd.addCheckbox("open_in_trackmate when done", true);
        }
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        return read(gd, keys, defaults);
    }

    private static PluginOptions read(final GenericDialog gd, final List<String> keys,
            final Map<String, Object> defaults) {
        final PluginOptions out = new PluginOptions();
        out.labels = emptyIfNone(gd.getNextChoice());
        out.raw = emptyIfNone(gd.getNextChoice());
        out.mask = emptyIfNone(gd.getNextChoice());
        out.csv = gd.getNextString().trim();
        if (!out.csv.isEmpty()) {
            out.labels = "";
        }
        final Map<String, Object> given = new LinkedHashMap<>();
        for (final String key : keys) {
            final Object example = defaults.get(key);
            if (example instanceof Boolean) {
                given.put(key, gd.getNextBoolean());
            } else if (TrackerKeys.PRUNE_MODE.equals(key)) {
                given.put(key, gd.getNextChoice());
            } else {
                given.put(key, PluginOptions.parseScalar(key.toLowerCase(Locale.ROOT), gd.getNextString(), example));
            }
        }
        out.settings = TrackerSettings.normalize(given);
        out.xml = gd.getNextString().trim();
        out.openInTrackMate = TrackMateOpener.isTrackMateInstalled() && gd.getNextBoolean();
        return out;
    }

    private static String[] imageChoices() {
        final String[] titles = WindowManager.getImageTitles();
        final String[] out = new String[titles.length + 1];
        out[0] = NONE;
        System.arraycopy(titles, 0, out, 1, titles.length);
        return out;
    }

    private static String pick(final String[] choices, final String wanted, final boolean firstImageByDefault) {
        for (final String c : choices) {
            if (c.equals(wanted)) {
                return c;
            }
        }
        return firstImageByDefault && choices.length > 1 ? choices[1] : NONE;
    }

    private static String emptyIfNone(final String choice) {
        return NONE.equals(choice) ? "" : choice;
    }
}
