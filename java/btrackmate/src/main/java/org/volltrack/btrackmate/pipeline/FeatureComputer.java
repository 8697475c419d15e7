package org.volltrack.btrackmate.pipeline;

import org.volltrack.btrackmate.model.Model;

/** Computes edge and track features of a model whose tracks are set. */
@FunctionalInterface
public interface FeatureComputer {

    /**
     * Computes and stores edge and track features (and declares them) in the model.
     *
     * @param model the model
     */
    void compute(Model model);
}
