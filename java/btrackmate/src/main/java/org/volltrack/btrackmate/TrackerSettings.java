package org.volltrack.btrackmate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.volltrack.btrackmate.model.FeatureKeys;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;

/**
 * Checks and normalises tracker settings maps against {@link TrackerKeys}. Given keys override the defaults;
 * every value is converted to the exact Java type the tracker expects (any integral number is accepted where an
 * Integer is expected and any number where a Double is expected: {@code 15} is fine for 15.0). Unknown keys,
 * wrong types ({@code "abc"} for a distance) and out-of-range values throw {@link IllegalArgumentException}
 * with a message naming the key, the value given and what was expected.
 */
public final class TrackerSettings {

    private TrackerSettings() {
    }

    /**
     * Returns a complete, typed settings map: the defaults overridden by {@code given}.
     *
     * @param given settings to apply (may be null or partial)
     * @return a new map holding every key of {@link TrackerKeys#defaultSettings()}
     * @throws IllegalArgumentException on an unknown key, a wrong type or an out-of-range value
     */
    public static Map<String, Object> normalize(final Map<String, ?> given) {
        final Map<String, Object> out = TrackerKeys.defaultSettings();
        if (given == null) {
            return out;
        }
        final Map<String, Class<?>> types = TrackerKeys.expectedTypes();
        for (final Map.Entry<String, ?> entry : given.entrySet()) {
            final String key = entry.getKey();
            final Class<?> type = types.get(key);
            if (type == null) {
                throw new IllegalArgumentException("unknown settings key '" + key + "'; known keys: "
                        + String.join(", ", types.keySet()));
            }
            out.put(key, convert(key, entry.getValue(), type));
        }
        checkRanges(out);
        return out;
    }

    /**
     * Parses one flat JSON object of settings (penalty maps as nested objects) and normalises it.
     *
     * @param json   the JSON text
     * @param source where the JSON came from, used in error messages (e.g. a file name)
     * @return the complete typed settings map
     * @throws IllegalArgumentException on malformed JSON or invalid settings
     */
    public static Map<String, Object> fromJson(final String json, final String source) {
        return fromJson(json, source, null);
    }

    /**
     * Parses one flat JSON object of settings and applies it over base settings (e.g. a TrackMate file's).
     *
     * @param json   the JSON text
     * @param source where the JSON came from, used in error messages
     * @param base   settings the JSON overrides (null for the defaults)
     * @return the complete typed settings map
     * @throws IllegalArgumentException on malformed JSON or invalid settings
     */
    public static Map<String, Object> fromJson(final String json, final String source,
            final Map<String, Object> base) {
        final Gson gson = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
        final Map<String, Object> parsed;
        try {
            parsed = gson.fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() { }.getType());
        } catch (final JsonParseException e) {
            throw new IllegalArgumentException(source + ": not a valid JSON object of settings ("
                    + jsonProblem(e) + "); expected one object such as {\"LINKING_MAX_DISTANCE\": 15.0}", e);
        }
        if (parsed == null) {
            throw new IllegalArgumentException(source + ": empty settings JSON; expected an object such as "
                    + "{\"LINKING_MAX_DISTANCE\": 15.0}");
        }
        final Map<String, Object> merged = new LinkedHashMap<>();
        if (base != null) {
            merged.putAll(base);
        }
        merged.putAll(parsed);
        try {
            return normalize(merged);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serialises settings as one flat JSON object (penalty maps nested).
     *
     * @param settings a settings map
     * @return the JSON text
     */
    public static String toJson(final Map<String, Object> settings) {
        return new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create()
                .toJson(settings);
    }

    private static Object convert(final String key, final Object value, final Class<?> type) {
        if (value == null) {
            throw wrongType(key, null, type);
        }
        if (type == Double.class) {
            if (!(value instanceof Number)) {
                throw wrongType(key, value, type);
            }
            return ((Number) value).doubleValue();
        }
        if (type == Integer.class) {
            return toInteger(key, value);
        }
        if (type == Boolean.class) {
            // true/false only, as Python's settings: the strings "true"/"false" too, never "yes", "on" or 1.
            if (value instanceof String) {
                final String word = ((String) value).trim().toLowerCase(Locale.ROOT);
                if (word.equals("true") || word.equals("false")) {
                    return Boolean.valueOf(word);
                }
            }
            if (!(value instanceof Boolean)) {
                throw wrongType(key, value, type);
            }
            return value;
        }
        if (type == String.class) {
            if (!(value instanceof String)) {
                throw wrongType(key, value, type);
            }
            return value;
        }
        return toPenalties(key, value);
    }

    private static Integer toInteger(final String key, final Object value) {
        if (!(value instanceof Number)) {
            throw wrongType(key, value, Integer.class);
        }
        final double d = ((Number) value).doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("settings key '" + key + "': expected an integer, got " + value);
        }
        return (int) d;
    }

