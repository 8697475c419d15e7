package org.volltrack.btrackmate.bridge;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.pipeline.TrackingPipeline;

/**
 * A spot table handed to the engine piece by piece, e.g. one time point at a time as the workers of a cluster
 * compute the spot tables, then tracked once with the standard pipeline (as {@link ArrayBridge#track}).
 *
 * <p>Pieces may arrive in any order; each has a key (its frame, or any number) and the spots are numbered and
 * tracked in key order, so the result is the one {@link ArrayBridge#track} gives on the pieces put together in key
 * order, whatever order they came in. Each piece is checked when it is added (lengths, feature rows), so a bad
 * piece is reported at once, naming its key. The arrays are kept as given (no copy on the Java side) until
 * {@link #track} builds the spot collection.</p>
 */
public final class SpotStream {

    /** One piece: the arguments of {@link ArrayBridge#toSpots} without the frame interval. */
    private static final class Piece {
        final int[] frames;
        final double[] x;
        final double[] y;
        final double[] z;
        final double[] radius;
        final double[] quality;
        final int[] ids;
        final String[] featureNames;
        final double[][] featureValues;

        Piece(final int[] frames, final double[] x, final double[] y, final double[] z, final double[] radius,
                final double[] quality, final int[] ids, final String[] featureNames,
                final double[][] featureValues) {
            this.frames = frames;
            this.x = x;
            this.y = y;
            this.z = z;
            this.radius = radius;
            this.quality = quality;
            this.ids = ids;
            this.featureNames = featureNames == null ? new String[0] : featureNames;
            this.featureValues = featureValues;
        }
    }

    private final TreeMap<Integer, Piece> pieces = new TreeMap<>();
    private int spots;

    /**
     * Adds one piece of the spot table (see {@link ArrayBridge#track} for the arrays).
     *
     * @param key           where the piece goes in the table (e.g. its frame); each key once
     * @param frames        FRAME per spot
     * @param x             POSITION_X
     * @param y             POSITION_Y
     * @param z             POSITION_Z
     * @param radius        RADIUS
     * @param quality       QUALITY
     * @param ids           spot IDs, or null (the spots are then numbered in key order, 0, 1, 2, ...)
     * @param featureNames  further spot features, may be null
     * @param featureValues [feature][spot]
     * @throws IllegalArgumentException for a key given twice or arrays of different lengths
     */
    public synchronized void add(final int key, final int[] frames, final double[] x, final double[] y,
            final double[] z, final double[] radius, final double[] quality, final int[] ids,
            final String[] featureNames, final double[][] featureValues) {
        if (pieces.containsKey(key)) {
            throw new IllegalArgumentException("spot stream: piece " + key + " was already added");
        }
        if (frames == null) {
            throw new IllegalArgumentException("spot stream, piece " + key + ": frames must not be null");
        }
        if (frames.length > 0) {
            try {
                // the checks of ArrayBridge.toSpots on this piece alone (lengths, values, features)
                ArrayBridge.toSpots(frames, x, y, z, radius, quality, ids, featureNames, featureValues, 1.0);
            } catch (final RuntimeException e) {
                throw new IllegalArgumentException("spot stream, piece " + key + ": " + e.getMessage(), e);
            }
        }
        pieces.put(key, new Piece(frames, x, y, z, radius, quality, ids, featureNames, featureValues));
        spots += frames.length;
    }

    /** @return the number of pieces added */
    public synchronized int pieceCount() {
        return pieces.size();
    }

    /** @return the number of spots added */
    public synchronized int spotCount() {
        return spots;
    }

    /**
     * Tracks every spot added, pieces in key order.
     *
     * @param settingsJson  tracker settings (see {@link ArrayBridge#track})
     * @param spaceUnits    spatial units
     * @param timeUnits     time units
     * @param frameInterval dt
     * @return the tracking result
     * @throws IllegalArgumentException on bad input (no spots, duplicate IDs across pieces, bad settings)
     */
    public synchronized TrackingResult track(final String settingsJson, final String spaceUnits,
            final String timeUnits, final double frameInterval) {
        final Map<String, Object> settings = settingsJson == null || settingsJson.trim().isEmpty()
                ? TrackerSettings.normalize(null) : TrackerSettings.fromJson(settingsJson, "settingsJson");
        final SpotCollection collection = ArrayBridge.toSpots(concat(p -> p.frames, new int[spots]),
                concat(p -> p.x, new double[spots]), concat(p -> p.y, new double[spots]),
                concat(p -> p.z, new double[spots]), concat(p -> p.radius, new double[spots]),
                concat(p -> p.quality, new double[spots]), ids(),
                featureNames(), featureValues(), frameInterval);
        final TrackingPipeline.Result result = TrackingPipeline.standard().run(collection, settings,
                spaceUnits == null ? "micron" : spaceUnits, timeUnits == null ? "sec" : timeUnits);
        return TrackingResult.of(result);
    }

    /**
     * One column of every piece, end to end, in key order.
     *
     * @param column the piece's array of the column (an {@code int[]} or a {@code double[]})
     * @param all    an array of the column's type with one element per spot, filled and returned
     */
    private <A> A concat(final Function<Piece, A> column, final A all) {
        int at = 0;
        for (final Piece piece : pieces.values()) {
            final A values = column.apply(piece);
            final int length = Array.getLength(values);
            System.arraycopy(values, 0, all, at, length);
            at += length;
        }
        return all;
    }

    /** IDs: all given, or none (numbered in key order); a mix is refused. */
    private int[] ids() {
        boolean given = false;
        boolean missing = false;
        for (final Piece piece : pieces.values()) {
            if (piece.frames.length > 0) {
                given |= piece.ids != null;
                missing |= piece.ids == null;
            }
        }
        if (given && missing) {
            throw new IllegalArgumentException("spot stream: some pieces give spot IDs and others do not; give IDs "
                    + "in every piece or in none");
        }
        return given ? concat(p -> p.ids == null ? new int[0] : p.ids, new int[spots]) : null;
    }

    /** Every feature name of any piece, in order of first appearance. */
    private String[] featureNames() {
        final Map<String, Integer> names = new LinkedHashMap<>();
        for (final Piece piece : pieces.values()) {
            for (final String name : piece.featureNames) {
                names.putIfAbsent(name, names.size());
            }
        }
        return names.keySet().toArray(new String[0]);
    }

    /** [feature][spot]; NaN (unset) where a piece does not have the feature. */
    private double[][] featureValues() {
        final List<String> names = Arrays.asList(featureNames());
        final double[][] values = new double[names.size()][spots];
        for (final double[] row : values) {
            Arrays.fill(row, Double.NaN);
        }
        int at = 0;
        for (final Piece piece : pieces.values()) {
            for (int f = 0; f < piece.featureNames.length; f++) {
                final int row = names.indexOf(piece.featureNames[f]);
                System.arraycopy(piece.featureValues[f], 0, values[row], at, piece.frames.length);
            }
            at += piece.frames.length;
        }
        return values;
    }
}
