package org.volltrack.btrackmate.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal option parser for the engine's commands: {@code --name value} options, {@code --flag} switches and
 * positional arguments. Unknown options are usage errors.
 */
final class CliArgs {

    final Map<String, String> options = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();
    boolean help;

    /**
     * @param args      arguments after the command name
     * @param withValue option names that take a value
     * @param flags     option names without value
     * @param command   command name for messages
     * @return the parsed arguments
     * @throws CliException on an unknown option or a missing value
     */
    static CliArgs parse(final String[] args, final Set<String> withValue, final Set<String> flags,
            final String command) {
        final CliArgs out = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg)) {
                out.help = true;
            } else if (withValue.contains(arg)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw CliException.usage(command + ": option " + arg + " needs a value");
                }
                if (out.options.put(arg, args[++i]) != null) {
                    throw CliException.usage(command + ": option " + arg + " given twice");
                }
            } else if (flags.contains(arg)) {
                out.options.put(arg, "true");
            } else if (arg.startsWith("--")) {
                throw CliException.usage(command + ": unknown option " + arg);
            } else {
                out.positional.add(arg);
            }
        }
        return out;
    }

    String get(final String name) {
        return options.get(name);
    }

    boolean has(final String name) {
        return options.containsKey(name);
    }

    String require(final String name, final String command) {
        final String value = options.get(name);
        if (value == null) {
            throw CliException.usage(command + ": option " + name + " is required");
        }
        return value;
    }
}
