package org.volltrack.btrackmate.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.process.ShortProcessor;

import org.junit.jupiter.api.Test;

class AxesFromDescriptionTest {

    private static ImagePlus plainStack(final int pages, final String description) {
        final ImageStack stack = new ImageStack(4, 4);
        for (int i = 0; i < pages; i++) {
            stack.addSlice(new ShortProcessor(4, 4));
        }
        final ImagePlus imp = new ImagePlus("plain", stack);
        final FileInfo info = new FileInfo();
        info.description = description;
        imp.setFileInfo(info);
        return imp;
    }

    @Test
    void omeAndTifffileShapeDescriptionsGiveTimeAndZ() {
        final ImagePlus ome = plainStack(12, "<OME><Image><Pixels DimensionOrder=\"XYZCT\" SizeC=\"1\" SizeT=\"3\" "
                + "SizeX=\"4\" SizeY=\"4\" SizeZ=\"4\"/></Image></OME>");
        AxesFromDescription.apply(ome);
        assertEquals(3, ome.getNFrames());
        assertEquals(4, ome.getNSlices());
        final ImagePlus shaped = plainStack(12, "{\"shape\": [2, 6, 4, 4]}");
        AxesFromDescription.apply(shaped);
        assertEquals(2, shaped.getNFrames());
        assertEquals(6, shaped.getNSlices());
        final ImagePlus inconsistent = plainStack(12, "{\"shape\": [5, 6, 4, 4]}");
        AxesFromDescription.apply(inconsistent);
        assertEquals(1, inconsistent.getNFrames(), "sizes that do not match the pages are ignored");
        final ImagePlus threeD = plainStack(12, "{\"shape\": [12, 4, 4]}");
        AxesFromDescription.apply(threeD);
        assertEquals(12, threeD.getNSlices());
    }
}
