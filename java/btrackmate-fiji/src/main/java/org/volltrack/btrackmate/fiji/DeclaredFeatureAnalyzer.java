package org.volltrack.btrackmate.fiji;

import java.util.List;
import java.util.Map;

import javax.swing.ImageIcon;

import fiji.plugin.trackmate.Dimension;
import fiji.plugin.trackmate.features.FeatureAnalyzer;

/**
 * A TrackMate feature analyzer whose feature keys, names, short names, dimensions and int flags all come from one
 * {@link FeatureDeclarations}: the implementing analyzer only says which declarations it computes.
 */
interface DeclaredFeatureAnalyzer extends FeatureAnalyzer {

    /** @return the declarations of the features this analyzer computes */
    FeatureDeclarations declarations();

    @Override
    default ImageIcon getIcon() {
        return null;
    }

    @Override
    default List<String> getFeatures() {
        return declarations().keys();
    }

    @Override
    default Map<String, String> getFeatureShortNames() {
        return declarations().shortNames();
    }

    @Override
    default Map<String, String> getFeatureNames() {
        return declarations().names();
    }

    @Override
    default Map<String, Dimension> getFeatureDimensions() {
        return declarations().dimensions();
    }

    @Override
    default Map<String, Boolean> getIsIntFeature() {
        return declarations().isInt();
    }

    @Override
    default boolean isManualFeature() {
        return false;
    }
}
