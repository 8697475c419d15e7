package org.volltrack.btrackmate.fiji;

import javax.swing.ImageIcon;

import org.scijava.plugin.Plugin;

import fiji.plugin.trackmate.action.TrackMateAction;
import fiji.plugin.trackmate.action.TrackMateActionFactory;

/** TrackMate action "Prune short tracklets (BTrackmate)": see {@link PruneTrackletsAction}. */
@Plugin(type = TrackMateActionFactory.class)
public class PruneTrackletsActionFactory implements TrackMateActionFactory {

    /** Action key. */
    public static final String KEY = "BTRACKMATE_PRUNE_TRACKLETS";

    @Override
    public TrackMateAction create() {
        return new PruneTrackletsAction();
    }

    @Override
    public String getKey() {
        return KEY;
    }

    @Override
    public String getName() {
        return "Prune short tracklets (BTrackmate)";
    }

    @Override
    public String getInfoText() {
        return "<html>Removes tracklets shorter than a minimum length (frames) from the tracks: short branches after "
                + "a division (BRANCH), short tracks (TRACK) or both. Removed spots lose their links and become "
                + "invisible.</html>";
    }

    @Override
    public ImageIcon getIcon() {
        return null;
    }
}
