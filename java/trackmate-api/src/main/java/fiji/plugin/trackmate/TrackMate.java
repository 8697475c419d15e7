package fiji.plugin.trackmate;

/** Stand-in for TrackMate's {@code TrackMate} class (test only): holds a model and its settings. */
public class TrackMate {

    private final Model model;
    private final Settings settings;

    /**
     * @param model the model
     * @param settings the settings
     */
    public TrackMate(final Model model, final Settings settings) {
        this.model = model;
        this.settings = settings;
    }

    /** @return the model */
    public Model getModel() {
        return model;
    }

    /** @return the settings */
    public Settings getSettings() {
        return settings;
    }

    /**
     * Recomputes track features (a no-op in this stand-in).
     *
     * @param doLogIt log the computation
     * @return true
     */
    public boolean computeTrackFeatures(final boolean doLogIt) {
        return true;
    }
}
