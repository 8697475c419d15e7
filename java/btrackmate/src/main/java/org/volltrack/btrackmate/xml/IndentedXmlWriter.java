package org.volltrack.btrackmate.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import javax.xml.stream.XMLStreamException;

import org.volltrack.btrackmate.model.FeatureKeys;

/**
 * Writes XML indented by two spaces per level, as TrackMate's pretty-printed files, straight into a UTF-8 byte
 * buffer (flushed to an output stream, or decoded for a character writer): the same bytes as the JDK's StAX writer (start tags closed with {@code >} or {@code />} when the next
 * item comes, {@code &amp; &lt; &gt;} escaped in text, also {@code &quot;} in attribute values), without its
 * per-call overhead. Attribute values and text are cleaned of characters XML cannot hold ({@link XmlText#clean});
 * {@link #numberAttribute} skips that for values known to be plain numbers.
 */
final class IndentedXmlWriter {

    private static final int BUFFER = 1 << 16;
    private static final int NONE = 0;
    private static final int START_OPEN = 1;
    private static final int EMPTY_OPEN = 2;

    private final OutputStream stream;
    private final Writer out;
    private final byte[] buffer = new byte[BUFFER];
    private int length;
    private final String[] stack = new String[64];
    private int depth;
    private boolean lastWasStart;
    private int open = NONE;
    private String[] indents = new String[0];

    /** @param out destination of the characters (not closed) */
    IndentedXmlWriter(final Writer out) {
        this.out = out;
        this.stream = null;
    }

    /** @param stream destination of the UTF-8 bytes (not closed) */
    IndentedXmlWriter(final OutputStream stream) {
        this.out = null;
        this.stream = stream;
    }

    void startDocument() throws XMLStreamException {
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }

    /** Opens an element that will have children or text. */
    void start(final String name) throws XMLStreamException {
        newline();
        openTag(name, START_OPEN);
        stack[depth++] = name;
        lastWasStart = true;
    }

    /** Writes an element without content; add attributes with {@link #attribute}. */
    void empty(final String name) throws XMLStreamException {
        newline();
        openTag(name, EMPTY_OPEN);
        lastWasStart = false;
    }

    void attribute(final String name, final String value) throws XMLStreamException {
        if (!FeatureKeys.isValidKey(name)) {
            throw new XMLStreamException("\"" + name + "\" cannot be an XML attribute name (feature keys must be "
                    + "letters, digits and _)");
        }
        attributeStart(name);
        escape(XmlText.clean(value, true), true);
        append('"');
    }

    /**
     * Writes an attribute whose name is a valid key and whose value needs neither cleaning nor escaping (a
     * number from {@link Double#toString} or {@link Long#toString}, "NaN", "Infinity").
     */
    @SuppressWarnings("deprecation")
    void numberAttribute(final String name, final String value) throws XMLStreamException {
        attributeStart(name);
        final int n = value.length();
        if (n + 1 > BUFFER - length) {
            flushBuffer();
        }
        value.getBytes(0, n, buffer, length);
        length += n;
        buffer[length++] = '"';
    }

    private void attributeStart(final String name) throws XMLStreamException {
        if (open == NONE) {
            throw new XMLStreamException("attribute " + name + " outside a start tag");
        }
        append(' ');
        append(name);
        append('=');
        append('"');
    }

    /** Writes text content directly after the open tag (no indentation). */
    void text(final String text) throws XMLStreamException {
        closeTag();
        escape(XmlText.clean(text, false), false);
    }

    /** Closes an element opened with {@link #start}; closes on the same line when it has no children. */
    void end() throws XMLStreamException {
        depth--;
        if (!lastWasStart) {
            newline();
        }
        endTag();
    }

    /** Closes an element right after its text. */
    void endAfterText() throws XMLStreamException {
        depth--;
        endTag();
    }

    void endDocument() throws XMLStreamException {
        closeTag();
        append('\n');
        flushBuffer();
        try {
            if (out != null) {
                out.flush();
            } else {
                stream.flush();
            }
        } catch (final IOException e) {
            throw new XMLStreamException(e.getMessage(), e);
        }
    }

    private void endTag() throws XMLStreamException {
        closeTag();
        append("</");
        append(stack[depth]);
        append('>');
        lastWasStart = false;
    }

    private void openTag(final String name, final int kind) throws XMLStreamException {
        if (depth >= stack.length) {
            throw new XMLStreamException("XML nesting deeper than " + stack.length);
        }
        closeTag();
        append('<');
        append(name);
        open = kind;
    }

    private void closeTag() throws XMLStreamException {
        if (open == START_OPEN) {
            append('>');
        } else if (open == EMPTY_OPEN) {
            append("/>");
        }
        open = NONE;
    }

    private void newline() throws XMLStreamException {
        closeTag();
        if (depth >= indents.length) {
            final String[] grown = java.util.Arrays.copyOf(indents, depth + 8);
            for (int i = indents.length; i < grown.length; i++) {
                grown[i] = "\n" + "  ".repeat(i);
            }
            indents = grown;
        }
        append(indents[depth]);
        lastWasStart = false;
    }

    private void escape(final String text, final boolean attribute) throws XMLStreamException {
        final int n = text.length();
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            if (c == '&') {
                append("&amp;");
            } else if (c == '<') {
                append("&lt;");
            } else if (c == '>') {
                append("&gt;");
            } else if (c == '"' && attribute) {
                append("&quot;");
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                appendCodePoint(Character.toCodePoint(c, text.charAt(++i)));
            } else {
                append(c);
            }
        }
    }

    /** Appends one character as UTF-8 (a lone surrogate becomes '?', as Java's UTF-8 encoder writes it). */
    private void append(final char c) throws XMLStreamException {
        if (BUFFER - length < 4) {
            flushBuffer();
        }
        if (c < 0x80) {
            buffer[length++] = (byte) c;
        } else if (c < 0x800) {
            buffer[length++] = (byte) (0xC0 | c >> 6);
            buffer[length++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isSurrogate(c)) {
            buffer[length++] = '?';
        } else {
            buffer[length++] = (byte) (0xE0 | c >> 12);
            buffer[length++] = (byte) (0x80 | c >> 6 & 0x3F);
            buffer[length++] = (byte) (0x80 | c & 0x3F);
        }
    }

    private void appendCodePoint(final int cp) throws XMLStreamException {
        if (BUFFER - length < 4) {
            flushBuffer();
        }
        buffer[length++] = (byte) (0xF0 | cp >> 18);
        buffer[length++] = (byte) (0x80 | cp >> 12 & 0x3F);
        buffer[length++] = (byte) (0x80 | cp >> 6 & 0x3F);
        buffer[length++] = (byte) (0x80 | cp & 0x3F);
    }

    private void append(final String s) throws XMLStreamException {
        final int n = s.length();
        for (int i = 0; i < n; i++) {
            final char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                appendCodePoint(Character.toCodePoint(c, s.charAt(++i)));
            } else if (c < 0x80 && length < BUFFER) {
                buffer[length++] = (byte) c;
            } else {
                append(c);
            }
        }
    }

    private void flushBuffer() throws XMLStreamException {
        try {
            if (out != null) {
                out.write(new String(buffer, 0, length, StandardCharsets.UTF_8));
            } else {
                stream.write(buffer, 0, length);
            }
        } catch (final IOException e) {
            throw new XMLStreamException(e.getMessage(), e);
        }
        length = 0;
    }
}
