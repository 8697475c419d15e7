package fiji.plugin.trackmate.detection;

import java.util.Map;

import net.imagej.ImgPlus;
import net.imglib2.Interval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Stand-in for TrackMate 8's {@code SpotGlobalDetectorFactory} (test only): detects all frames at once.
 *
 * @param <T> pixel type
 */
public interface SpotGlobalDetectorFactory<T extends RealType<T> & NativeType<T>> extends SpotDetectorFactoryBase<T> {
    /**
     * @param img the whole image
     * @param settings the detector settings
     * @param interval the region to detect in
     * @return a detector
     */
    SpotGlobalDetector<T> getDetector(ImgPlus<T> img, Map<String, Object> settings, Interval interval);
}
