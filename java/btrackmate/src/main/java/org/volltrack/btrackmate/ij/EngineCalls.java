package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.util.Map;

import org.volltrack.btrackmate.image.ImageVolume;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Where the ImageJ1 plugin hands spots to the engine: tissue filter, LAP tracking, tracklet pruning, TrackMate
 * features and the TrackMate XML writer.
 */
final class EngineCalls {

    private EngineCalls() {
    }

    static RunSummary trackAndWrite(final SpotCollection spots, final Calibration cal, final ImageVolume image,
            final Map<String, Object> settings, final String sourceName, final File xml) throws IOException {
        throw new UnsupportedOperationException("engine pipeline not merged yet");
    }
}
