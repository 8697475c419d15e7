package fiji.plugin.trackmate.action;

import java.awt.Frame;

import fiji.plugin.trackmate.Logger;
import fiji.plugin.trackmate.SelectionModel;
import fiji.plugin.trackmate.TrackMate;
import fiji.plugin.trackmate.gui.displaysettings.DisplaySettings;

/** Stand-in for TrackMate's {@code TrackMateAction} (test only). */
public interface TrackMateAction {
    /**
     * @param trackmate the session
     * @param selectionModel the selection
     * @param displaySettings display settings
     * @param parent parent window, or null
     */
    void execute(TrackMate trackmate, SelectionModel selectionModel, DisplaySettings displaySettings, Frame parent);

    /** @param logger where to log */
    void setLogger(Logger logger);
}
