package org.volltrack.btrackmate.input;

import java.util.Map;

import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Builds a {@link SpotCollection} from rows of spot data, validating each row once: finite positions and
 * radius, a non-negative integer frame, unique IDs. Every frame key from 0 to the last frame is added, so empty
 * frames are kept (the linker pairs consecutive frame keys, as TrackMate after detection).
 */
public final class SpotTableBuilder {

    private final SpotCollection spots = new SpotCollection();
    private int count;
    private final double frameInterval;
    private int nextId;
    private Boolean explicitIds;
    private int lastFrame = -1;

    /**
     * Largest FRAME accepted: every frame from 0 to the last one is kept (TrackMate writes each), so a stray huge
     * value (a time in ms in the FRAME column, a typo) would exhaust the memory instead of failing clearly.
     */
    public static final int MAX_FRAME = 1_000_000;

    /**
     * @param frameInterval dt used for POSITION_T = FRAME × dt when a row gives no POSITION_T
     */
    public SpotTableBuilder(final double frameInterval) {
        this.frameInterval = frameInterval;
    }

    /**
     * Adds one spot.
     *
     * @param where    description of the row for error messages, e.g. "spots.csv line 7"
     * @param id       spot ID, or null to number spots 0, 1, 2, ... in input order
     * @param frame    frame (must be an integer &gt;= 0)
     * @param x        POSITION_X
     * @param y        POSITION_Y
     * @param z        POSITION_Z
     * @param radius   RADIUS
     * @param quality  QUALITY
     * @param features further features (may be null); a POSITION_T here overrides FRAME × dt
     * @return the spot
     * @throws SpotInputException on invalid values
     */
    public Spot add(final String where, final Integer id, final double frame, final double x, final double y,
            final double z, final double radius, final double quality, final Map<String, Double> features) {
        if (!(frame >= 0) || frame != Math.rint(frame) || frame > Integer.MAX_VALUE) {
            throw new SpotInputException(where + ": FRAME must be an integer >= 0, got " + frame);
        }
        if (frame > MAX_FRAME) {
            throw new SpotInputException(where + ": FRAME " + (long) frame + " is beyond the largest supported frame "
                    + MAX_FRAME + "; FRAME is the time-point index 0, 1, 2, ... (not a time)");
        }
        requireFinite(where, FeatureKeys.POSITION_X, x);
        requireFinite(where, FeatureKeys.POSITION_Y, y);
        requireFinite(where, FeatureKeys.POSITION_Z, z);
        if (!(radius > 0) || !Double.isFinite(radius)) {
            throw new SpotInputException(where + ": RADIUS must be a finite number > 0, got " + radius);
        }
        if (Double.isNaN(quality)) {
            throw new SpotInputException(where + ": QUALITY is NaN");
        }
        final int spotId = nextId(where, id);
        final Spot spot = new Spot(spotId, x, y, z, radius, quality);
        final int f = (int) frame;
        spot.putFeature(FeatureKeys.POSITION_T, f * frameInterval);
        if (features != null) {
            for (final String key : features.keySet()) {
                if (!FeatureKeys.isValidKey(key)) {
                    throw new SpotInputException(where + ": feature name \"" + key + "\" is not usable in TrackMate "
                            + "XML; use letters, digits and _ (not starting with a digit)");
                }
            }
            final Double time = features.get(FeatureKeys.POSITION_T);
            if (time != null) {
                requireFinite(where, FeatureKeys.POSITION_T, time);
            }
            features.forEach(spot::putFeature);
        }
        spots.add(spot, f);
        count++;
        lastFrame = Math.max(lastFrame, f);
        return spot;
    }

    private int nextId(final String where, final Integer id) {
        if (explicitIds == null) {
            explicitIds = id != null;
        } else if (explicitIds != (id != null)) {
            throw new SpotInputException(where + ": spot ID missing here but given for other spots; give an ID "
                    + "for every spot or for none");
        }
        final int spotId = id != null ? id : nextId++;
        if (id != null && id < 0) {
            throw new SpotInputException(where + ": spot ID must be >= 0, got " + id);
        }
        if (spots.getSpot(spotId) != null) {
            throw new SpotInputException(where + ": duplicate spot ID " + spotId);
        }
        return spotId;
    }

    private static void requireFinite(final String where, final String key, final double value) {
        if (!Double.isFinite(value)) {
            throw new SpotInputException(where + ": " + key + " must be a finite number, got " + value);
        }
    }

    /**
     * Returns the spots with frame keys 0..last frame.
     *
     * @param source name of the input for the "no spots" error
     * @return the spots
     * @throws SpotInputException when no spot was added
     */
    public SpotCollection build(final String source) {
        if (count == 0) {
            throw new SpotInputException(source + ": no spots");
        }
        spots.addFrames(0, lastFrame);
        return spots;
    }
}
