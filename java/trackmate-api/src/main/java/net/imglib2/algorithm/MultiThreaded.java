package net.imglib2.algorithm;

/** Stand-in for imglib2-algorithm's {@code MultiThreaded} (test only). */
public interface MultiThreaded {
    /** Uses as many threads as there are processors. */
    void setNumThreads();

    /** @param numThreads number of threads to use */
    void setNumThreads(int numThreads);

    /** @return the number of threads used */
    int getNumThreads();
}
