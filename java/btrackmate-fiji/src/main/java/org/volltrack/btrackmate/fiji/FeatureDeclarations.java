package org.volltrack.btrackmate.fiji;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.volltrack.btrackmate.model.FeatureDeclaration;

import fiji.plugin.trackmate.Dimension;

/** TrackMate feature-analyzer declarations (names, short names, dimensions, int flags) from the engine's. */
final class FeatureDeclarations {

    private final Map<String, FeatureDeclaration> declarations = new LinkedHashMap<>();

    FeatureDeclarations(final List<FeatureDeclaration> features) {
        for (final FeatureDeclaration d : features) {
            declarations.put(d.key(), d);
        }
    }

    List<String> keys() {
        return List.copyOf(declarations.keySet());
    }

    Map<String, String> names() {
        return map(FeatureDeclaration::name);
    }

    Map<String, String> shortNames() {
        return map(FeatureDeclaration::shortName);
    }

    Map<String, Dimension> dimensions() {
        return map(d -> Dimension.valueOf(d.dimension().name()));
    }

    Map<String, Boolean> isInt() {
        return map(FeatureDeclaration::isInt);
    }

    private <V> Map<String, V> map(final Function<FeatureDeclaration, V> value) {
        final Map<String, V> out = new LinkedHashMap<>();
        for (final FeatureDeclaration d : declarations.values()) {
            out.put(d.key(), value.apply(d));
        }
        return out;
    }
}
