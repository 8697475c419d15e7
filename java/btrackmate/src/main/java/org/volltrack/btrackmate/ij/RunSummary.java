package org.volltrack.btrackmate.ij;

import java.io.File;

/** What one BTrackmate run produced: counts and the XML written. */
public final class RunSummary {

    /** Number of spots, visible or not. */
    public final int nSpots;
    /** Number of visible spots (those the tracker used). */
    public final int nVisibleSpots;
    /** Number of tracks (visible tracks, as in TrackMate's FilteredTracks). */
    public final int nTracks;
    /** Number of links. */
    public final int nEdges;
    /** The TrackMate XML written. */
    public final File xml;

    /**
     * @param nSpots spots
     * @param nVisibleSpots visible spots
     * @param nTracks tracks
     * @param nEdges links
     * @param xml the file written
     */
    public RunSummary(final int nSpots, final int nVisibleSpots, final int nTracks, final int nEdges, final File xml) {
        this.nSpots = nSpots;
        this.nVisibleSpots = nVisibleSpots;
        this.nTracks = nTracks;
        this.nEdges = nEdges;
        this.xml = xml;
    }

    @Override
    public String toString() {
        return "BTrackmate: " + nSpots + " spots (" + nVisibleSpots + " visible), " + nEdges + " links, " + nTracks
                + " tracks -> " + xml;
    }
}
