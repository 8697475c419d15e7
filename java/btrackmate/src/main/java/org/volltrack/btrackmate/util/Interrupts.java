package org.volltrack.btrackmate.util;

import java.util.concurrent.CancellationException;

/**
 * Cooperative interruption of long engine work. When the engine runs embedded in Python (JPype), Ctrl-C interrupts
 * the Java thread that called into the engine; the tracker, the feature computation and the XML writer look at that
 * flag between steps and stop with a {@link CancellationException}, so the caller gets control back within a
 * moment instead of after the whole tracking. The flag is left set: the caller decides when to clear it.
 */
public final class Interrupts {

    private Interrupts() {
    }

    /**
     * Stops the current work when the current thread was interrupted.
     *
     * @throws CancellationException when it was
     */
    public static void check() {
        check(Thread.currentThread());
    }

    /**
     * Stops the current work when {@code owner} (the thread that started it, e.g. the caller of a parallel
     * stream) was interrupted.
     *
     * @param owner the thread whose interruption cancels the work
     * @throws CancellationException when it was
     */
    public static void check(final Thread owner) {
        if (owner.isInterrupted()) {
            throw new CancellationException("interrupted");
        }
    }
}
