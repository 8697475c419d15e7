package net.imglib2.algorithm;

/** Stand-in for imglib2-algorithm's {@code Benchmark} (test only). */
public interface Benchmark {
    /** @return the processing time in milliseconds */
    long getProcessingTime();
}
