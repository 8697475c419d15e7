package org.volltrack.btrackmate.ij;

import java.io.File;
import java.io.IOException;
import java.util.Map;

import ij.ImagePlus;

/**
 * The only place where the ImageJ1 plugin calls the engine: spots from a label image or a CSV table, tissue
 * filter, LAP tracking, tracklet pruning, TrackMate features and the XML writer.
 */
final class EngineCalls {

    private EngineCalls() {
    }

    static RunSummary trackLabels(final ImagePlus labels, final ImagePlus raw, final ImagePlus mask,
            final Map<String, Object> settings, final File xml) throws IOException {
        throw new UnsupportedOperationException("engine pipeline not merged yet");
    }

    static RunSummary trackCsv(final File csv, final double[] calibration, final Map<String, Object> settings,
            final File xml) throws IOException {
        throw new UnsupportedOperationException("engine pipeline not merged yet");
    }
}
