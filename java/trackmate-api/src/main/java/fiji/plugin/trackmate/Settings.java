package fiji.plugin.trackmate;

import java.util.HashMap;
import java.util.Map;

import fiji.plugin.trackmate.detection.SpotDetectorFactoryBase;
import ij.ImagePlus;

/** Stand-in for TrackMate's {@code Settings} (test only): the fields the wizard modules read. */
public class Settings {

    /** The image, or null. */
    public final ImagePlus imp;
    /** Frame interval. */
    public double dt = 1;
    /** Pixel width. */
    public double dx = 1;
    /** Pixel height. */
    public double dy = 1;
    /** Voxel depth. */
    public double dz = 1;
    /** Detector factory. */
    public SpotDetectorFactoryBase<?> detectorFactory;
    /** Detector settings. */
    public Map<String, Object> detectorSettings = new HashMap<>();
    /** Tracker settings. */
    public Map<String, Object> trackerSettings = new HashMap<>();

    /** Settings without an image. */
    public Settings() {
        this(null);
    }

    /** @param imp the image, whose calibration is copied */
    public Settings(final ImagePlus imp) {
        this.imp = imp;
        if (imp != null) {
            dx = imp.getCalibration().pixelWidth;
            dy = imp.getCalibration().pixelHeight;
            dz = imp.getCalibration().pixelDepth;
            dt = imp.getCalibration().frameInterval == 0 ? 1 : imp.getCalibration().frameInterval;
        }
    }
}
