package org.volltrack.btrackmate.ij;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;

import ij.Macro;

/**
 * The options of the BTrackmate ImageJ1 plugin, as one value object that converts to and from an ImageJ macro
 * options string ({@code run("BTrackmate", "labels=[/data/labels.tif] xml=[/data/tracks.xml] ...")}).
 *
 * <p>Macro keys: {@code labels}, {@code raw}, {@code mask} (a file path or the title of an open image),
 * {@code csv} (a spot table instead of a label image), {@code xml} (output), {@code pixel_width},
 * {@code pixel_height}, {@code voxel_depth}, {@code frame_interval} (0 = from the image), and every scalar
 * {@link TrackerKeys} key in lower case ({@code linking_max_distance=10 allow_gap_closing max_frame_gap=2
 * min_tracklet_length=3 prune_mode=BRANCH tissue_filter tissue_min_fraction=0.5}). As everywhere in ImageJ,
 * a check box is on when its key appears as a bare word and off when it is absent.</p>
 */
public final class PluginOptions {

    /** Macro key of the label image. */
    public static final String LABELS = "labels";
    /** Macro key of the raw image. */
    public static final String RAW = "raw";
    /** Macro key of the tissue mask. */
    public static final String MASK = "mask";
    /** Macro key of the CSV spot table. */
    public static final String CSV = "csv";
    /** Macro key of the output XML. */
    public static final String XML = "xml";
    /** Macro keys of the calibration overrides, in (x, y, z, t) order. */
    public static final String[] CALIBRATION_KEYS = {"pixel_width", "pixel_height", "voxel_depth", "frame_interval"};
    /** Macro key asking to open the result in TrackMate (GUI only). */
    public static final String OPEN_IN_TRACKMATE = "open_in_trackmate";

    /** Label image: a path or the title of an open image; empty when a CSV is given. */
    public String labels = "";
    /** Raw image: path or title, or empty. */
    public String raw = "";
    /** Tissue mask: path or title, or empty. */
    public String mask = "";
    /** CSV spot table path, or empty. */
    public String csv = "";
    /** Output TrackMate XML path. */
    public String xml = "";
    /** Calibration overrides (x, y, z, t); 0 = use the image's calibration (or 1 for a CSV). */
    public final double[] calibration = new double[4];
    /** Open the result in TrackMate when it is installed. */
    public boolean openInTrackMate;
    /** Tracker settings, complete and typed (see {@link TrackerSettings#normalize(Map)}). */
    public Map<String, Object> settings = TrackerKeys.defaultSettings();

