package fiji.plugin.trackmate.features.spot;

import fiji.plugin.trackmate.features.FeatureAnalyzer;
import net.imagej.ImgPlus;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Stand-in for TrackMate's {@code SpotAnalyzerFactoryBase} (test only).
 *
 * @param <T> pixel type
 */
public interface SpotAnalyzerFactoryBase<T extends RealType<T> & NativeType<T>> extends FeatureAnalyzer {
    /**
     * @param img the whole image
     * @param frame the frame to analyse
     * @param channel the channel to analyse (0-based)
     * @return an analyzer
     */
    SpotAnalyzer<T> getAnalyzer(ImgPlus<T> img, int frame, int channel);

    /** @param nChannels number of channels of the image */
    default void setNChannels(final int nChannels) {
    }
}
