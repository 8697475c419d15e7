package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.volltrack.btrackmate.image.ImageVolume;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.model.Model;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.pipeline.TrackingPipeline;
import org.volltrack.btrackmate.xml.ImageData;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlWriter;

import ij.IJ;

/**
 * Where the ImageJ1 plugin hands spots to the engine: the standard {@link TrackingPipeline} (tissue filter, LAP
 * tracking, tracklet pruning, TrackMate features), as the command line and the Python bridge run it, then the
 * TrackMate XML writer.
 */
final class EngineCalls {

    /** Space units written (volltrack's convention: calibrations are in µm). */
    static final String SPACE_UNITS = "micron";
    /** Time units written. */
    static final String TIME_UNITS = "sec";

    private EngineCalls() {
    }

    /**
     * Tracks the spots and writes the XML atomically.
     *
     * @param spots the spots
     * @param cal calibration used to read them
     * @param image the label image (for the XML's image data), or null for a CSV
     * @param settings complete, typed tracker settings
     * @param sourceName input file name, for the XML's image data and log
     * @param xml the file to write
     * @return what was written
     * @throws IOException when the XML cannot be written
     */
    static RunSummary trackAndWrite(final SpotCollection spots, final Calibration cal, final ImageVolume image,
            final Map<String, Object> settings, final String sourceName, final File xml) throws IOException {
        IJ.showStatus("BTrackmate: tracking " + spots.getNSpots(false) + " spots...");
        IJ.showProgress(1, 3);
        final TrackingPipeline pipeline = TrackingPipeline.standard();
        final TrackingPipeline.Result result = pipeline.run(spots, settings, SPACE_UNITS, TIME_UNITS);
        IJ.showStatus("BTrackmate: writing " + xml.getName());
        IJ.showProgress(2, 3);
        final TrackMateFile file = new TrackMateFile();
        file.model = result.model;
        file.log = result.log + "Input: " + sourceName + "\nWritten by the BTrackmate ImageJ plugin.\n";
        file.trackerSettings = result.settings;
        file.imageData = imageData(cal, image, spots, sourceName);
        file.detectorSettings = new LinkedHashMap<>();
        file.detectorSettings.put("DETECTOR_NAME", "MANUAL_DETECTOR");
        file.detectorSettings.put("RADIUS", "1.0");
        file.guiState = "ConfigureViews";
        file.displaySettings = "";
        final File parent = xml.getAbsoluteFile().getParentFile();
        if (parent == null || !parent.isDirectory()) {
            throw new IllegalArgumentException("BTrackmate: option 'xml': the folder of " + xml + " does not exist");
        }
        TrackMateXmlWriter.write(file, xml.toPath());
        IJ.showProgress(1.0);
        IJ.showStatus("");
        final Model model = result.model;
        return new RunSummary(spots.getNSpots(false), spots.getNSpots(true),
                model.getTrackModel().trackIDs(true).size(), model.getGraph().edgeSet().size(), xml);
    }

    private static ImageData imageData(final Calibration cal, final ImageVolume image, final SpotCollection spots,
            final String sourceName) {
        final ImageData data = new ImageData();
        data.filename = sourceName;
        data.pixelwidth = cal.dx;
        data.pixelheight = cal.dy;
        data.voxeldepth = cal.dz;
        data.timeinterval = cal.dt;
        if (image != null) {
            data.width = image.sizeX();
            data.height = image.sizeY();
            data.nslices = image.sizeZ();
            data.nframes = image.sizeT();
        } else if (!spots.keySet().isEmpty()) {
            data.nframes = spots.keySet().last() + 1;
        }
        return data;
    }
}
