package org.volltrack.btrackmate.xml;

import java.math.BigDecimal;

/**
 * Text and number formatting shared by the TrackMate XML writer: Java {@code Double.toString} for feature
 * values (as TrackMate), integers for int features, plain decimals (no exponent) for settings, and removal of
 * characters that XML 1.0 cannot hold.
 */
final class XmlText {

    private XmlText() {
    }

    /**
     * Formats a feature value as TrackMate does.
     *
     * @param value the value
     * @param isInt whether the feature is declared int
     * @return the text
     */
    static String feature(final double value, final boolean isInt) {
        if (isInt && value == Math.rint(value) && Math.abs(value) < 9.0e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /**
     * Formats a settings number in plain decimal notation ("15.0", "0.00001", "Infinity").
     *
     * @param value the value
     * @return the text
     */
    static String plain(final double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        final String text = Double.toString(value);
        if (text.indexOf('E') < 0) {
            return text;
        }
        final String plain = new BigDecimal(text).toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }

    private static boolean isClean(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c < 0x20 || c > 0xD7FF) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes characters invalid in XML 1.0 (element text keeps tab and newline, a carriage return becomes a newline as an XML parser would read it).
     *
     * @param text      the text (null gives "")
     * @param attribute true for attribute values, where tab/newline/CR become spaces
     * @return the cleaned text
     */
    static String clean(final String text, final boolean attribute) {
        if (text == null) {
            return "";
        }
        if (isClean(text)) {
            return text;
        }
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '\r' && !attribute) {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                    out.append('\n');
                }
            } else if (c == '\t' || c == '\n' || c == '\r') {
                out.append(attribute ? ' ' : c);
            } else if (c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD) {
                out.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            }
        }
        return out.toString();
    }
}
