package org.volltrack.btrackmate.model;

import org.jgrapht.graph.DefaultWeightedEdge;

/**
 * The edge type of a {@link Model}'s track graph ({@link Model#newGraph()}): a jgrapht weighted edge that also
 * carries its feature values compactly ({@link FeatureStore}, keys shared between edges), so that the model
 * needs no per-edge hash map. Equality is identity, as for every jgrapht edge.
 */
public final class ModelEdge extends DefaultWeightedEdge {

    private static final long serialVersionUID = 1L;

    /** Feature values of this edge, managed by {@link Model}. */
    final transient FeatureStore features = new FeatureStore();
}
