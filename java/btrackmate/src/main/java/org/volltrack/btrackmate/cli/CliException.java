package org.volltrack.btrackmate.cli;

/** An error reported by the command line as one line, with its exit code (2 usage, 1 bad input). */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code. */
    final int exitCode;

    private CliException(final String message, final int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException usage(final String message) {
        return new CliException(message, 2);
    }

    static CliException input(final String message) {
        return new CliException(message, 1);
    }
}
