package fiji.plugin.trackmate.detection;

import fiji.plugin.trackmate.Logger;
import fiji.plugin.trackmate.SpotCollection;
import net.imglib2.algorithm.Benchmark;
import net.imglib2.algorithm.OutputAlgorithm;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Stand-in for TrackMate 8's {@code SpotGlobalDetector} (test only).
 *
 * @param <T> pixel type
 */
public interface SpotGlobalDetector<T extends RealType<T> & NativeType<T>>
        extends OutputAlgorithm<SpotCollection>, Benchmark {
    /** @param logger where to log */
    default void setLogger(final Logger logger) {
    }
}
