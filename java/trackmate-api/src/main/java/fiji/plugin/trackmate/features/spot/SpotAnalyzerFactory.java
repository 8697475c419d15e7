package fiji.plugin.trackmate.features.spot;

import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Stand-in for TrackMate's {@code SpotAnalyzerFactory} (test only).
 *
 * @param <T> pixel type
 */
public interface SpotAnalyzerFactory<T extends RealType<T> & NativeType<T>> extends SpotAnalyzerFactoryBase<T> {
}
