package org.volltrack.btrackmate.fiji;

import java.awt.Frame;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.TrackerSettings;
import org.volltrack.btrackmate.pipeline.TrackletPruner;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.SelectionModel;
import fiji.plugin.trackmate.Spot;
import fiji.plugin.trackmate.SpotCollection;
import fiji.plugin.trackmate.TrackMate;
import fiji.plugin.trackmate.action.AbstractTMAction;
import fiji.plugin.trackmate.gui.displaysettings.DisplaySettings;
import ij.gui.GenericDialog;

/**
 * Prunes short tracklets of the tracks in TrackMate with the engine's {@link TrackletPruner}
 * (MIN_TRACKLET_LENGTH in frames; PRUNE_MODE BRANCH, TRACK or BOTH). Pruned spots lose their links and become
 * invisible; they are not deleted. Parameters: from a dialog in the GUI, else from the tracker settings when they
 * hold MIN_TRACKLET_LENGTH / PRUNE_MODE, else the values set with {@link #setParameters(int, String)}.
 */
public class PruneTrackletsAction extends AbstractTMAction {

    private int minTrackletLength = 3;
    private String pruneMode = TrackerKeys.PRUNE_BRANCH;
    private int lastRemoved;

    /**
     * @param minTrackletLength minimum tracklet length in frames (0 = nothing pruned)
     * @param pruneMode BRANCH, TRACK or BOTH
     */
    public void setParameters(final int minTrackletLength, final String pruneMode) {
        this.minTrackletLength = minTrackletLength;
        this.pruneMode = pruneMode;
    }

    /** @return the number of spots the last run removed from tracks */
    public int lastRemoved() {
        return lastRemoved;
    }

    @Override
    public void execute(final TrackMate trackmate, final SelectionModel selectionModel,
            final DisplaySettings displaySettings, final Frame parent) {
        readTrackerSettings(trackmate.getSettings() == null ? null : trackmate.getSettings().trackerSettings);
        if (parent != null && !GraphicsEnvironment.isHeadless() && !askUser()) {
            return;
        }
        final Map<String, Object> given = new HashMap<>();
        given.put(TrackerKeys.MIN_TRACKLET_LENGTH, minTrackletLength);
        given.put(TrackerKeys.PRUNE_MODE, pruneMode);
        final Map<String, Object> settings;
        try {
            settings = TrackerSettings.normalize(given);
        } catch (final IllegalArgumentException e) {
            logger.error("Prune short tracklets: " + e.getMessage() + "\n");
            return;
        }
        lastRemoved = prune(trackmate.getModel(), settings);
        if (selectionModel != null) {
            selectionModel.clearSelection();
        }
        trackmate.computeTrackFeatures(true);
        logger.log("Prune short tracklets (" + pruneMode + ", < " + minTrackletLength + " frames): " + lastRemoved
                + " spots removed from tracks.\n");
    }

    private void readTrackerSettings(final Map<String, Object> tracker) {
        if (tracker == null) {
            return;
        }
        if (tracker.get(TrackerKeys.MIN_TRACKLET_LENGTH) instanceof Integer) {
            minTrackletLength = (Integer) tracker.get(TrackerKeys.MIN_TRACKLET_LENGTH);
        }
        if (tracker.get(TrackerKeys.PRUNE_MODE) instanceof String) {
            pruneMode = (String) tracker.get(TrackerKeys.PRUNE_MODE);
        }
    }

    private boolean askUser() {
        final GenericDialog gd = new GenericDialog("Prune short tracklets (BTrackmate)");
        gd.addNumericField("Minimum tracklet length (frames)", minTrackletLength, 0);
        gd.addChoice("Prune mode", new String[] {TrackerKeys.PRUNE_BRANCH, TrackerKeys.PRUNE_TRACK,
            TrackerKeys.PRUNE_BOTH}, pruneMode);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return false;
        }
        minTrackletLength = (int) gd.getNextNumber();
        pruneMode = gd.getNextChoice();
        return true;
    }

    /** Runs the engine's pruner on a copy of the track graph and applies its removals to the model. */
    static int prune(final Model model, final Map<String, Object> settings) {
        final SpotConversion.EngineGraph engine = SpotConversion.engineGraph(model);
        final List<org.volltrack.btrackmate.model.Spot> before = new ArrayList<>(engine.graph.vertexSet());
        TrackletPruner.prune(engine.graph, settings);
        int removed = 0;
        model.beginUpdate();
        try {
            for (final org.volltrack.btrackmate.model.Spot e : before) {
                if (engine.graph.containsVertex(e)) {
                    continue;
                }
                final Spot spot = engine.toTrackMate.get(e);
                for (final DefaultWeightedEdge edge : new ArrayList<>(model.getTrackModel().edgesOf(spot))) {
                    model.removeEdge(edge);
                }
                spot.putFeature(SpotCollection.VISIBILITY, SpotCollection.ZERO);
                removed++;
            }
        } finally {
            model.endUpdate();
        }
        return removed;
    }
}
