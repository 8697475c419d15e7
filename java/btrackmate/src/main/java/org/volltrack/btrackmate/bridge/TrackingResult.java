package org.volltrack.btrackmate.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.pipeline.ResultFiles;
import org.volltrack.btrackmate.pipeline.TrackingPipeline;
import org.volltrack.btrackmate.xml.ImageData;
import org.volltrack.btrackmate.xml.TrackMateXmlWriter;

/**
 * The result of {@link ArrayBridge#track} as primitive and string arrays, so that JPype converts them cheaply.
 * Spots are in frame order, edges oriented earlier → later frame and grouped by track, tracks in TrackMate's
 * {@code trackIDs(false)} order. Feature matrices are [feature][item], NaN where an item lacks a feature.
 */
public final class TrackingResult {

    private final TrackingPipeline.Result result;
    private final List<Spot> spots;
    private final List<DefaultWeightedEdge> edges = new ArrayList<>();
    private final List<Integer> tracks;

    private TrackingResult(final TrackingPipeline.Result result) {
        this.result = result;
        final Model model = result.model;
        this.spots = model.getSpots().all(false);
        this.tracks = new ArrayList<>(model.getTrackModel().trackIDs(false));
        for (final Integer id : tracks) {
            final List<DefaultWeightedEdge> trackEdges = new ArrayList<>(model.getTrackModel().trackEdges(id));
            final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = model.getGraph();
            trackEdges.sort((a, b) -> {
                final int byFrame = Integer.compare(TrackMateXmlWriter.source(g, a).frame(),
                        TrackMateXmlWriter.source(g, b).frame());
                return byFrame != 0 ? byFrame : Integer.compare(TrackMateXmlWriter.source(g, a).getId(),
                        TrackMateXmlWriter.source(g, b).getId());
            });
            edges.addAll(trackEdges);
        }
    }

    /**
     * @param result a pipeline result
     * @return its array view
     */
    public static TrackingResult of(final TrackingPipeline.Result result) {
        return new TrackingResult(result);
    }

    /** @return the underlying model */
    public Model model() {
        return result.model;
    }

    /** @return spot IDs */
    public int[] spotIds() {
        return spots.stream().mapToInt(Spot::getId).toArray();
    }

    /** @return VISIBILITY per spot (1 or 0) */
    public int[] spotVisibility() {
        return spots.stream().mapToInt(s -> s.isVisible() ? 1 : 0).toArray();
    }

    /** @return TRACK_ID per spot, -1 when the spot is in no track */
    public int[] spotTrackIds() {
        final TrackModel tm = result.model.getTrackModel();
        return spots.stream().mapToInt(s -> {
            final Integer id = tm.trackIDOf(s);
            return id == null ? -1 : id;
        }).toArray();
    }

    /** @return source spot ID per edge (the earlier spot) */
    public int[] edgeSources() {
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = result.model.getGraph();
        return edges.stream().mapToInt(e -> TrackMateXmlWriter.source(g, e).getId()).toArray();
    }

    /** @return target spot ID per edge (the later spot) */
    public int[] edgeTargets() {
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = result.model.getGraph();
        return edges.stream().mapToInt(e -> TrackMateXmlWriter.target(g, e).getId()).toArray();
    }

    /** @return LINK_COST per edge */
    public double[] edgeCosts() {
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> g = result.model.getGraph();
        return edges.stream().mapToDouble(g::getEdgeWeight).toArray();
    }

    /** @return names of the edge features in {@link #edgeFeatureValues()} */
    public String[] edgeFeatureNames() {
        final Set<String> names = new LinkedHashSet<>();
        edges.forEach(e -> names.addAll(result.model.getEdgeFeatures(e).keySet()));
        return names.toArray(new String[0]);
    }

    /** @return edge feature values [feature][edge] */
    public double[][] edgeFeatureValues() {
        final String[] names = edgeFeatureNames();
        return matrix(names, edges.size(), (i, key) -> result.model.getEdgeFeature(edges.get(i), key));
    }

