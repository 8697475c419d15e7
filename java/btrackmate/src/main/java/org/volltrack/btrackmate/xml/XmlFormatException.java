package org.volltrack.btrackmate.xml;

import java.io.IOException;

/**
 * A TrackMate XML file is malformed, truncated, hostile (DTD, external entity) or inconsistent. The message
 * names the file and, when known, the line and column.
 */
public final class XmlFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message full message, including file and position
     */
    public XmlFormatException(final String message) {
        super(message);
    }

    /**
     * @param message full message
     * @param cause   the underlying parser error
     */
    public XmlFormatException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
