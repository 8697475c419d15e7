package org.volltrack.btrackmate.pipeline;

import java.util.Map;
import java.util.logging.Logger;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.features.FeatureCalculator;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.tracker.SparseLapTracker;
import org.volltrack.btrackmate.util.Interrupts;

/**
 * The engine's main job on spots: validate → tissue filter → tracker → tracklet pruning → track IDs as TrackMate
 * assigns them → edge and track features. Each step is a separate, tested component; this class only chains
 * them and records what happened in a log text for the TrackMate XML.
 */
public final class TrackingPipeline {

    private static final Logger LOG = Logger.getLogger(TrackingPipeline.class.getName());

    private final SpotTracker tracker;
    private final FeatureComputer features;

    /**
     * @param tracker  the tracker
     * @param features the feature computer
     */
    public TrackingPipeline(final SpotTracker tracker, final FeatureComputer features) {
        this.tracker = tracker;
        this.features = features;
    }

    /**
     * The engine's standard pipeline: TrackMate's sparse LAP tracker and TrackMate's edge and track features.
     *
     * @return the pipeline
     */
    public static TrackingPipeline standard() {
        return new TrackingPipeline(TrackingPipeline::lapTrack, FeatureCalculator::computeAll);
    }

    private static SimpleWeightedGraph<Spot, DefaultWeightedEdge> lapTrack(final SpotCollection spots,
            final Map<String, Object> settings) {
        final SparseLapTracker tracker = new SparseLapTracker(spots, settings);
        if (!tracker.checkInput() || !tracker.process()) {
            throw new IllegalArgumentException("tracking failed: " + tracker.getErrorMessage());
        }
        return tracker.getResult();
    }

    private static String since(final long start) {
        return String.format(java.util.Locale.ROOT, " (%.2f s).", (System.nanoTime() - start) / 1e9);
    }

    /** Outcome of a run. */
    public static final class Result {
        /** The tracked model. */
        public final Model model;
        /** The normalised settings used. */
        public final Map<String, Object> settings;
        /** Human-readable log of the run. */
        public final String log;

        Result(final Model model, final Map<String, Object> settings, final String log) {
            this.model = model;
            this.settings = settings;
            this.log = log;
        }
    }

    /**
     * Runs the pipeline.
     *
     * @param spots      the spots (visibility may already be set, e.g. from a TrackMate file)
     * @param settings   tracker settings (validated and completed with defaults here)
     * @param spaceUnits spatial units
     * @param timeUnits  time units
     * @return the result
     * @throws IllegalArgumentException on invalid settings or spots
     */
    public Result run(final SpotCollection spots, final Map<String, ?> settings, final String spaceUnits,
            final String timeUnits) {
        final Map<String, Object> normalized = TrackerSettings.normalize(settings);
        SpotValidation.check(spots);
        final StringBuilder log = new StringBuilder("BTrackmate engine (volltrack)\n");
        log.append("Spots: ").append(spots.getNSpots(false)).append(" in ").append(spots.keySet().size())
                .append(" frames, ").append(spots.getNSpots(true)).append(" visible.\n");
        long start = System.nanoTime();
        final int hidden = TissueFilter.apply(spots, normalized);
        log.append("Tissue filter: ").append(hidden).append(" spots hidden").append(since(start)).append('\n');
        start = System.nanoTime();
        Interrupts.check();
        final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph = tracker.track(spots, normalized);
        Interrupts.check();
        log.append("Tracking: ").append(graph.edgeSet().size()).append(" links").append(since(start)).append('\n');
        start = System.nanoTime();
        final int pruned = TrackletPruner.prune(graph, normalized);
        log.append("Tracklet pruning: ").append(pruned).append(" spots removed").append(since(start)).append('\n');
        start = System.nanoTime();
        final Model model = new Model();
        model.setPhysicalUnits(spaceUnits, timeUnits);
        model.setSpots(spots);
        model.setTracks(graph);
        features.compute(model);
        Interrupts.check();
        log.append("Tracks: ").append(model.getTrackModel().nTracks()).append(", features computed")
                .append(since(start)).append('\n');
        log.append("Settings: ").append(TrackerSettings.toJson(normalized).replace('\n', ' ')).append('\n');
        LOG.fine(log::toString);
        return new Result(model, normalized, log.toString());
    }
}
