package org.volltrack.btrackmate.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.TrackerKeys;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.SelectionModel;
import fiji.plugin.trackmate.Settings;
import fiji.plugin.trackmate.Spot;
import fiji.plugin.trackmate.SpotCollection;
import fiji.plugin.trackmate.TrackMate;
import fiji.plugin.trackmate.features.spot.SpotAnalyzer;
import net.imagej.ImgPlus;
import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;

class TissueAndTrackletTest {

    /** XYCT image 10 x 4, 2 channels, 1 frame; channel 1 (the mask) is tissue for x < 5. Pixel 2 µm. */
    private static ImgPlus<UnsignedByteType> twoChannelImage() {
        final ArrayImg<UnsignedByteType, ByteArray> img = ArrayImgs.unsignedBytes(10, 4, 2, 1);
        final RandomAccess<UnsignedByteType> ra = img.randomAccess();
        for (int x = 0; x < 5; x++) {
            for (int y = 0; y < 4; y++) {
                ra.setPosition(new long[] {x, y, 1, 0});
                ra.get().set(1);
            }
        }
        return new ImgPlus<>(img, "img", new AxisType[] {Axes.X, Axes.Y, Axes.CHANNEL, Axes.TIME},
                new double[] {2, 2, 1, 1});
    }

    @Test
    void tissueFeaturesComeFromTheLastChannel() {
        final TissueFeatureAnalyzerFactory<UnsignedByteType> factory = new TissueFeatureAnalyzerFactory<>();
        factory.setNChannels(2);
        final Spot inside = new Spot(2.0, 2.0, 0, 1, 1);
        final Spot outside = new Spot(18.0, 2.0, 0, 1, 1);
        final SpotAnalyzer<UnsignedByteType> skip = factory.getAnalyzer(twoChannelImage(), 0, 0);
        skip.process(List.of(inside));
        assertEquals(null, inside.getFeature("INSIDE_TISSUE"), "channel 0 is not the mask");
        factory.getAnalyzer(twoChannelImage(), 0, 1).process(List.of(inside, outside));
        assertEquals(1.0, inside.getFeature("INSIDE_TISSUE"));
        assertEquals(1.0, inside.getFeature("TISSUE_FRACTION"));
        assertEquals(0.0, outside.getFeature("INSIDE_TISSUE"));
        assertEquals(8.0, inside.getFeature("DISTANCE_TO_BOUNDARY"), 1e-9, "x = 1 px, background at x = 5: 4 px of 2 µm");
        assertEquals(-10.0, outside.getFeature("DISTANCE_TO_BOUNDARY"), 1e-9, "x = 9 px, tissue at x = 4: 5 px, negative outside");
        assertEquals(List.of("INSIDE_TISSUE", "TISSUE_FRACTION", "DISTANCE_TO_BOUNDARY"), factory.getFeatures());
        assertEquals(fiji.plugin.trackmate.Dimension.LENGTH, factory.getFeatureDimensions().get("DISTANCE_TO_BOUNDARY"));
        assertTrue(factory.getIsIntFeature().get("INSIDE_TISSUE"));
    }

    /**
     * A track of 6 frames dividing at frame 3 into a long daughter (frames 4-5) and a short one (frame 4 only),
     * plus a separate 2-frame track.
     */
    private static Model dividingModel() {
        final Model model = new Model();
        model.beginUpdate();
        Spot previous = null;
        for (int t = 0; t < 4; t++) {
            final Spot s = model.addSpotTo(new Spot(t, 0, 0, 1, 1), t);
            if (previous != null) {
                model.addEdge(previous, s, 1);
            }
            previous = s;
        }
        final Spot a4 = model.addSpotTo(new Spot(4, 1, 0, 1, 1), 4);
        final Spot a5 = model.addSpotTo(new Spot(5, 1, 0, 1, 1), 5);
        final Spot b4 = model.addSpotTo(new Spot(4, -1, 0, 1, 1), 4);
        model.addEdge(previous, a4, 1);
        model.addEdge(a4, a5, 1);
        model.addEdge(previous, b4, 1);
        final Spot c0 = model.addSpotTo(new Spot(50, 50, 0, 1, 1), 0);
        final Spot c1 = model.addSpotTo(new Spot(50, 51, 0, 1, 1), 1);
        model.addEdge(c0, c1, 1);
        model.endUpdate();
        return model;
    }

    @Test
    void trackletAnalyzerCountsTrackletsBetweenDivisions() {
        final Model model = dividingModel();
        final TrackletAnalyzer analyzer = new TrackletAnalyzer();
        final Set<Integer> ids = model.getTrackModel().trackIDs(true);
        analyzer.process(ids, model);
        int dividing = -1;
        for (final Integer id : ids) {
            if (model.getTrackModel().trackSpots(id).size() == 7) {
                dividing = id;
            } else {
                assertEquals(1.0, model.getFeatureModel().getTrackFeature(id, TrackletAnalyzer.N_TRACKLETS));
                assertEquals(2.0, model.getFeatureModel().getTrackFeature(id, TrackletAnalyzer.SHORTEST_TRACKLET));
            }
        }
        assertEquals(3.0, model.getFeatureModel().getTrackFeature(dividing, TrackletAnalyzer.N_TRACKLETS));
        assertEquals(1.0, model.getFeatureModel().getTrackFeature(dividing, TrackletAnalyzer.SHORTEST_TRACKLET));
    }

    @Test
    void pruneActionRemovesTheShortBranchWithTheEnginePruner() {
        final Model model = dividingModel();
        final PruneTrackletsAction action = (PruneTrackletsAction) new PruneTrackletsActionFactory().create();
        action.setParameters(1, TrackerKeys.PRUNE_BRANCH);
        action.execute(new TrackMate(model, new Settings()), new SelectionModel(model), null, null);
        assertEquals(1, action.lastRemoved(), "the 1-frame daughter goes");
        assertEquals(2, model.getTrackModel().nTracks(true) - singletons(model));
        int longest = 0;
        for (final Integer id : model.getTrackModel().trackIDs(true)) {
            longest = Math.max(longest, model.getTrackModel().trackSpots(id).size());
        }
        assertEquals(6, longest);
        int invisible = 0;
        for (final Spot s : model.getSpots().iterable(false)) {
            invisible += s.getFeature(SpotCollection.VISIBILITY) == 0 ? 1 : 0;
        }
        assertEquals(1, invisible);
    }

    private static int singletons(final Model model) {
        int n = 0;
        for (final Integer id : model.getTrackModel().trackIDs(true)) {
            n += model.getTrackModel().trackSpots(id).size() == 1 ? 1 : 0;
        }
        return n;
    }

    @Test
    void everyModuleIsInTheSciJavaPluginIndex() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/json/org.scijava.plugin.Plugin")) {
            final String index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (final Class<?> c : List.of(BTrackmateDetectorFactory.class, TissueFeatureAnalyzerFactory.class,
                    TrackletAnalyzer.class, PruneTrackletsActionFactory.class)) {
                assertTrue(index.contains("\"" + c.getName() + "\""), c + " missing from the plugin index");
            }
        }
    }
}
