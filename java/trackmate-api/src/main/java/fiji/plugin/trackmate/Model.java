package fiji.plugin.trackmate;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/** Stand-in for TrackMate's {@code Model} (test only): spots, track graph, features, units, logger. */
public class Model {

    private SpotCollection spots = new SpotCollection();
    private final TrackModel trackModel = new TrackModel();
    private final FeatureModel featureModel = new FeatureModel();
    private Logger logger = Logger.VOID_LOGGER;
    private String spaceUnits = "pixel";
    private String timeUnits = "frame";
    private int updateLevel;

    /** Creates an empty model. */
    public Model() {
    }

    /**
     * @param spaceUnits space units
     * @param timeUnits time units
     */
    public void setPhysicalUnits(final String spaceUnits, final String timeUnits) {
        this.spaceUnits = spaceUnits;
        this.timeUnits = timeUnits;
    }

    /** @return space units */
    public String getSpaceUnits() {
        return spaceUnits;
    }

    /** @return time units */
    public String getTimeUnits() {
        return timeUnits;
    }

    /** Starts a batch of edits. */
    public synchronized void beginUpdate() {
        updateLevel++;
    }

    /** Ends a batch of edits; the tracks are recomputed when the outermost batch ends. */
    public synchronized void endUpdate() {
        updateLevel--;
        if (updateLevel == 0) {
            trackModel.rebuild();
        }
    }

    /** @return the track model */
    public TrackModel getTrackModel() {
        return trackModel;
    }

    /** @return the feature model */
    public FeatureModel getFeatureModel() {
        return featureModel;
    }

    /** @return the spots */
    public SpotCollection getSpots() {
        return spots;
    }

    /**
     * @param spots the new spots
     * @param doNotify ignored here
     */
    public void setSpots(final SpotCollection spots, final boolean doNotify) {
        this.spots = spots;
    }

    /**
     * @param graph the new track graph
     * @param doNotify ignored here
     */
    public void setTracks(final SimpleWeightedGraph<Spot, DefaultWeightedEdge> graph, final boolean doNotify) {
        trackModel.setGraph(graph);
    }

    /**
     * @param spotToAdd a spot
     * @param toFrame its frame
     * @return the spot
     */
    public synchronized Spot addSpotTo(final Spot spotToAdd, final Integer toFrame) {
        spots.add(spotToAdd, toFrame);
        trackModel.graph().addVertex(spotToAdd);
        return spotToAdd;
    }

    /**
     * Removes a spot and its edges.
     *
     * @param spotToRemove a spot
     * @return the spot, or null if absent
     */
    public synchronized Spot removeSpot(final Spot spotToRemove) {
        final Double frame = spotToRemove.getFeature(Spot.FRAME);
        final boolean removed = frame != null && spots.remove(spotToRemove, frame.intValue());
        trackModel.graph().removeVertex(spotToRemove);
        return removed ? spotToRemove : null;
    }

    /**
     * @param source a spot
     * @param target a spot
     * @param weight the linking cost
     * @return the new edge, or null if it exists
     */
    public synchronized DefaultWeightedEdge addEdge(final Spot source, final Spot target, final double weight) {
        trackModel.graph().addVertex(source);
        trackModel.graph().addVertex(target);
        final DefaultWeightedEdge edge = trackModel.graph().addEdge(source, target);
        if (edge != null) {
            trackModel.graph().setEdgeWeight(edge, weight);
        }
        return edge;
    }

    /**
     * @param edge an edge
     * @return true if it was removed
     */
    public synchronized boolean removeEdge(final DefaultWeightedEdge edge) {
        return trackModel.graph().removeEdge(edge);
    }

    /**
     * @param trackID a track
     * @param visible its new visibility
     * @return the previous visibility
     */
    public synchronized boolean setTrackVisibility(final Integer trackID, final boolean visible) {
        final boolean old = trackModel.isVisible(trackID);
        trackModel.setVisible(trackID, visible);
        return old;
    }

    /** @return the logger */
    public Logger getLogger() {
        return logger;
    }

    /** @param logger the new logger */
    public void setLogger(final Logger logger) {
        this.logger = logger;
    }
}
