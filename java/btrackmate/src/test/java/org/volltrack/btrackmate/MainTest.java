package org.volltrack.btrackmate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.cli.Main;

class MainTest {

    @Test
    void helpExitsZeroAndUnknownCommandExitsTwo() {
        assertEquals(0, Main.run(new String[] {"--help"}));
        assertEquals(2, Main.run(new String[] {"no-such-command"}));
    }
}
