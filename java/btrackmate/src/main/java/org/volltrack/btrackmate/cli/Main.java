package org.volltrack.btrackmate.cli;

/**
 * Command-line entry point of the BTrackmate engine jar ({@code java -jar btrackmate-all.jar}).
 */
public final class Main {

    private Main() {
    }

    /** Usage text printed by {@code --help}. */
    static final String USAGE = String.join("\n",
            "usage: java -jar btrackmate-<version>-all.jar COMMAND [OPTIONS]",
            "",
            "BTrackmate: TrackMate-compatible LAP tracking of cells, without Fiji.",
            "",
            "commands:",
            "  version        print the engine version",
            "",
            "Run 'COMMAND --help' for the options of a command.");

    /**
     * Runs the command line.
     *
     * @param args command-line arguments
     */
    public static void main(final String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit code instead of exiting.
     *
     * @param args command-line arguments
     * @return 0 on success, 2 on a usage error
     */
    public static int run(final String[] args) {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if ("version".equals(args[0])) {
            System.out.println(Main.class.getPackage().getImplementationVersion());
            return 0;
        }
        System.err.println("btrackmate: unknown command '" + args[0] + "'\n" + USAGE);
        return 2;
    }
}
