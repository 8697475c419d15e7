package net.imglib2.algorithm;

/**
 * Stand-in for imglib2-algorithm's {@code OutputAlgorithm} (test only).
 *
 * @param <A> result type
 */
public interface OutputAlgorithm<A> extends Algorithm {
    /** @return the result of {@link #process()} */
    A getResult();
}
