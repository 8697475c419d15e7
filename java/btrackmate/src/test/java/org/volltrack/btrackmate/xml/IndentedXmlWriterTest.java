package org.volltrack.btrackmate.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.xml.stream.XMLStreamException;

import org.junit.jupiter.api.Test;

/** The direct writer writes exactly the bytes of the StAX writer it replaced, for any text. */
class IndentedXmlWriterTest {

    private static final String[] NASTY = {"", "plain", "a & b < c > d \"q\" 'a'", "tab\there", "new\nline",
        "cr\r\nlf", "lone\rcr", "\u0000nul\u0001", "ünïcödé €", "emoji \uD83D\uDE00 pair", "lone \uD800 high",
        "lone \uDC00 low", "\uFFFE\uFFFF bad", "]]> end", "&amp; already", "1.0E-5", "NaN"};

    /** The same random operations for both writers: each a method name and its String arguments. */
    private static List<String[]> script(final long seed) {
        final Random random = new Random(seed);
        final List<String[]> ops = new ArrayList<>();
        ops.add(new String[] {"startDocument"});
        ops.add(new String[] {"start", "Root"});
        ops.add(new String[] {"attribute", "version", "1"});
        int depth = 1;
        for (int i = 0; i < 400; i++) {
            final int op = random.nextInt(6);
            final String text = NASTY[random.nextInt(NASTY.length)];
            if (op == 0 && depth < 6) {
                ops.add(new String[] {"start", "E" + random.nextInt(3)});
                ops.add(new String[] {"attribute", "a", text});
                depth++;
            } else if (op == 1 || op == 5) {
                ops.add(new String[] {"empty", "Leaf"});
                ops.add(new String[] {"attribute", "VALUE", text});
                ops.add(new String[] {"attribute", "n", Double.toString(random.nextGaussian())});
            } else if (op == 2 && depth > 1) {
                ops.add(new String[] {"end"});
                depth--;
            } else if (op == 3) {
                ops.add(new String[] {"start", "Text"});
                ops.add(new String[] {"text", text});
                ops.add(new String[] {"endAfterText"});
            } else if (op == 4) {
                ops.add(new String[] {"start", "EmptyParent"});
                ops.add(new String[] {"end"});
            }
        }
        while (depth-- > 0) {
            ops.add(new String[] {"end"});
        }
        ops.add(new String[] {"endDocument"});
        return ops;
    }

    /** Calls each operation (a method of the same name, String arguments) on {@code writer}. */
    private static void replay(final List<String[]> ops, final Object writer) throws Exception {
        for (final String[] op : ops) {
            final Class<?>[] types = new Class<?>[op.length - 1];
            Arrays.fill(types, String.class);
            final Method method = writer.getClass().getDeclaredMethod(op[0], types);
            method.setAccessible(true);
            try {
                method.invoke(writer, (Object[]) Arrays.copyOfRange(op, 1, op.length));
            } catch (final InvocationTargetException e) {
                throw (Exception) e.getCause();
            }
        }
    }

    private static String direct(final List<String[]> ops, final boolean bytes) throws Exception {
        final StringWriter out = new StringWriter();
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        replay(ops, bytes ? new IndentedXmlWriter(stream) : new IndentedXmlWriter(out));
        return bytes ? new String(stream.toByteArray(), StandardCharsets.UTF_8) : out.toString();
    }

    private static String stax(final List<String[]> ops) throws Exception {
        final StringWriter out = new StringWriter();
        replay(ops, new StaxIndentedXmlWriter(out));
        return out.toString();
    }

    @Test
    void sameOutputAsTheStaxWriter() throws Exception {
        for (long seed = 0; seed < 20; seed++) {
            final List<String[]> ops = script(seed);
            assertEquals(stax(ops), direct(ops, false), "seed " + seed);
            assertEquals(stax(ops), direct(ops, true), "seed " + seed + ", UTF-8 bytes");
        }
    }

    @Test
    void largeOutputCrossesTheBufferIdentically() throws Exception {
        final String longText = "x&<".repeat(40_000);
        final List<String[]> ops = List.of(new String[] {"startDocument"}, new String[] {"start", "Log"},
                new String[] {"text", longText}, new String[] {"endAfterText"}, new String[] {"endDocument"});
        assertEquals(stax(ops), direct(ops, false));
    }

    @Test
    void refusesInvalidAttributeNames() throws XMLStreamException {
        final IndentedXmlWriter w = new IndentedXmlWriter(new StringWriter());
        w.start("Root");
        assertThrows(XMLStreamException.class, () -> w.attribute("bad name", "1"));
    }
}
