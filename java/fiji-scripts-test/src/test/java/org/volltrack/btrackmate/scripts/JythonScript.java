package org.volltrack.btrackmate.scripts;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.python.core.Py;
import org.python.core.PyObject;
import org.python.util.PythonInterpreter;

/**
 * Runs a Fiji Jython script the way SciJava would: its {@code #@ Type (attributes) name} parameters become
 * script globals, its {@code #@output Type name} values are read back after the run. A parameter the test
 * does not give takes its {@code value=} default; a required parameter without either is an error, so a script
 * whose header changes cannot silently run with missing inputs.
 */
final class JythonScript {

    private static final Pattern PARAM = Pattern.compile(
            "^#@(output)?\\s*(\\w+)\\s*(?:\\((.*)\\))?\\s+(\\w+)\\s*$");
    private static final Pattern DEFAULT = Pattern.compile("value\\s*=\\s*(\"[^\"]*\"|[^,\\s)]+)");

    /** One declared parameter. */
    static final class Parameter {
        final boolean output;
        final String type;
        final String attributes;
        final String name;

        Parameter(final boolean output, final String type, final String attributes, final String name) {
            this.output = output;
            this.type = type;
            this.attributes = attributes == null ? "" : attributes;
            this.name = name;
        }

        boolean optional() {
            return attributes.replace(" ", "").contains("required=false");
        }
    }

    private final File file;
    private final List<Parameter> parameters = new ArrayList<>();

    JythonScript(final File file) throws IOException {
        this.file = file;
        for (final String line : Files.readAllLines(file.toPath(), StandardCharsets.UTF_8)) {
            final Matcher m = PARAM.matcher(line.trim());
            if (line.startsWith("#@")) {
                if (!m.matches()) {
                    throw new IllegalStateException(file + ": cannot parse script parameter line: " + line);
                }
                parameters.add(new Parameter(m.group(1) != null, m.group(2), m.group(3), m.group(4)));
            }
        }
    }

    List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Runs the script.
     *
     * @param inputs values of the input parameters by name (File, Double, Integer, Boolean or String)
     * @return the output parameters by name, as Java objects
     */
    Map<String, Object> run(final Map<String, Object> inputs) {
        for (final String given : inputs.keySet()) {
            if (parameters.stream().noneMatch(p -> !p.output && p.name.equals(given))) {
                throw new IllegalArgumentException(file.getName() + " declares no input parameter '" + given + "'");
            }
        }
        try (PythonInterpreter python = new PythonInterpreter()) {
            for (final Parameter p : parameters) {
                if (!p.output) {
                    python.set(p.name, valueOf(p, inputs));
                }
            }
            python.set("__file__", file.getAbsolutePath());
            python.execfile(file.getAbsolutePath());
            final Map<String, Object> outputs = new LinkedHashMap<>();
            for (final Parameter p : parameters) {
                if (p.output) {
                    final PyObject value = python.get(p.name);
                    outputs.put(p.name, value == null || value == Py.None ? null : value.__tojava__(Object.class));
                }
            }
            return outputs;
        }
    }

    private Object valueOf(final Parameter p, final Map<String, Object> inputs) {
        if (inputs.containsKey(p.name)) {
            return inputs.get(p.name);
        }
        final Matcher m = DEFAULT.matcher(p.attributes);
        if (m.find()) {
            return convert(p, m.group(1).replace("\"", ""));
        }
        if (p.optional()) {
            return null;
        }
        throw new IllegalArgumentException(file.getName() + ": required parameter '" + p.name + "' not given");
    }

    private Object convert(final Parameter p, final String text) {
        switch (p.type) {
            case "Double":
            case "Float":
                return Double.valueOf(text);
            case "Integer":
            case "Long":
                return Integer.valueOf(text);
            case "Boolean":
                return Boolean.valueOf(text);
            case "String":
                return text;
            case "File":
                return new File(text);
            default:
                throw new IllegalArgumentException(file.getName() + ": parameter type " + p.type + " of '" + p.name
                        + "' is not supported by this test runner");
        }
    }
}
