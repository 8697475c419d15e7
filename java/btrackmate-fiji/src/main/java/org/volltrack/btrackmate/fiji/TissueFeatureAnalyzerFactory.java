package org.volltrack.btrackmate.fiji;

import java.util.List;

import org.scijava.plugin.Plugin;
import org.volltrack.btrackmate.model.FeatureKeys;

import fiji.plugin.trackmate.Spot;
import fiji.plugin.trackmate.features.spot.SpotAnalyzer;
import fiji.plugin.trackmate.features.spot.SpotAnalyzerFactory;
import net.imagej.ImgPlus;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * TrackMate spot analyzer for the tissue features INSIDE_TISSUE, TISSUE_FRACTION and DISTANCE_TO_BOUNDARY, to
 * filter spots with a TrackMate {@code FeatureFilter} (e.g. INSIDE_TISSUE above 0.5) — TrackMate has no spot-filter
 * plugin type. The tissue mask is the <b>last channel</b> of an image with two or more channels; with a single
 * channel the analyzer keeps the values the BTrackmate detector read (from its mask file or the CSV table).
 *
 * @param <T> pixel type
 */
@Plugin(type = SpotAnalyzerFactory.class)
public class TissueFeatureAnalyzerFactory<T extends RealType<T> & NativeType<T>> implements SpotAnalyzerFactory<T>,
        DeclaredFeatureAnalyzer {

    /** Analyzer key. */
    public static final String KEY = "BTRACKMATE_TISSUE_ANALYZER";

    private static final FeatureDeclarations FEATURES = new FeatureDeclarations(List.of(
            FeatureKeys.spotDeclarations().get(FeatureKeys.INSIDE_TISSUE),
            FeatureKeys.spotDeclarations().get(FeatureKeys.TISSUE_FRACTION),
            FeatureKeys.spotDeclarations().get(FeatureKeys.DISTANCE_TO_BOUNDARY)));

    private int nChannels = 1;

    @Override
    public void setNChannels(final int nChannels) {
        this.nChannels = nChannels;
    }

    @Override
    public SpotAnalyzer<T> getAnalyzer(final ImgPlus<T> img, final int frame, final int channel) {
        if (nChannels < 2 || channel != nChannels - 1) {
            return spots -> {
            };
        }
        final TissueMaskFrame mask = TissueMaskFrame.of(img, frame, channel);
        return spots -> {
            for (final Spot spot : spots) {
                mask.measure(spot);
            }
        };
    }

    @Override
    public String getKey() {
        return KEY;
    }

    @Override
    public String getName() {
        return "BTrackmate tissue features";
    }

    @Override
    public String getInfoText() {
        return "<html>INSIDE_TISSUE, TISSUE_FRACTION and DISTANCE_TO_BOUNDARY of each spot, from a tissue mask "
                + "given as the last channel of the image (centroid test).</html>";
    }

    @Override
    public FeatureDeclarations declarations() {
        return FEATURES;
    }
}
