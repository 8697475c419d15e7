package org.volltrack.btrackmate.fiji;

import java.io.File;
import java.io.IOException;

import org.volltrack.btrackmate.ij.SpotReading;
import org.volltrack.btrackmate.input.Calibration;

import fiji.plugin.trackmate.SpotCollection;
import fiji.plugin.trackmate.detection.SpotGlobalDetector;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Reads all spots at once from a label image or CSV spot table with the engine's readers ({@link SpotReading}) and
 * returns them as TrackMate spots, keeping those inside TrackMate's crop region.
 *
 * @param <T> pixel type of the image TrackMate shows (not read)
 */
public class BTrackmateDetector<T extends RealType<T> & NativeType<T>> implements SpotGlobalDetector<T> {

    private final File spotFile;
    private final File maskFile;
    private final Calibration calibration;
    private final SpotConversion.SpotFilter region;
    private SpotCollection result;
    private String errorMessage;
    private long processingTime;

    /**
     * @param spotFile label image TIFF or CSV table
     * @param maskFile tissue mask TIFF, or null
     * @param calibration voxel size and frame interval of the image TrackMate shows
     * @param region which spots to keep
     */
    BTrackmateDetector(final File spotFile, final File maskFile, final Calibration calibration,
            final SpotConversion.SpotFilter region) {
        this.spotFile = spotFile;
        this.maskFile = maskFile;
        this.calibration = calibration;
        this.region = region;
    }

    @Override
    public boolean checkInput() {
        if (!spotFile.isFile()) {
            errorMessage = "BTrackmate detector: spot file not found: " + spotFile;
            return false;
        }
        if (maskFile != null && !maskFile.isFile()) {
            errorMessage = "BTrackmate detector: tissue mask not found: " + maskFile;
            return false;
        }
        return true;
    }

    @Override
    public boolean process() {
        final long start = System.currentTimeMillis();
        try {
            final org.volltrack.btrackmate.model.SpotCollection spots = SpotReading.isCsv(spotFile)
                    ? SpotReading.csv(spotFile.toPath(), maskFile == null ? null : maskFile.toPath(), calibration)
                    : SpotReading.labels(spotFile.toPath(), null, maskFile == null ? null : maskFile.toPath(),
                            calibration).spots;
            result = SpotConversion.toTrackMate(spots, region);
            return true;
        } catch (final IOException | IllegalArgumentException e) {
            errorMessage = "BTrackmate detector: " + e.getMessage();
            return false;
        } finally {
            processingTime = System.currentTimeMillis() - start;
        }
    }

    @Override
    public SpotCollection getResult() {
        return result;
    }

    @Override
    public String getErrorMessage() {
        return errorMessage;
    }

    @Override
    public long getProcessingTime() {
        return processingTime;
    }
}
