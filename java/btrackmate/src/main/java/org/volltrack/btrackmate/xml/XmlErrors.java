package org.volltrack.btrackmate.xml;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamReader;

/**
 * Builds {@link XmlFormatException}s that name the file, line and column, and parses attribute numbers with
 * such errors.
 */
final class XmlErrors {

    private final String source;

    XmlErrors(final String source) {
        this.source = source;
    }

    XmlFormatException at(final XMLStreamReader r, final String message) {
        return at(r == null ? null : r.getLocation(), message);
    }

    XmlFormatException at(final Location location, final String message) {
        if (location == null || location.getLineNumber() < 0) {
            return new XmlFormatException(source + ": " + message);
        }
        return new XmlFormatException(source + ": line " + location.getLineNumber() + ", column "
                + location.getColumnNumber() + ": " + message);
    }

    double parseDouble(final XMLStreamReader r, final String key, final String text) throws XmlFormatException {
        if (text == null) {
            throw at(r, "attribute " + key + " is missing on <" + r.getLocalName() + ">");
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (final NumberFormatException e) {
            throw at(r, "attribute " + key + "=\"" + text + "\" on <" + r.getLocalName()
                    + "> is not a number");
        }
    }

    int parseInt(final XMLStreamReader r, final String key, final String text) throws XmlFormatException {
        final double value = parseDouble(r, key, text);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw at(r, "attribute " + key + "=\"" + text + "\" on <" + r.getLocalName()
                    + "> is not an integer");
        }
        return (int) value;
    }
}
