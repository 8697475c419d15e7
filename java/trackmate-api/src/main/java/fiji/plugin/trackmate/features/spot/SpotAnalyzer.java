package fiji.plugin.trackmate.features.spot;

import fiji.plugin.trackmate.Spot;

/**
 * Stand-in for TrackMate's {@code SpotAnalyzer} (test only).
 *
 * @param <T> pixel type
 */
public interface SpotAnalyzer<T> {
    /** @param spots the spots whose features to compute */
    void process(Iterable<Spot> spots);
}
