package org.volltrack.btrackmate.xml;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of the {@code DisplaySettings} element: TrackMate's display settings (how spots and tracks are drawn
 * in the hyperstack viewer and TrackScheme) as the JSON object TrackMate stores there, with TrackMate 7.14's
 * built-in default values. TrackMate's loader logs an error when the element is missing, so every file gets one.
 *
 * <p>The JSON layout follows TrackMate's: one member per display setting, colours as {@code "r, g, b, a"} text,
 * the colormap by name, the font as an object, pretty-printed with two-space indentation.
 */
public final class DisplaySettingsJson {

    private DisplaySettingsJson() {
    }

    /**
     * @return the default display settings as TrackMate JSON
     */
    public static String defaults() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "Default");
        m.put("spotUniformColor", rgba(204, 51, 204));
        m.put("spotColorByType", "DEFAULT");
        m.put("spotColorByFeature", "UNIFORM_COLOR");
        m.put("spotDisplayRadius", 1.0);
        m.put("spotDisplayedAsRoi", true);
        m.put("spotMin", 0.0);
        m.put("spotMax", 10.0);
        m.put("spotShowName", false);
        m.put("trackMin", 0.0);
        m.put("trackMax", 10.0);
        m.put("trackColorByType", "DEFAULT");
        m.put("trackColorByFeature", "TRACK_INDEX");
        m.put("trackUniformColor", rgba(204, 204, 51));
        m.put("undefinedValueColor", rgba(0, 0, 0));
        m.put("missingValueColor", rgba(89, 89, 89));
        m.put("highlightColor", rgba(51, 230, 51));
        m.put("trackDisplayMode", "FULL");
        m.put("colormap", "Jet");
        m.put("limitZDrawingDepth", false);
        m.put("drawingZDepth", 10.0);
        m.put("fadeTracks", true);
        m.put("fadeTrackRange", 30);
        m.put("useAntialiasing", true);
        m.put("spotVisible", true);
        m.put("trackVisible", true);
        final Map<String, Object> font = new LinkedHashMap<>();
        font.put("name", "Arial");
        font.put("style", 1);
        font.put("size", 12);
        font.put("pointSize", 12.0);
        font.put("fontSerializedDataVersion", 1);
        m.put("font", font);
        m.put("lineThickness", 1.0);
        m.put("selectionLineThickness", 4.0);
        m.put("trackschemeBackgroundColor1", rgba(128, 128, 128));
        m.put("trackschemeBackgroundColor2", rgba(192, 192, 192));
        m.put("trackschemeForegroundColor", rgba(0, 0, 0));
        m.put("trackschemeDecorationColor", rgba(0, 0, 0));
        m.put("trackschemeFillBox", false);
        m.put("spotFilled", false);
        m.put("spotTransparencyAlpha", 1.0);
        final StringBuilder out = new StringBuilder();
        appendObject(out, m, "");
        return out.toString();
    }

    private static String rgba(final int r, final int g, final int b) {
        return r + ", " + g + ", " + b + ", 255";
    }

    private static void appendObject(final StringBuilder out, final Map<String, Object> members,
            final String indent) {
        out.append("{\n");
        int k = 0;
        for (final Map.Entry<String, Object> e : members.entrySet()) {
            out.append(indent).append("  \"").append(e.getKey()).append("\": ");
            final Object value = e.getValue();
            if (value instanceof Map) {
                @SuppressWarnings("unchecked")
                final Map<String, Object> child = (Map<String, Object>) value;
                appendObject(out, child, indent + "  ");
            } else if (value instanceof String) {
                out.append('"').append(value).append('"');
            } else {
                out.append(value);
            }
            out.append(++k < members.size() ? ",\n" : "\n");
        }
        out.append(indent).append('}');
    }
}
