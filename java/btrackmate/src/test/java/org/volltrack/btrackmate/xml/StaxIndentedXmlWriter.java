package org.volltrack.btrackmate.xml;

import java.io.Writer;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The StAX-based writer the engine used before its direct writer (test oracle: both must produce the same
 * bytes).
 *
 * A thin layer over a StAX {@link XMLStreamWriter} that indents elements by two spaces per level, as TrackMate's
 * pretty-printed files, and cleans attribute values and text of characters XML cannot hold.
 */
final class StaxIndentedXmlWriter {

    private final XMLStreamWriter xml;
    private int depth;
    private boolean lastWasStart;

    StaxIndentedXmlWriter(final Writer out) throws XMLStreamException {
        this.xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
    }

    void startDocument() throws XMLStreamException {
        xml.writeStartDocument("UTF-8", "1.0");
    }

    /** Opens an element that will have children or text. */
    void start(final String name) throws XMLStreamException {
        newline();
        xml.writeStartElement(name);
        depth++;
        lastWasStart = true;
    }

    /** Writes an element without content; add attributes with {@link #attribute}. */
    void empty(final String name) throws XMLStreamException {
        newline();
        xml.writeEmptyElement(name);
        lastWasStart = false;
    }

    void attribute(final String name, final String value) throws XMLStreamException {
        if (!org.volltrack.btrackmate.model.FeatureKeys.isValidKey(name)) {
            throw new XMLStreamException("\"" + name + "\" cannot be an XML attribute name (feature keys must be "
                    + "letters, digits and _)");
        }
        xml.writeAttribute(name, XmlText.clean(value, true));
    }

    /** Writes text content directly after the open tag (no indentation). */
    void text(final String text) throws XMLStreamException {
        xml.writeCharacters(XmlText.clean(text, false));
    }

    /** Closes an element opened with {@link #start}; closes on the same line when it has no children. */
    void end() throws XMLStreamException {
        depth--;
        if (!lastWasStart) {
            newline();
        }
        xml.writeEndElement();
        lastWasStart = false;
    }

    /** Closes an element right after its text. */
    void endAfterText() throws XMLStreamException {
        depth--;
        xml.writeEndElement();
        lastWasStart = false;
    }

    void endDocument() throws XMLStreamException {
        xml.writeCharacters("\n");
        xml.writeEndDocument();
        xml.flush();
        xml.close();
    }

    private void newline() throws XMLStreamException {
        final StringBuilder indent = new StringBuilder("\n");
        for (int i = 0; i < depth; i++) {
            indent.append("  ");
        }
        xml.writeCharacters(indent.toString());
        lastWasStart = false;
    }
}
