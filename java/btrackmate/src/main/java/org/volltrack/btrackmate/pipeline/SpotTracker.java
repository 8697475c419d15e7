package org.volltrack.btrackmate.pipeline;

import java.util.Map;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/** A tracker: links the visible spots of a collection into a graph whose edge weights are link costs. */
@FunctionalInterface
public interface SpotTracker {

    /**
     * Tracks the visible spots.
     *
     * @param spots    the spots
     * @param settings normalised settings (every key of {@code TrackerKeys.defaultSettings()})
     * @return the track graph
     * @throws IllegalArgumentException when the tracker refuses the spots or the settings
     */
    SimpleWeightedGraph<Spot, DefaultWeightedEdge> track(SpotCollection spots, Map<String, Object> settings);
}
