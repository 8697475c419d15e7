package fiji.plugin.trackmate;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** Stand-in for TrackMate's {@code SpotCollection} (test only): spots per frame, frames sorted. */
public class SpotCollection {

    /** Visibility feature key. */
    public static final String VISIBILITY = "VISIBILITY";
    /** 0.0 as a Double. */
    public static final Double ZERO = 0d;
    /** 1.0 as a Double. */
    public static final Double ONE = 1d;

    private final ConcurrentSkipListMap<Integer, Set<Spot>> content = new ConcurrentSkipListMap<>();

    /** Creates an empty collection. */
    public SpotCollection() {
    }

    /**
     * Adds a spot to a frame, sets its FRAME and makes it visible.
     *
     * @param spot the spot
     * @param frame the frame
     */
    public void add(final Spot spot, final Integer frame) {
        content.computeIfAbsent(frame, f -> new ConcurrentSkipListSet<>()).add(spot);
        spot.putFeature(Spot.FRAME, frame.doubleValue());
        spot.putFeature(VISIBILITY, ONE);
    }

    /**
     * @param spot the spot
     * @param frame its frame
     * @return true if it was there
     */
    public boolean remove(final Spot spot, final Integer frame) {
        final Set<Spot> set = content.get(frame);
        return set != null && set.remove(spot);
    }

    /** @return the frames, sorted */
    public NavigableSet<Integer> keySet() {
        return content.keySet();
    }

    /**
     * @param visibleSpotsOnly count only visible spots
     * @return the number of spots
     */
    public int getNSpots(final boolean visibleSpotsOnly) {
        int n = 0;
        for (final Integer frame : content.keySet()) {
            n += getNSpots(frame, visibleSpotsOnly);
        }
        return n;
    }

    /**
     * @param frame a frame
     * @param visibleSpotsOnly count only visible spots
     * @return the number of spots in that frame
     */
    public int getNSpots(final int frame, final boolean visibleSpotsOnly) {
        int n = 0;
        for (final Spot ignored : iterable(frame, visibleSpotsOnly)) {
            n++;
        }
        return n;
    }

    /**
     * @param visibleSpotsOnly only visible spots
     * @return all spots, frame by frame
     */
    public Iterable<Spot> iterable(final boolean visibleSpotsOnly) {
        final List<Spot> all = new ArrayList<>();
        for (final Integer frame : content.keySet()) {
            iterable(frame, visibleSpotsOnly).forEach(all::add);
        }
        return all;
    }

    /**
     * @param frame a frame
     * @param visibleSpotsOnly only visible spots
     * @return the spots of that frame
     */
    public Iterable<Spot> iterable(final int frame, final boolean visibleSpotsOnly) {
        final List<Spot> out = new ArrayList<>();
        for (final Spot spot : content.getOrDefault(frame, Set.of())) {
            final Double vis = spot.getFeature(VISIBILITY);
            if (!visibleSpotsOnly || (vis != null && vis > 0)) {
                out.add(spot);
            }
        }
        return out;
    }
}