    /** @return track IDs */
    public int[] trackIds() {
        return tracks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return visibility per track */
    public boolean[] trackVisible() {
        final boolean[] out = new boolean[tracks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = result.model.getTrackModel().isVisible(tracks.get(i));
        }
        return out;
    }

    /** @return name per track */
    public String[] trackNames() {
        return tracks.stream().map(id -> result.model.getTrackModel().name(id)).toArray(String[]::new);
    }

    /** @return names of the track features */
    public String[] trackFeatureNames() {
        final Set<String> names = new LinkedHashSet<>();
        tracks.forEach(id -> names.addAll(result.model.getTrackFeatures(id).keySet()));
        return names.toArray(new String[0]);
    }

    /** @return track feature values [feature][track] */
    public double[][] trackFeatureValues() {
        return matrix(trackFeatureNames(), tracks.size(),
                (i, key) -> result.model.getTrackFeature(tracks.get(i), key));
    }

    /** @return names of the spot features */
    public String[] spotFeatureNames() {
        final Set<String> names = new LinkedHashSet<>();
        spots.forEach(s -> names.addAll(s.getFeatures().keySet()));
        return names.toArray(new String[0]);
    }

    /** @return spot feature values [feature][spot] */
    public double[][] spotFeatureValues() {
        return matrix(spotFeatureNames(), spots.size(), (i, key) -> spots.get(i).getFeature(key));
    }

    /** @return the normalised settings used, as a map */
    public Map<String, Object> settings() {
        return result.settings;
    }

    /**
     * Writes the result as TrackMate XML 7.14.0 (atomically), for a movie that is not known (the image data
     * describe an unsaved image holding every spot, unit voxel size).
     *
     * @param path output file
     * @throws UncheckedIOException when writing fails
     */
    public void writeXml(final String path) {
        writeXml(path, null, null, null, Double.NaN, "");
    }

    /**
     * Writes the result as TrackMate XML 7.14.0 (atomically), with the movie's identity and geometry in
     * {@code ImageData}.
     *
     * @param path          output file
     * @param imagePath     the movie file, or null when unknown (an unsaved image titled {@code title} is
     *                      written, sized to hold every spot)
     * @param shapeTZYX     the movie's shape (T, Z, Y, X); required with {@code imagePath}, else ignored
     * @param calibration   (dz, dy, dx) in physical units, or null for (1, 1, 1)
     * @param frameInterval dt, or NaN to derive it from the spots' POSITION_T / FRAME
     * @param title         title of the unsaved image when {@code imagePath} is null
     * @throws IllegalArgumentException on a bad shape or calibration
     * @throws UncheckedIOException     when writing fails
     */
    public void writeXml(final String path, final String imagePath, final long[] shapeTZYX,
            final double[] calibration, final double frameInterval, final String title) {
        if (calibration != null && calibration.length != 3) {
            throw new IllegalArgumentException("calibration must be (dz, dy, dx), got " + calibration.length
                    + " values");
        }
        final double[] c = calibration == null ? new double[] {1.0, 1.0, 1.0} : calibration;
        final ImageData imageData;
        if (imagePath != null) {
            if (shapeTZYX == null || shapeTZYX.length != 4) {
                throw new IllegalArgumentException("the shape (T, Z, Y, X) of " + imagePath + " is needed to "
                        + "describe it in ImageData");
            }
            final double dt = Double.isNaN(frameInterval)
                    ? ResultFiles.unsavedImageData(result, "", c[0], c[1], c[2], Double.NaN).timeinterval
                    : frameInterval;
            imageData = new ImageData().locate(Paths.get(imagePath), Paths.get(path))
                    .shape(shapeTZYX[0], shapeTZYX[1], shapeTZYX[2], shapeTZYX[3]).calibration(c[0], c[1], c[2], dt);
        } else {
            imageData = ResultFiles.unsavedImageData(result, title, c[0], c[1], c[2], frameInterval);
        }
        try {
            TrackMateXmlWriter.write(ResultFiles.toTrackMateFile(result, imageData, "Tracked through ArrayBridge."),
                    Paths.get(path));
        } catch (final IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    private interface Lookup {
        Double get(int index, String key);
    }

    private static double[][] matrix(final String[] names, final int n, final Lookup lookup) {
        final double[][] out = new double[names.length][n];
        for (int f = 0; f < names.length; f++) {
            Arrays.fill(out[f], Double.NaN);
            for (int i = 0; i < n; i++) {
                final Double value = lookup.get(i, names[f]);
                if (value != null) {
                    out[f][i] = value;
                }
            }
        }
        return out;
    }
}
