package org.volltrack.btrackmate.pipeline;

import java.util.Map;

import org.volltrack.btrackmate.TrackerKeys;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Hides spots outside the tissue, as a TrackMate spot filter on {@code TISSUE_FRACTION >= TISSUE_MIN_FRACTION}:
 * filtered spots get VISIBILITY 0 and stay in the collection; a spot without the feature is hidden too (TrackMate
 * hides spots with a missing filter feature). Already invisible spots stay invisible.
 */
public final class TissueFilter {

    private TissueFilter() {
    }

    /**
     * Applies the filter when {@code TISSUE_FILTER} is true.
     *
     * @param spots    the spots
     * @param settings normalised settings
     * @return the number of spots hidden by the filter
     * @throws IllegalArgumentException when the filter is on but no spot has TISSUE_FRACTION
     */
    public static int apply(final SpotCollection spots, final Map<String, Object> settings) {
        if (!Boolean.TRUE.equals(settings.get(TrackerKeys.TISSUE_FILTER))) {
            return 0;
        }
        final double minFraction = (Double) settings.get(TrackerKeys.TISSUE_MIN_FRACTION);
        boolean anyFeature = false;
        int hidden = 0;
        for (final Spot spot : spots.all(false)) {
            final Double fraction = spot.getFeature(FeatureKeys.TISSUE_FRACTION);
            anyFeature |= fraction != null;
            if (spot.isVisible() && (fraction == null || !(fraction >= minFraction))) {
                spot.setVisible(false);
                hidden++;
            }
        }
        if (!anyFeature && spots.getNSpots(false) > 0) {
            throw new IllegalArgumentException("TISSUE_FILTER is true but no spot has a TISSUE_FRACTION feature; "
                    + "give a tissue mask (--mask) or a TISSUE_FRACTION column");
        }
        return hidden;
    }
}
