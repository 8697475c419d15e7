package net.imagej;

import net.imagej.axis.AxisType;
import net.imglib2.img.Img;

/**
 * Stand-in for imagej-common's {@code ImgPlus} (test only): an image with named, calibrated axes.
 *
 * @param <T> pixel type
 */
public class ImgPlus<T> {

    private final Img<T> img;
    private final String name;
    private final AxisType[] axes;
    private final double[] calibration;

    /**
     * @param img the pixels
     * @param name image name
     * @param axes one axis type per dimension
     * @param cal one calibration per dimension
     */
    public ImgPlus(final Img<T> img, final String name, final AxisType[] axes, final double[] cal) {
        if (axes.length != img.numDimensions() || cal.length != img.numDimensions()) {
            throw new IllegalArgumentException("ImgPlus: need one axis and one calibration per dimension");
        }
        this.img = img;
        this.name = name;
        this.axes = axes.clone();
        this.calibration = cal.clone();
    }

    /** @return the wrapped pixels */
    public Img<T> getImg() {
        return img;
    }

    /** @return the image name */
    public String getName() {
        return name;
    }

    /** @return the number of dimensions */
    public int numDimensions() {
        return img.numDimensions();
    }

    /**
     * @param d dimension index
     * @return the size along {@code d}
     */
    public long dimension(final int d) {
        return img.dimension(d);
    }

    /**
     * @param type an axis type
     * @return the index of the dimension of that type, or -1
     */
    public int dimensionIndex(final AxisType type) {
        for (int d = 0; d < axes.length; d++) {
            if (axes[d] == type) {
                return d;
            }
        }
        return -1;
    }

    /**
     * @param d dimension index
     * @return the calibration (units per pixel) of dimension {@code d}
     */
    public double averageScale(final int d) {
        return calibration[d];
    }
}
