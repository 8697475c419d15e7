package org.volltrack.btrackmate.fiji;

/** Settings keys and defaults of the BTrackmate detector ({@link BTrackmateDetectorFactory}). */
public final class DetectorKeys {

    /** Detector key, as written to DETECTOR_NAME. */
    public static final String DETECTOR_KEY = "BTRACKMATE_SPOT_DETECTOR";
    /** String: path of the spot source, a label image TIFF (one label per cell, 0 = background) or a CSV table. */
    public static final String SPOT_FILE = "SPOT_FILE";
    /** String: path of a tissue-mask TIFF (non-zero = tissue), or "" for none. */
    public static final String MASK_FILE = "MASK_FILE";
    /** Default of {@link #SPOT_FILE} and {@link #MASK_FILE}: none. */
    public static final String NO_FILE = "";

    private DetectorKeys() {
    }
}
