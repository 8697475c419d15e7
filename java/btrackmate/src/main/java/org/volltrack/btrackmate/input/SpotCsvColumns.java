package org.volltrack.btrackmate.input;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.volltrack.btrackmate.model.FeatureKeys;

/**
 * The roles of a spot table's columns for {@link FastSpotCsv} (ID, FRAME, positions, RADIUS, QUALITY, other
 * features; VISIBILITY is ignored) and the per-row call into the {@link SpotTableBuilder}, with the general
 * reader's defaults. A row the fast path cannot take as it is (a missing required value, a non-integer ID) makes
 * it give up.
 */
final class SpotCsvColumns {
    final int id;
    final int frame;
    final int x;
    final int y;
    final int z;
    final int radius;
    final int quality;
    final int time;
    final int[] extra;
    final String[] extraName;

    SpotCsvColumns(final List<String> names) {
        id = names.indexOf("ID");
        frame = names.indexOf(FeatureKeys.FRAME);
        x = names.indexOf(FeatureKeys.POSITION_X);
        y = names.indexOf(FeatureKeys.POSITION_Y);
        z = names.indexOf(FeatureKeys.POSITION_Z);
        radius = names.indexOf(FeatureKeys.RADIUS);
        quality = names.indexOf(FeatureKeys.QUALITY);
        time = names.indexOf(FeatureKeys.POSITION_T);
        if (frame < 0 || x < 0 || y < 0) {
            throw new FastSpotCsv.GiveUp();
        }
        final List<Integer> others = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (c != id && c != frame && c != x && c != y && c != z && c != radius && c != quality
                    && !FeatureKeys.VISIBILITY.equals(names.get(c))) {
                others.add(c);
            }
        }
        extra = others.stream().mapToInt(Integer::intValue).toArray();
        extraName = others.stream().map(names::get).toArray(String[]::new);
    }

    void add(final String where, final double[] v, final boolean[] present, final SpotTableBuilder builder) {
        if (!present[frame] || !present[x] || !present[y] || z >= 0 && !present[z] || radius >= 0 && !present[radius]
                || quality >= 0 && !present[quality] || id >= 0 && !present[id] || time >= 0 && !present[time]) {
            throw new FastSpotCsv.GiveUp();  // an empty core cell: the general reader refuses it
        }
        Integer spotId = null;
        if (id >= 0 && present[id]) {
            final double value = v[id];
            if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
                throw new FastSpotCsv.GiveUp();
            }
            spotId = (int) value;
        }
        Map<String, Double> features = null;
        for (int k = 0; k < extra.length; k++) {
            if (present[extra[k]]) {
                if (features == null) {
                    features = new LinkedHashMap<>();
                }
                features.put(extraName[k], v[extra[k]]);
            }
        }
        builder.add(where, spotId, v[frame], v[x], v[y], optional(v, present, z, 0.0),
                optional(v, present, radius, 1.0), optional(v, present, quality, 1.0), features);
    }

    private static double optional(final double[] v, final boolean[] present, final int c,
            final double fallback) {
        return c >= 0 && present[c] ? v[c] : fallback;
    }
}
