package org.volltrack.btrackmate.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import org.volltrack.btrackmate.model.Model;

/** One-line summary printed after a command wrote its output. */
final class Summary {

    private Summary() {
    }

    static void print(final PrintStream out, final Path path, final Model model) {
        out.println("wrote " + path + ": " + model.getSpots().getNSpots(false) + " spots ("
                + model.getSpots().getNSpots(true) + " visible), " + model.getGraph().edgeSet().size() + " edges, "
                + model.getTrackModel().nTracks() + " tracks");
    }
}