    private static Map<String, Double> toPenalties(final String key, final Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("settings key '" + key + "': expected a map of spot feature "
                    + "key to weight, e.g. {\"QUALITY\": 1.0}, got " + describe(value));
        }
        final Map<String, Double> out = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            final Object feature = e.getKey();
            final Object weight = e.getValue();
            if (!(feature instanceof String) || !FeatureKeys.isValidKey((String) feature)) {
                throw new IllegalArgumentException("settings key '" + key + "': feature names must be spot "
                        + "feature keys (letters, digits, _), got " + describe(feature));
            }
            if (!(weight instanceof Number) || !Double.isFinite(((Number) weight).doubleValue())
                    || ((Number) weight).doubleValue() < 0) {
                throw new IllegalArgumentException("settings key '" + key + "': weight of feature '" + feature
                        + "' must be a finite number >= 0, got " + describe(weight));
            }
            out.put((String) feature, ((Number) weight).doubleValue());
        }
        return out;
    }

    private static void checkRanges(final Map<String, Object> s) {
        for (final String key : new String[] {TrackerKeys.LINKING_MAX_DISTANCE,
            TrackerKeys.GAP_CLOSING_MAX_DISTANCE, TrackerKeys.SPLITTING_MAX_DISTANCE,
            TrackerKeys.MERGING_MAX_DISTANCE}) {
            requireRange(s, key, 0, Double.MAX_VALUE, "a finite distance >= 0 in physical units (a large one for "
                    + "no limit)");
        }
        requireRange(s, TrackerKeys.ALTERNATIVE_LINKING_COST_FACTOR, Double.MIN_NORMAL, Double.MAX_VALUE,
                "a finite number > 0");
        requireRange(s, TrackerKeys.CUTOFF_PERCENTILE, 0, 1, "a number in [0, 1]");
        requireRange(s, TrackerKeys.TISSUE_MIN_FRACTION, 0, 1, "a number in [0, 1]");
        requireRange(s, TrackerKeys.MAX_FRAME_GAP, 0, Integer.MAX_VALUE, "an integer >= 0");
        requireRange(s, TrackerKeys.MIN_TRACKLET_LENGTH, 0, Integer.MAX_VALUE, "an integer >= 0");
        if (Double.isNaN((Double) s.get(TrackerKeys.BLOCKING_VALUE))) {
            throw new IllegalArgumentException("settings key 'BLOCKING_VALUE': expected a number, got NaN");
        }
        final String mode = ((String) s.get(TrackerKeys.PRUNE_MODE)).toUpperCase(Locale.ROOT);
        if (!mode.equals(TrackerKeys.PRUNE_BRANCH) && !mode.equals(TrackerKeys.PRUNE_TRACK)
                && !mode.equals(TrackerKeys.PRUNE_BOTH)) {
            throw new IllegalArgumentException("settings key 'PRUNE_MODE': expected one of BRANCH, TRACK, "
                    + "BOTH, got \"" + s.get(TrackerKeys.PRUNE_MODE) + "\"");
        }
        s.put(TrackerKeys.PRUNE_MODE, mode);
        final String tracking = ((String) s.get(TrackerKeys.TRACKING_MODE)).toUpperCase(Locale.ROOT);
        if (!tracking.equals(TrackerKeys.MODE_EXACT_LAP) && !tracking.equals(TrackerKeys.MODE_DIVISION_AWARE)) {
            throw new IllegalArgumentException("settings key 'TRACKING_MODE': expected one of EXACT_LAP, "
                    + "DIVISION_AWARE, got \"" + s.get(TrackerKeys.TRACKING_MODE) + "\"");
        }
        s.put(TrackerKeys.TRACKING_MODE, tracking);
        for (final String key : new String[] {TrackerKeys.DIVISION_MAX_COST, TrackerKeys.DIVISION_SIZE_WEIGHT,
            TrackerKeys.DIVISION_VOLUME_WEIGHT, TrackerKeys.DIVISION_DISTANCE_WEIGHT,
            TrackerKeys.DIVISION_SEPARATION_WEIGHT, TrackerKeys.DIVISION_BORDER_WEIGHT,
            TrackerKeys.DIVISION_INTENSITY_WEIGHT, TrackerKeys.DIVISION_BOUNDARY_WEIGHT,
            TrackerKeys.DIVISION_MERGE_WEIGHT, TrackerKeys.DIVISION_FRAGMENT_WEIGHT}) {
            requireRange(s, key, 0, Double.MAX_VALUE, "a finite number >= 0");
        }
        requireRange(s, TrackerKeys.DIVISION_FRAGMENT_RATIO, Double.MIN_NORMAL, Double.MAX_VALUE, "a finite number > 0");
    }

    private static void requireRange(final Map<String, Object> s, final String key, final double min,
            final double max, final String expected) {
        final double value = ((Number) s.get(key)).doubleValue();
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException("settings key '" + key + "': expected " + expected + ", got "
                    + s.get(key));
        }
    }

    private static IllegalArgumentException wrongType(final String key, final Object value, final Class<?> type) {
        final String expected = type == Double.class ? "a number" : type == Boolean.class ? "true or false"
                : type == Integer.class ? "an integer" : "a string";
        return new IllegalArgumentException("settings key '" + key + "': expected " + expected + " ("
                + type.getSimpleName() + "), got " + describe(value));
    }

    private static String describe(final Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "the string \"" + value + "\"";
        }
        return value.getClass().getSimpleName() + " " + value;
    }

    /** @return Gson's message without Java class names and troubleshooting links, on one line */
    private static String jsonProblem(final JsonParseException e) {
        final String message = String.valueOf(e.getMessage()).split("\\R\\s*See https?://")[0];
        return message.replaceAll("^([a-z]\\w*\\.)+\\w*(Exception|Error):\\s*", "").replaceAll("\\s+", " ").trim();
    }
}
