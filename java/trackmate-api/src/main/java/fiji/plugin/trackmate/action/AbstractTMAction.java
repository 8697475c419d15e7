package fiji.plugin.trackmate.action;

import fiji.plugin.trackmate.Logger;

/** Stand-in for TrackMate's {@code AbstractTMAction} (test only). */
public abstract class AbstractTMAction implements TrackMateAction {

    /** Where to log. */
    protected Logger logger = Logger.VOID_LOGGER;

    @Override
    public void setLogger(final Logger logger) {
        this.logger = logger;
    }
}
