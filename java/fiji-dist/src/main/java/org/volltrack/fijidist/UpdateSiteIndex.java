package org.volltrack.fijidist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The {@code db.xml.gz} index of a Fiji update site: the ImageJ updater's "files collection" XML, gzipped.
 *
 * <p>Format, as the updater reads it: a root {@code <pluginRecords>} holding one {@code <plugin filename="...">}
 * per file, {@code filename} being the path inside Fiji.app ({@code /}-separated, with the version in the name
 * as it is installed, e.g. {@code jars/btrackmate-fiji-0.1.0.jar}). Its current version is a
 * {@code <version checksum="..." timestamp="..." filesize="...">} element (checksum: {@link UpdaterChecksum};
 * timestamp: {@code yyyyMMddHHmmss}; filesize: bytes) with optional {@code <description>} and {@code <author>}
 * children, followed by {@code <previous-version checksum timestamp timestamp-obsolete
 * [filename]>} elements for the versions it replaced (so that Fiji offers an update, rather than reporting a
 * locally modified file, to a user who has an older one). The file itself is served next to the index as
 * {@code <filename>-<timestamp>}. Only files in the folders the updater manages, with their extensions, may be
 * listed ({@link #isManaged(String)}). The index carries an internal DTD, as the updater's own writer does.
 */
public final class UpdateSiteIndex {

    /** Name of the index file at the root of an update site. */
    public static final String INDEX_NAME = "db.xml.gz";
    /** Timestamps are local date-times written as 14 digits. */
    public static final Pattern TIMESTAMP = Pattern.compile("[0-9]{14}");

    /** Folder -> extensions the updater manages there (a subset of its list: what a plugin distribution uses). */
    private static final Map<String, List<String>> MANAGED = new LinkedHashMap<>();

    static {
        MANAGED.put("jars", List.of(".jar"));
        MANAGED.put("plugins", List.of(".jar", ".txt", ".ijm", ".py", ".js", ".bsh", ".groovy"));
        MANAGED.put("scripts", List.of(".ijm", ".py", ".js", ".bsh", ".groovy"));
        MANAGED.put("macros", List.of(".txt", ".ijm"));
    }

    /** One file of the site: its current version and the versions it replaced. */
    public static final class Entry {
        /** Path inside Fiji.app. */
        public final String filename;
        /** Updater checksum of the current version. */
        public final String checksum;
        /** Timestamp of the current version (yyyyMMddHHmmss). */
        public final String timestamp;
        /** Size in bytes. */
        public final long filesize;
        /** One-line description shown by the updater. */
        public final String description;
        /** Earlier versions, newest first. */
        public final List<PreviousVersion> previous;

        /**
         * @param filename path inside Fiji.app
         * @param checksum updater checksum
         * @param timestamp yyyyMMddHHmmss
         * @param filesize bytes
         * @param description description, or null
         * @param previous earlier versions
         */
        public Entry(final String filename, final String checksum, final String timestamp, final long filesize,
                final String description, final List<PreviousVersion> previous) {
            if (!isManaged(filename)) {
                throw new IllegalArgumentException(filename + ": the ImageJ updater does not manage this path "
                        + "(expected jars/*.jar, plugins/*, scripts/*, macros/* with a known extension)");
            }
            if (!TIMESTAMP.matcher(timestamp).matches()) {
                throw new IllegalArgumentException(filename + ": timestamp " + timestamp + " is not yyyyMMddHHmmss");
            }
            this.filename = filename;
            this.checksum = checksum;
            this.timestamp = timestamp;
            this.filesize = filesize;
            this.description = description;
            this.previous = List.copyOf(previous);
        }
    }

    /** A version a file had before (kept so that older installations are seen as updatable). */
    public static final class PreviousVersion {
        /** Updater checksum of that version. */
        public final String checksum;
        /** When that version was published. */
        public final String timestamp;
        /** When it was replaced. */
        public final String timestampObsolete;
        /** Its file name (null when the same as the current one). */
        public final String filename;

        /**
         * @param checksum updater checksum
         * @param timestamp yyyyMMddHHmmss
         * @param timestampObsolete yyyyMMddHHmmss
         * @param filename file name, or null
         */
        public PreviousVersion(final String checksum, final String timestamp, final String timestampObsolete,
                final String filename) {
            this.checksum = checksum;
            this.timestamp = timestamp;
            this.timestampObsolete = timestampObsolete;
            this.filename = filename;
        }
    }

    private UpdateSiteIndex() {
    }

    /**
     * Tells whether the ImageJ updater manages a file at {@code path} (folder and extension).
     *
     * @param path path inside Fiji.app
     * @return true when the path can be listed in an update site
     */
    public static boolean isManaged(final String path) {
        final int slash = path.indexOf('/');
        final int dot = path.lastIndexOf('.');
        if (slash <= 0 || dot < slash || path.contains("\\") || path.contains("..") || path.endsWith("/")) {
            return false;
        }
        final List<String> extensions = MANAGED.get(path.substring(0, slash));
        return extensions != null && extensions.contains(path.substring(dot));
    }

    /**
     * Writes the gzipped index.
     *
     * @param entries the files, in the order to list them
     * @param out the {@code db.xml.gz} file to write
     * @throws IOException on a write error
     */
    public static void write(final List<Entry> entries, final Path out) throws IOException {
        try (OutputStream file = Files.newOutputStream(out);
             GZIPOutputStream gzip = new GZIPOutputStream(file);
             Writer xml = new OutputStreamWriter(gzip, StandardCharsets.UTF_8)) {
            xml.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            writeDtd(xml);
            xml.write("<pluginRecords>\n");
            for (final Entry entry : entries) {
                xml.write("    <plugin filename=\"" + escape(entry.filename) + "\">\n");
                xml.write("        <version checksum=\"" + entry.checksum + "\" timestamp=\"" + entry.timestamp
                        + "\" filesize=\"" + entry.filesize + "\">\n");
                if (entry.description != null) {
                    xml.write("            <description>" + escape(entry.description) + "</description>\n");
                }
                xml.write("            <author>volltrack</author>\n");
                xml.write("        </version>\n");
                for (final PreviousVersion old : entry.previous) {
                    xml.write("        <previous-version timestamp=\"" + old.timestamp + "\" timestamp-obsolete=\""
                            + old.timestampObsolete + "\" checksum=\"" + old.checksum + "\""
                            + (old.filename == null ? "" : " filename=\"" + escape(old.filename) + "\"") + "/>\n");
                }
                xml.write("    </plugin>\n");
            }
            xml.write("</pluginRecords>\n");
        }
    }

    /** The internal DTD: the elements and attributes of the updater's format that an update site uses. */
    private static void writeDtd(final Writer xml) throws IOException {
        xml.write("<!DOCTYPE pluginRecords [\n"
                + "<!ELEMENT pluginRecords (plugin*)>\n"
                + "<!ELEMENT plugin (platform*, category*, version?, previous-version*)>\n"
                + "<!ATTLIST plugin filename CDATA #REQUIRED executable CDATA #IMPLIED"
                + " update-site CDATA #IMPLIED>\n"
                + "<!ELEMENT platform (#PCDATA)>\n"
                + "<!ELEMENT category (#PCDATA)>\n"
                + "<!ELEMENT version (description?, dependency*, link*, author*)>\n"
                + "<!ATTLIST version checksum CDATA #REQUIRED timestamp CDATA #REQUIRED"
                + " filesize CDATA #REQUIRED>\n"
                + "<!ELEMENT description (#PCDATA)>\n"
                + "<!ELEMENT dependency EMPTY>\n"
                + "<!ATTLIST dependency filename CDATA #REQUIRED timestamp CDATA #IMPLIED"
                + " overrides CDATA #IMPLIED>\n"
                + "<!ELEMENT link (#PCDATA)>\n"
                + "<!ELEMENT author (#PCDATA)>\n"
                + "<!ELEMENT previous-version EMPTY>\n"
                + "<!ATTLIST previous-version timestamp CDATA #REQUIRED timestamp-obsolete CDATA #IMPLIED"
                + " checksum CDATA #REQUIRED filename CDATA #IMPLIED>\n"
                + "]>\n");
    }

    /**
     * Reads the current and previous versions of every file of an existing index (to carry its history over).
     *
     * @param index a {@code db.xml.gz} file
     * @return filename -> versions, the current one first (as previous versions, newest first)
     * @throws IOException when the file is not a readable index
     */
    public static Map<String, List<PreviousVersion>> readVersions(final Path index) throws IOException {
        final Document document;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(index))) {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setValidating(false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            document = factory.newDocumentBuilder().parse(in);
        } catch (final ParserConfigurationException | SAXException e) {
            throw new IOException(index + ": not an update-site index (" + e.getMessage() + ")", e);
        }
        final Map<String, List<PreviousVersion>> versions = new LinkedHashMap<>();
        final NodeList plugins = document.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            final Element plugin = (Element) plugins.item(i);
            final List<PreviousVersion> list = new ArrayList<>();
            final NodeList current = plugin.getElementsByTagName("version");
            if (current.getLength() > 0) {
                final Element version = (Element) current.item(0);
                list.add(new PreviousVersion(version.getAttribute("checksum"), version.getAttribute("timestamp"),
                        "", null));
            }
            final NodeList older = plugin.getElementsByTagName("previous-version");
            for (int j = 0; j < older.getLength(); j++) {
                final Element version = (Element) older.item(j);
                list.add(new PreviousVersion(version.getAttribute("checksum"), version.getAttribute("timestamp"),
                        version.getAttribute("timestamp-obsolete"),
                        version.hasAttribute("filename") ? version.getAttribute("filename") : null));
            }
            versions.put(plugin.getAttribute("filename"), Collections.unmodifiableList(list));
        }
        return versions;
    }

    private static String escape(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
