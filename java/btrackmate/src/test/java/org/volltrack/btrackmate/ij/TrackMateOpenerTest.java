package org.volltrack.btrackmate.ij;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;

import org.junit.jupiter.api.Test;

class TrackMateOpenerTest {

    @Test
    void withoutTrackMateNothingIsOpenedAndNothingFails() {
        assertFalse(TrackMateOpener.isTrackMateInstalled(), "the engine's test class path has no TrackMate");
        assertFalse(TrackMateOpener.open(new File("tracks.xml")));
    }
}
