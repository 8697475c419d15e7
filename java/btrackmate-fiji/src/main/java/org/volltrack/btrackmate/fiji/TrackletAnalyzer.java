package org.volltrack.btrackmate.fiji;

import java.util.Collection;
import java.util.Collections;
import java.util.List;

import org.scijava.plugin.Plugin;
import org.volltrack.btrackmate.model.Dimension;
import org.volltrack.btrackmate.model.FeatureDeclaration;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.features.track.TrackAnalyzer;

/**
 * TrackMate track analyzer: N_TRACKLETS (tracklets between starts, ends, divisions and merges) and
 * SHORTEST_TRACKLET (frames), to find or filter tracks with short tracklets before pruning them with
 * {@link PruneTrackletsActionFactory}.
 */
@Plugin(type = TrackAnalyzer.class)
public class TrackletAnalyzer implements TrackAnalyzer, DeclaredFeatureAnalyzer {

    /** Analyzer key. */
    public static final String KEY = "BTRACKMATE_TRACKLET_ANALYZER";
    /** Number of tracklets of a track. */
    public static final String N_TRACKLETS = "N_TRACKLETS";
    /** Length in frames of the shortest tracklet of a track. */
    public static final String SHORTEST_TRACKLET = "SHORTEST_TRACKLET";

    private static final FeatureDeclarations FEATURES = new FeatureDeclarations(List.of(
            new FeatureDeclaration(N_TRACKLETS, "Number of tracklets", "N tracklets", Dimension.NONE, true),
            new FeatureDeclaration(SHORTEST_TRACKLET, "Shortest tracklet (frames)", "Shortest tracklet",
                    Dimension.NONE, true)));

    private int numThreads = 1;
    private long processingTime;

    @Override
    public void process(final Collection<Integer> trackIDs, final Model model) {
        final long start = System.currentTimeMillis();
        for (final Integer id : trackIDs) {
            final List<Integer> lengths = Tracklets.lengths(model.getTrackModel(), id);
            model.getFeatureModel().putTrackFeature(id, N_TRACKLETS, (double) lengths.size());
            model.getFeatureModel().putTrackFeature(id, SHORTEST_TRACKLET,
                    lengths.isEmpty() ? Double.NaN : (double) Collections.min(lengths));
        }
        processingTime = System.currentTimeMillis() - start;
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public long getProcessingTime() {
        return processingTime;
    }

    @Override
    public void setNumThreads() {
        numThreads = Runtime.getRuntime().availableProcessors();
    }

    @Override
    public void setNumThreads(final int numThreads) {
        this.numThreads = numThreads;
    }

    @Override
    public int getNumThreads() {
        return numThreads;
    }

    @Override
    public String getKey() {
        return KEY;
    }

    @Override
    public String getName() {
        return "BTrackmate tracklets";
    }

    @Override
    public String getInfoText() {
        return "<html>Number of tracklets and length of the shortest tracklet (frames) of each track.</html>";
    }

    @Override
    public FeatureDeclarations declarations() {
        return FEATURES;
    }
}
