package org.volltrack.btrackmate.pipeline;

import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/** Checks spots once before tracking: at least one spot, finite positions and a radius on visible spots. */
public final class SpotValidation {

    private SpotValidation() {
    }

    /**
     * @param spots the spots
     * @throws IllegalArgumentException naming the first bad spot
     */
    public static void check(final SpotCollection spots) {
        if (spots.getNSpots(false) == 0) {
            throw new IllegalArgumentException("no spots to track");
        }
        for (final Spot spot : spots.all(true)) {
            for (final String key : new String[] {FeatureKeys.POSITION_X, FeatureKeys.POSITION_Y,
                FeatureKeys.POSITION_Z}) {
                final Double value = spot.getFeature(key);
                if (value != null && !Double.isFinite(value)) {
                    throw new IllegalArgumentException("spot " + spot.getId() + " (frame " + spot.frame() + "): "
                            + key + " must be finite, got " + value);
                }
            }
            if (spot.getFeature(FeatureKeys.POSITION_X) == null || spot.getFeature(FeatureKeys.POSITION_Y) == null) {
                throw new IllegalArgumentException("spot " + spot.getId() + " has no POSITION_X/POSITION_Y");
            }
        }
    }
}
