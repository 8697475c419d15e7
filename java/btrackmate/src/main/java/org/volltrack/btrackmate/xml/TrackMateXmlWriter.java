package org.volltrack.btrackmate.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamException;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.FeatureDeclaration;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.FeatureLayout;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.util.Interrupts;

/**
 * Writes a {@link TrackMateFile} as TrackMate 7.14 XML (trackmate.md §1, §6), streaming with StAX, atomically
 * (a temporary file in the target folder, then a rename). Spots per frame key, empty frames included; spot
 * attributes ID, name, the 8 base features, then the others; every written feature declared; int features as
 * integers; edges oriented earlier → later and sorted; one Track per component; every visible TRACK_ID in
 * FilteredTracks. The output is deterministic, so write → read → write is byte-identical.
 */
public final class TrackMateXmlWriter {

    private static final java.util.Set<String> BASE_KEYS = new java.util.HashSet<>(
            java.util.Arrays.asList(FeatureKeys.BASE_SPOT_FEATURES));

    private TrackMateXmlWriter() {
    }

    /**
     * Writes the file atomically.
     *
     * @param file the content
     * @param path target path; its folder must exist
     * @throws IOException when writing fails (nothing is left at {@code path} then)
     */
    public static void write(final TrackMateFile file, final Path path) throws IOException {
        final Path absolute = path.toAbsolutePath();
        final Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException(path + ": output folder does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException(path + ": is a folder; expected the path of the XML file to write");
        }
        // createFile (not createTempFile) so that the result gets the usual umask permissions, not 0600
        final Path tmp = Files.createFile(parent.resolve("." + absolute.getFileName() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp"));
        tmp.toFile().deleteOnExit();        // Ctrl-C of the command line stops the JVM without the finally below
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(file, new IndentedXmlWriter(out));
            }
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes the file to a character stream (UTF-8 is declared).
     *
     * @param file the content
     * @param out  the destination (not closed)
     * @throws IOException when writing fails
     */
    public static void write(final TrackMateFile file, final Writer out) throws IOException {
        write(file, new IndentedXmlWriter(out));
    }

    private static void write(final TrackMateFile file, final IndentedXmlWriter xml) throws IOException {
        try {
            xml.startDocument();
            xml.start(XmlKeys.ROOT);
            xml.attribute("version", TrackMateFile.WRITER_VERSION);
            xml.start(XmlKeys.LOG);
            xml.text(file.log == null ? "" : file.log.trim());
            xml.endAfterText();
            writeModel(xml, file.model);
            if (file.hasSettings) {
                SettingsXmlWriter.write(xml, file);
            }
            if (file.guiState != null) {
                xml.empty(XmlKeys.GUISTATE);
                xml.attribute("state", file.guiState);
            }
            if (file.displaySettings != null) {
                xml.start(XmlKeys.DISPLAY_SETTINGS);
                xml.text(file.displaySettings);
                xml.endAfterText();
            }
            xml.end();
            xml.endDocument();
        } catch (final XMLStreamException e) {
            throw new IOException("cannot write TrackMate XML: " + e.getMessage(), e);
        }
    }

    private static void writeModel(final IndentedXmlWriter xml, final Model model) throws XMLStreamException {
        xml.start(XmlKeys.MODEL);
        xml.attribute("spatialunits", model.getSpaceUnits());
        xml.attribute("timeunits", model.getTimeUnits());
        final WrittenDeclarations declarations = WrittenDeclarations.of(model);
        declarations.write(xml);
        writeSpots(xml, model, declarations.spot);
        writeTracks(xml, model, declarations);
        xml.start(XmlKeys.FILTERED_TRACKS);
        for (final Integer id : model.getTrackModel().trackIDs(true)) {
            xml.empty(XmlKeys.TRACK_ID);
            xml.attribute(FeatureKeys.TRACK_ID, Integer.toString(id));
        }
        xml.end();
        xml.end();
    }

    private static void writeSpots(final IndentedXmlWriter xml, final Model model,
            final Map<String, FeatureDeclaration> declared) throws XMLStreamException {
        xml.start(XmlKeys.ALL_SPOTS);
        xml.attribute("nspots", Integer.toString(model.getSpots().getNSpots(false)));
        final AttributePlans<Spot> plans = new AttributePlans<>(declared, TrackMateXmlWriter::spotPlan);
        for (final Integer frame : model.getSpots().keySet()) {
            Interrupts.check();
            xml.start(XmlKeys.SPOTS_IN_FRAME);
            xml.attribute("frame", Integer.toString(frame));
            for (final Spot spot : model.getSpots().iterable(frame, false)) {
                writeSpot(xml, spot, plans.of(spot.featureLayout(), spot));
            }
            xml.end();
        }
        xml.end();
    }

    private static void writeSpot(final IndentedXmlWriter xml, final Spot spot, final AttributePlan plan)
            throws XMLStreamException {
        final double[] roi = spot.getRoi();
        if (roi == null) {
            xml.empty(XmlKeys.SPOT);
        } else {
            xml.start(XmlKeys.SPOT);
        }
        xml.numberAttribute("ID", Integer.toString(spot.getId()));
        xml.attribute("name", spot.getName());
        for (int k = 0; k < plan.index.length; k++) {
            xml.numberAttribute(plan.key[k], XmlText.feature(spot.featureValue(plan.index[k]), plan.isInt[k]));
        }
        if (roi != null) {
            xml.attribute("ROI_N_POINTS", Integer.toString(roi.length / 2));
            final StringBuilder text = new StringBuilder();
            for (final double v : roi) {
                text.append(v).append(' ');
            }
            xml.text(text.toString());
            xml.endAfterText();
        }
    }

    /** Base features first (TrackMate's order), then the others in the spot's order. */
    static List<String> orderedSpotKeys(final Spot spot) {
        final List<String> keys = new ArrayList<>();
        for (final String key : FeatureKeys.BASE_SPOT_FEATURES) {
            if (spot.getFeature(key) != null) {
                keys.add(key);
            }
        }
        for (final String key : spot.getFeatures().keySet()) {
            if (!BASE_KEYS.contains(key) && !"ROI_N_POINTS".equals(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static AttributePlan spotPlan(final Spot spot, final Map<String, FeatureDeclaration> declared)
            throws XMLStreamException {
        final List<String> keys = orderedSpotKeys(spot);
        final int[] index = new int[keys.size()];
        final FeatureLayout layout = spot.featureLayout();
        for (int k = 0; k < index.length; k++) {
            index[k] = layout.indexOf(keys.get(k));
        }
        return AttributePlan.of(keys, index, declared);
    }

    private static AttributePlan edgePlan(final FeatureLayout layout, final Map<String, FeatureDeclaration> declared)
            throws XMLStreamException {
        final List<String> keys = new ArrayList<>();
        final List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            final String key = layout.key(i);
            if (!FeatureKeys.SPOT_SOURCE_ID.equals(key) && !FeatureKeys.SPOT_TARGET_ID.equals(key)
                    && !FeatureKeys.LINK_COST.equals(key)) {
                keys.add(key);
                indices.add(i);
            }
        }
        return AttributePlan.of(keys, indices.stream().mapToInt(Integer::intValue).toArray(), declared);
    }

    private static void writeTracks(final IndentedXmlWriter xml, final Model model,
            final WrittenDeclarations declarations) throws XMLStreamException {
        final TrackModel tracks = model.getTrackModel();
        final AttributePlans<FeatureLayout> plans = new AttributePlans<>(declarations.edge,
                TrackMateXmlWriter::edgePlan);
        xml.start(XmlKeys.ALL_TRACKS);
        for (final Integer id : tracks.trackIDs(false)) {
            if (tracks.trackEdges(id).isEmpty()) {
                continue;
            }
            xml.start(XmlKeys.TRACK);
            xml.attribute("name", tracks.name(id));
            xml.attribute(FeatureKeys.TRACK_ID, Integer.toString(id));
            for (final Map.Entry<String, Double> e : model.getTrackFeatures(id).entrySet()) {
                if (!FeatureKeys.TRACK_ID.equals(e.getKey())) {
                    xml.attribute(e.getKey(), XmlText.feature(e.getValue(),
                            declarations.track.get(e.getKey()).isInt()));
                }
            }
            final SortedEdges edges = SortedEdges.of(model.getGraph(), tracks.trackEdges(id));
            for (int k = 0; k < edges.size(); k++) {
                final DefaultWeightedEdge edge = edges.edge(k);
                final FeatureLayout layout = model.getEdgeFeatureLayout(edge);
                writeEdge(xml, model, edge, edges.sourceId(k), edges.targetId(k), plans.of(layout, layout));
            }
            xml.end();
        }
        xml.end();
    }

    /**
     * Source of an edge oriented forward in time (lower FRAME; graph order when frames are equal).
     *
     * @param graph the graph
     * @param edge  the edge
     * @return the earlier spot
     */
    public static Spot source(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            final DefaultWeightedEdge edge) {
        final Spot a = graph.getEdgeSource(edge);
        final Spot b = graph.getEdgeTarget(edge);
        return b.frame() < a.frame() ? b : a;
    }

    /**
     * Target of an edge oriented forward in time.
     *
     * @param graph the graph
     * @param edge  the edge
     * @return the later spot
     */
    public static Spot target(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph,
            final DefaultWeightedEdge edge) {
        final Spot a = graph.getEdgeSource(edge);
        final Spot b = graph.getEdgeTarget(edge);
        return b.frame() < a.frame() ? a : b;
    }

    private static void writeEdge(final IndentedXmlWriter xml, final Model model, final DefaultWeightedEdge edge,
            final int sourceId, final int targetId, final AttributePlan plan) throws XMLStreamException {
        xml.empty(XmlKeys.EDGE);
        xml.numberAttribute(FeatureKeys.SPOT_SOURCE_ID, Integer.toString(sourceId));
        xml.numberAttribute(FeatureKeys.SPOT_TARGET_ID, Integer.toString(targetId));
        xml.numberAttribute(FeatureKeys.LINK_COST, Double.toString(model.getGraph().getEdgeWeight(edge)));
        for (int k = 0; k < plan.index.length; k++) {
            xml.numberAttribute(plan.key[k], XmlText.feature(model.getEdgeFeatureValue(edge, plan.index[k]),
                    plan.isInt[k]));
        }
    }
}
