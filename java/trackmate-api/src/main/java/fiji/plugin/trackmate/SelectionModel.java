package fiji.plugin.trackmate;

/** Stand-in for TrackMate's {@code SelectionModel} (test only). */
public class SelectionModel {

    /** @param parent the model whose spots and edges are selected */
    public SelectionModel(final Model parent) {
    }

    /** Clears the selection. */
    public void clearSelection() {
    }
}
