package org.volltrack.btrackmate.input;

/**
 * Bad spot input (CSV, arrays, label image): the message names the file or argument, the line/column or spot,
 * what was given and what was expected.
 */
public final class SpotInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the full message
     */
    public SpotInputException(final String message) {
        super(message);
    }

    /**
     * @param message the full message
     * @param cause   the underlying error
     */
    public SpotInputException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
