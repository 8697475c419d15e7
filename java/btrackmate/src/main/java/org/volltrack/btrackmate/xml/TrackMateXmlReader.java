package org.volltrack.btrackmate.xml;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.volltrack.btrackmate.model.Dimension;
import org.volltrack.btrackmate.model.FeatureDeclaration;
import org.volltrack.btrackmate.model.Model;

/**
 * Reads TrackMate XML files of TrackMate 3.x–8.x and of the old BTrackmate fork ({@code version="2.0.0"}) with
 * a streaming StAX parser. DTDs and external entities are refused. Malformed, truncated or inconsistent files
 * (missing Model/AllSpots, spot without ID, non-numeric spot value, duplicate spot ID, edge to an unknown spot,
 * self-loop, duplicate edge) raise {@link XmlFormatException} naming the file, line and column.
 */
public final class TrackMateXmlReader {

    private final XmlErrors errors;
    private final TrackMateFile out = TrackMateFile.beforeReading();
    private final SettingsXmlReader settings;
    private final ModelXmlReader model;
    private final Set<String> seen = new HashSet<>();

    private TrackMateXmlReader(final String source) {
        this.errors = new XmlErrors(source);
        this.settings = new SettingsXmlReader(out, errors);
        this.model = new ModelXmlReader(out.model, errors);
    }

