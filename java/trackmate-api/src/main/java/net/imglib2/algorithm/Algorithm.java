package net.imglib2.algorithm;

/** Stand-in for imglib2-algorithm's {@code Algorithm} (test only): input check, processing, error message. */
public interface Algorithm {
    /** @return true when the input is valid */
    boolean checkInput();

    /** @return true on success */
    boolean process();

    /** @return the last error, or null */
    String getErrorMessage();
}