    /** @return the macro keys of the scalar tracker settings, in {@link TrackerKeys#defaultSettings()} order */
    public static List<String> trackerMacroKeys() {
        final List<String> keys = new ArrayList<>();
        for (final Map.Entry<String, Object> e : TrackerKeys.defaultSettings().entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                keys.add(e.getKey().toLowerCase(Locale.ROOT));
            }
        }
        return keys;
    }

    /**
     * Parses a macro options string.
     *
     * @param options the string ImageJ gives the plugin ({@link Macro#getOptions()})
     * @return the options
     * @throws IllegalArgumentException naming the option when a value is missing or malformed
     */
    public static PluginOptions fromMacroOptions(final String options) {
        final String text = options == null ? "" : options.trim() + " ";
        rejectUnknownKeys(text);
        final PluginOptions out = new PluginOptions();
        out.labels = Macro.getValue(text, LABELS, "");
        out.raw = noneToEmpty(Macro.getValue(text, RAW, ""));
        out.mask = noneToEmpty(Macro.getValue(text, MASK, ""));
        out.csv = Macro.getValue(text, CSV, "");
        out.xml = Macro.getValue(text, XML, "");
        for (int i = 0; i < CALIBRATION_KEYS.length; i++) {
            out.calibration[i] = parseDouble(CALIBRATION_KEYS[i], Macro.getValue(text, CALIBRATION_KEYS[i], "0"));
        }
        out.openInTrackMate = hasFlag(text, OPEN_IN_TRACKMATE);
        final Map<String, Object> given = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : TrackerKeys.defaultSettings().entrySet()) {
            final String key = e.getKey().toLowerCase(Locale.ROOT);
            if (e.getValue() instanceof Boolean) {
                given.put(e.getKey(), hasFlag(text, key));
            } else if (!(e.getValue() instanceof Map)) {
                final String value = Macro.getValue(text, key, null);
                if (value != null) {
                    given.put(e.getKey(), parseScalar(key, value, e.getValue()));
                }
            }
        }
        out.settings = TrackerSettings.normalize(given);
        return out;
    }

    /**
     * Formats these options as a macro options string that {@link #fromMacroOptions(String)} reads back.
     *
     * @return e.g. {@code "labels=[/a/labels.tif] xml=[/a/out.xml] linking_max_distance=15.0 allow_gap_closing"}
     */
    public String toMacroOptions() {
        final StringBuilder sb = new StringBuilder();
        appendValue(sb, LABELS, labels);
        appendValue(sb, RAW, raw);
        appendValue(sb, MASK, mask);
        appendValue(sb, CSV, csv);
        appendValue(sb, XML, xml);
        for (int i = 0; i < CALIBRATION_KEYS.length; i++) {
            if (calibration[i] > 0) {
                appendValue(sb, CALIBRATION_KEYS[i], Double.toString(calibration[i]));
            }
        }
        for (final Map.Entry<String, Object> e : settings.entrySet()) {
            final String key = e.getKey().toLowerCase(Locale.ROOT);
            if (e.getValue() instanceof Boolean) {
                if ((Boolean) e.getValue()) {
                    sb.append(key).append(' ');
                }
            } else if (!(e.getValue() instanceof Map)) {
                appendValue(sb, key, String.valueOf(e.getValue()));
            }
        }
        if (openInTrackMate) {
            sb.append(OPEN_IN_TRACKMATE).append(' ');
        }
        return sb.toString().trim();
    }

    /**
     * Checks that the inputs and the output are given (not that the files exist: see {@link BTrackmateRun}).
     *
     * @throws IllegalArgumentException naming the missing option
     */
    public void validate() {
        if (labels.isEmpty() && csv.isEmpty()) {
            throw new IllegalArgumentException("BTrackmate: give a label image ('labels=[path or title]') or a "
                    + "CSV spot table ('csv=[path]'); neither was given");
        }
        if (!labels.isEmpty() && !csv.isEmpty()) {
            throw new IllegalArgumentException("BTrackmate: give either 'labels' or 'csv', not both (got labels="
                    + labels + " and csv=" + csv + ")");
        }
        if (xml.isEmpty()) {
            throw new IllegalArgumentException("BTrackmate: the output file is missing; give 'xml=[path/to/tracks.xml]'");
        }
    }

    /** @return every key the command understands */
    public static List<String> knownKeys() {
        final List<String> keys = new ArrayList<>(List.of(LABELS, RAW, MASK, CSV, XML, OPEN_IN_TRACKMATE));
        keys.addAll(List.of(CALIBRATION_KEYS));
        keys.addAll(trackerMacroKeys());
        return keys;
    }

    /** Fails on a key the command does not know (a typo would otherwise silently leave a default). */
    private static void rejectUnknownKeys(final String text) {
        final List<String> known = knownKeys();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = i;
            while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != '=') {
                end++;
            }
            final String key = text.substring(i, end);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("BTrackmate: unknown option '" + key + "'; known options: "
                        + String.join(", ", known));
            }
            i = end < text.length() && text.charAt(end) == '=' ? skipValue(text, end + 1) : end;
        }
    }

    private static int skipValue(final String text, final int start) {
        if (start < text.length() && text.charAt(start) == '[') {
            final int close = text.indexOf(']', start);
            return close < 0 ? text.length() : close + 1;
        }
        final int space = text.indexOf(' ', start);
        return space < 0 ? text.length() : space;
    }

    private static boolean hasFlag(final String text, final String key) {
        final String padded = " " + text;
        return padded.contains(" " + key + " ") || padded.contains(" " + key + "=true ");
    }

    private static String noneToEmpty(final String value) {
        return "[None]".equals(value) || "None".equals(value) ? "" : value;
    }

    static Object parseScalar(final String key, final String value, final Object example) {
        if (example instanceof Integer) {
            try {
                return Integer.valueOf(value.trim());
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("BTrackmate: option '" + key + "' must be an integer, got '"
                        + value + "'");
            }
        }
        if (example instanceof Double) {
            return parseDouble(key, value);
        }
        return value.trim().toUpperCase(Locale.ROOT);
    }

    private static double parseDouble(final String key, final String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("BTrackmate: option '" + key + "' must be a number, got '" + value + "'");
        }
    }

    private static void appendValue(final StringBuilder sb, final String key, final String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        sb.append(key).append('=');
        if (value.contains(" ") || value.contains("=")) {
            sb.append('[').append(value).append(']');
        } else {
            sb.append(value);
        }
        sb.append(' ');
    }
}