    /**
     * Reads a TrackMate XML file.
     *
     * @param path the file
     * @return its content
     * @throws XmlFormatException when the file is not valid TrackMate XML
     * @throws IOException        when it cannot be read
     */
    public static TrackMateFile read(final Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "TrackMate XML file not found");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return read(in, path.toString());
        }
    }

    /**
     * Reads TrackMate XML from a stream.
     *
     * @param in     the stream (not closed)
     * @param source name used in error messages
     * @return the content
     * @throws XmlFormatException when the content is not valid TrackMate XML
     */
    public static TrackMateFile read(final InputStream in, final String source) throws XmlFormatException {
        return new TrackMateXmlReader(source).parse(in);
    }

    private TrackMateFile parse(final InputStream in) throws XmlFormatException {
        final XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        XMLStreamReader r = null;
        try {
            r = factory.createXMLStreamReader(in);
            loop(r);
        } catch (final XMLStreamException e) {
            throw errors.at(e.getLocation(), "malformed or truncated XML: " + parserMessage(e));
        } finally {
            closeQuietly(r);
        }
        finish();
        return out;
    }

    /**
     * Deepest element nesting accepted, as the Python reader's parser (libxml2 without its huge-tree option);
     * TrackMate files nest fewer than 10 levels. Checked per element in constant time, so any file is read or
     * refused in time linear in its size.
     */
    static final int MAX_DEPTH = 256;

    /** Open {@code <Settings>} elements on the stack (instead of searching the stack for one per element). */
    private int settingsDepth;

    private void loop(final XMLStreamReader r) throws XMLStreamException, XmlFormatException {
        final Deque<String> stack = new ArrayDeque<>();
        while (r.hasNext()) {
            final int event = r.next();
            if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw errors.at(r, "DOCTYPE declarations and entity references are not allowed in TrackMate "
                        + "XML (refused for safety)");
            }
            if (event == XMLStreamConstants.START_ELEMENT) {
                final String name = r.getLocalName();
                if (stack.isEmpty()) {
                    startRoot(r, name);
                }
                if (stack.size() >= MAX_DEPTH) {
                    throw errors.at(r, "XML elements nested deeper than " + MAX_DEPTH + " levels; TrackMate files "
                            + "nest fewer than 10 (refused for safety)");
                }
                if (!start(r, name, stack.peek(), stack)) {
                    stack.push(name);
                    if (XmlKeys.SETTINGS.equals(name)) {
                        settingsDepth++;
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                final String name = stack.pop();
                if (XmlKeys.SETTINGS.equals(name)) {
                    settingsDepth--;
                }
                settings.end(name, r);
            }
        }
    }

    private void startRoot(final XMLStreamReader r, final String name) throws XmlFormatException {
        if (!XmlKeys.ROOT.equals(name)) {
            throw errors.at(r, "not a TrackMate file: root element is <" + name + ">, expected <TrackMate>");
        }
        final String version = r.getAttributeValue(null, "version");
        if (version == null) {
            throw errors.at(r, "the <TrackMate> root element has no version attribute");
        }
        out.version = version;
    }

    /** @return true when the element's end tag was consumed */
    private boolean start(final XMLStreamReader r, final String name, final String parent,
            final Deque<String> stack) throws XMLStreamException, XmlFormatException {
        seen.add(name);
        switch (name) {
            case XmlKeys.LOG:
                out.log = r.getElementText().trim();
                return true;
            case XmlKeys.DISPLAY_SETTINGS:
                out.displaySettings = r.getElementText();
                return true;
            case XmlKeys.GUISTATE:
                out.guiState = r.getAttributeValue(null, "state");
                return false;
            case XmlKeys.FEATURE:
                declare(r, parent);
                return false;
            default:
                if (settingsDepth > 0 || XmlKeys.SETTINGS.equals(name)) {
                    settings.start(name, parent, r);
                    return false;
                }
                return model.start(r, name, parent);
        }
    }

    private void declare(final XMLStreamReader r, final String parent) throws XmlFormatException {
        final String key = r.getAttributeValue(null, "feature");
        final String name = r.getAttributeValue(null, "name");
        final String shortName = r.getAttributeValue(null, "shortname");
        if (key == null || name == null || shortName == null) {
            out.warnings.add("skipped a feature declaration without feature, name or shortname");
            return;
        }
        final String dimensionText = r.getAttributeValue(null, "dimension");
        Dimension dimension;
        try {
            dimension = Dimension.valueOf(dimensionText);
        } catch (final IllegalArgumentException | NullPointerException e) {
            out.warnings.add("feature " + key + ": unknown dimension " + dimensionText + ", using NONE");
            dimension = Dimension.NONE;
        }
        final boolean isInt = Boolean.parseBoolean(r.getAttributeValue(null, "isint"));
        final FeatureDeclaration declaration = new FeatureDeclaration(key, name, shortName, dimension, isInt);
        final Model m = out.model;
        if (XmlKeys.SPOT_FEATURES.equals(parent)) {
            m.declareSpotFeature(declaration);
        } else if (XmlKeys.EDGE_FEATURES.equals(parent)) {
            m.declareEdgeFeature(declaration);
        } else if (XmlKeys.TRACK_FEATURES.equals(parent)) {
            m.declareTrackFeature(declaration);
        }
    }

    private void finish() throws XmlFormatException {
        if (!seen.contains(XmlKeys.ROOT)) {
            throw errors.at((javax.xml.stream.Location) null, "no <TrackMate> element: empty file?");
        }
        for (final String required : new String[] {XmlKeys.MODEL, XmlKeys.ALL_SPOTS}) {
            if (!seen.contains(required)) {
                throw errors.at((javax.xml.stream.Location) null, "required element <" + required
                        + "> is missing");
            }
        }
        if (!seen.contains(XmlKeys.ALL_TRACKS)) {
            out.warnings.add("no <AllTracks> element: the file has no tracks");
        }
        if (!seen.contains(XmlKeys.FILTERED_TRACKS)) {
            out.warnings.add("no <FilteredTracks> element: every track is taken as visible");
        }
        model.finish(seen.contains(XmlKeys.FILTERED_TRACKS));
    }

    private static String parserMessage(final XMLStreamException e) {
        final String message = e.getMessage() == null ? "" : e.getMessage();
        final int index = message.indexOf("Message:");
        return (index >= 0 ? message.substring(index + "Message:".length()) : message).trim();
    }

    private static void closeQuietly(final XMLStreamReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (final XMLStreamException e) {
                // nothing more to report: the parse result or error is already decided
            }
        }
    }
}
