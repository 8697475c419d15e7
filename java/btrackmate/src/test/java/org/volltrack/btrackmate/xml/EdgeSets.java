package org.volltrack.btrackmate.xml;

import java.util.HashSet;
import java.util.Set;

import org.jgrapht.graph.DefaultWeightedEdge;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.Spot;

/** The links of a model as comparable strings, for the tests that compare two models' tracks. */
public final class EdgeSets {

    private EdgeSets() {
    }

    /**
     * @param model a model
     * @return its links as "source->target:cost" strings
     */
    public static Set<String> of(final Model model) {
        final Set<String> edges = new HashSet<>();
        for (final DefaultWeightedEdge e : model.getGraph().edgeSet()) {
            final Spot s = TrackMateXmlWriter.source(model.getGraph(), e);
            final Spot t = TrackMateXmlWriter.target(model.getGraph(), e);
            edges.add(s.getId() + "->" + t.getId() + ":" + model.getGraph().getEdgeWeight(e));
        }
        return edges;
    }
}
