package fiji.plugin.trackmate.action;

import fiji.plugin.trackmate.TrackMateModule;

/** Stand-in for TrackMate's {@code TrackMateActionFactory} (test only). */
public interface TrackMateActionFactory extends TrackMateModule {
    /** @return a new action */
    TrackMateAction create();
}
