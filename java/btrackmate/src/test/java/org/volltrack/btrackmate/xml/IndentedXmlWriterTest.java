package org.volltrack.btrackmate.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringWriter;
import java.util.Random;

import javax.xml.stream.XMLStreamException;

import org.junit.jupiter.api.Test;

/** The direct writer writes exactly the bytes of the StAX writer it replaced, for any text. */
class IndentedXmlWriterTest {

    private static final String[] NASTY = {"", "plain", "a & b < c > d \"q\" 'a'", "tab\there", "new\nline",
        "cr\r\nlf", "lone\rcr", "\u0000nul\u0001", "ünïcödé €", "emoji \uD83D\uDE00 pair", "lone \uD800 high",
        "lone \uDC00 low", "\uFFFE\uFFFF bad", "]]> end", "&amp; already", "1.0E-5", "NaN"};

    /** Applies the same random operations to both writers. */
    private static void script(final long seed, final Ops ops) throws XMLStreamException {
        final Random random = new Random(seed);
        ops.startDocument();
        ops.start("Root");
        ops.attribute("version", "1");
        int depth = 1;
        for (int i = 0; i < 400; i++) {
            final int op = random.nextInt(6);
            final String text = NASTY[random.nextInt(NASTY.length)];
            if (op == 0 && depth < 6) {
                ops.start("E" + random.nextInt(3));
                ops.attribute("a", text);
                depth++;
            } else if (op == 1 || op == 5) {
                ops.empty("Leaf");
                ops.attribute("VALUE", text);
                ops.attribute("n", Double.toString(random.nextGaussian()));
            } else if (op == 2 && depth > 1) {
                ops.end();
                depth--;
            } else if (op == 3) {
                ops.start("Text");
                ops.text(text);
                ops.endAfterText();
            } else if (op == 4) {
                ops.start("EmptyParent");
                ops.end();
            }
        }
        while (depth-- > 0) {
            ops.end();
        }
        ops.endDocument();
    }

    /** The writer operations both implementations share. */
    private interface Ops {
        void startDocument() throws XMLStreamException;

        void start(String name) throws XMLStreamException;

        void empty(String name) throws XMLStreamException;

        void attribute(String name, String value) throws XMLStreamException;

        void text(String text) throws XMLStreamException;

        void end() throws XMLStreamException;

        void endAfterText() throws XMLStreamException;

        void endDocument() throws XMLStreamException;
    }

    private static String direct(final long seed, final boolean bytes) throws XMLStreamException {
        final StringWriter out = new StringWriter();
        final java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        final IndentedXmlWriter w = bytes ? new IndentedXmlWriter(stream) : new IndentedXmlWriter(out);
        script(seed, new Ops() {
            public void startDocument() throws XMLStreamException { w.startDocument(); }
            public void start(final String n) throws XMLStreamException { w.start(n); }
            public void empty(final String n) throws XMLStreamException { w.empty(n); }
            public void attribute(final String n, final String v) throws XMLStreamException { w.attribute(n, v); }
            public void text(final String t) throws XMLStreamException { w.text(t); }
            public void end() throws XMLStreamException { w.end(); }
            public void endAfterText() throws XMLStreamException { w.endAfterText(); }
            public void endDocument() throws XMLStreamException { w.endDocument(); }
        });
        return bytes ? new String(stream.toByteArray(), java.nio.charset.StandardCharsets.UTF_8) : out.toString();
    }

    private static String stax(final long seed) throws XMLStreamException {
        final StringWriter out = new StringWriter();
        final StaxIndentedXmlWriter w = new StaxIndentedXmlWriter(out);
        script(seed, new Ops() {
            public void startDocument() throws XMLStreamException { w.startDocument(); }
            public void start(final String n) throws XMLStreamException { w.start(n); }
            public void empty(final String n) throws XMLStreamException { w.empty(n); }
            public void attribute(final String n, final String v) throws XMLStreamException { w.attribute(n, v); }
            public void text(final String t) throws XMLStreamException { w.text(t); }
            public void end() throws XMLStreamException { w.end(); }
            public void endAfterText() throws XMLStreamException { w.endAfterText(); }
            public void endDocument() throws XMLStreamException { w.endDocument(); }
        });
        return out.toString();
    }

    @Test
    void sameOutputAsTheStaxWriter() throws XMLStreamException {
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(stax(seed), direct(seed, false), "seed " + seed);
            assertEquals(stax(seed), direct(seed, true), "seed " + seed + ", UTF-8 bytes");
        }
    }

    @Test
    void largeOutputCrossesTheBufferIdentically() throws XMLStreamException {
        final String longText = "x&<".repeat(40_000);
        final StringWriter a = new StringWriter();
        final StringWriter b = new StringWriter();
        final IndentedXmlWriter direct = new IndentedXmlWriter(a);
        final StaxIndentedXmlWriter stax = new StaxIndentedXmlWriter(b);
        direct.startDocument();
        stax.startDocument();
        direct.start("Log");
        stax.start("Log");
        direct.text(longText);
        stax.text(longText);
        direct.endAfterText();
        stax.endAfterText();
        direct.endDocument();
        stax.endDocument();
        assertEquals(b.toString(), a.toString());
    }

    @Test
    void refusesInvalidAttributeNames() throws XMLStreamException {
        final IndentedXmlWriter w = new IndentedXmlWriter(new StringWriter());
        w.start("Root");
        assertThrows(XMLStreamException.class, () -> w.attribute("bad name", "1"));
    }
}
