package org.volltrack.btrackmate.xml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Deeply nested XML is refused in time linear in its size (it took 81 s for 200k levels when quadratic). */
class XmlDepthLimitTest {

    private static byte[] nested(final String wrapper, final String element, final int depth) {
        final StringBuilder text = new StringBuilder("<TrackMate version=\"7.14.0\">").append('<').append(wrapper)
                .append('>');
        for (int i = 0; i < depth; i++) {
            text.append('<').append(element).append('>');
        }
        for (int i = 0; i < depth; i++) {
            text.append("</").append(element).append('>');
        }
        return text.append("</").append(wrapper).append("></TrackMate>").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoHundredThousandLevelsAreRefusedQuickly() {
        for (final String wrapper : new String[] {"Model", "Settings"}) {
            final byte[] xml = nested(wrapper, "a", 200_000);
            final long start = System.nanoTime();
            final XmlFormatException error = assertThrows(XmlFormatException.class,
                    () -> TrackMateXmlReader.read(new ByteArrayInputStream(xml), "deep.xml"));
            final double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(error.getMessage().contains("nested deeper than " + TrackMateXmlReader.MAX_DEPTH),
                    error.getMessage());
            assertTrue(error.getMessage().contains("deep.xml"), error.getMessage());
            assertTrue(seconds < 5, "took " + seconds + " s");
        }
    }

    @Test
    void nestingJustBelowTheLimitIsNotRefusedForItsDepth() {
        final byte[] xml = nested("Settings", "a", TrackMateXmlReader.MAX_DEPTH - 3);
        final XmlFormatException error = assertThrows(XmlFormatException.class,
                () -> TrackMateXmlReader.read(new ByteArrayInputStream(xml), "ok.xml"));
        assertTrue(!error.getMessage().contains("nested deeper"), error.getMessage());   // refused for other reasons
    }
}
