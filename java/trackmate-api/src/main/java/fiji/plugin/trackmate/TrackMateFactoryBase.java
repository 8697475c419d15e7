package fiji.plugin.trackmate;

import java.util.Map;

import org.jdom2.Attribute;
import org.jdom2.DataConversionException;
import org.jdom2.Element;

/**
 * Stand-in for TrackMate 8's {@code TrackMateFactoryBase} (test only; trackmate.md 4.9). The default methods
 * behave as described there: a null return means success, a String is the error.
 *
 * @param <F> the factory type
 */
public interface TrackMateFactoryBase<F extends TrackMateFactoryBase<F>> extends TrackMateModule {

    /**
     * Writes every settings entry as an attribute {@code key="value"}.
     *
     * @param settings the settings
     * @param element the element to write to
     * @return null on success, else the error
     */
    default String marshal(final Map<String, Object> settings, final Element element) {
        for (final Map.Entry<String, Object> entry : settings.entrySet()) {
            if (entry.getValue() == null) {
                return "No value set for parameter " + entry.getKey();
            }
            element.setAttribute(entry.getKey(), entry.getValue().toString());
        }
        return null;
    }

    /**
     * Reads the attributes of {@code element} into {@code settings}, typed after {@link #getDefaultSettings()}.
     *
     * @param element the element to read
     * @param settings the map to clear and fill
     * @return null on success, else the error
     */
    default String unmarshal(final Element element, final Map<String, Object> settings) {
        final Map<String, Object> defaults = getDefaultSettings();
        settings.clear();
        for (final Attribute att : element.getAttributes()) {
            final String key = att.getName();
            if ("DETECTOR_NAME".equals(key) || "TRACKER_NAME".equals(key)) {
                continue;
            }
            if (!defaults.containsKey(key)) {
                return "When unmarshaling: Unknown parameter " + key + " in factory " + getName() + ".\n";
            }
            final Class<?> klass = defaults.get(key).getClass();
            try {
                if (klass == String.class) {
                    settings.put(key, att.getValue());
                } else if (klass == Integer.class) {
                    settings.put(key, att.getIntValue());
                } else if (klass == Double.class) {
                    settings.put(key, att.getDoubleValue());
                } else if (klass == Boolean.class) {
                    settings.put(key, att.getBooleanValue());
                } else {
                    return "When unmarshalling: Unsupported type " + klass.getSimpleName() + " for " + key;
                }
            } catch (final DataConversionException e) {
                return "When unmarshalling: Cannot parse value '" + att.getValue() + "' for parameter " + key;
            }
        }
        return null;
    }

    /** @return a new map with the default settings */
    Map<String, Object> getDefaultSettings();

    /**
     * Checks that every default key is present with a value of the same class.
     *
     * @param settings the settings to check
     * @return null when valid, else the error
     */
    default String checkSettings(final Map<String, Object> settings) {
        for (final Map.Entry<String, Object> entry : getDefaultSettings().entrySet()) {
            final Object value = settings.get(entry.getKey());
            if (value == null) {
                return "The parameter " + entry.getKey() + " is missing.";
            }
            if (!entry.getValue().getClass().isInstance(value)) {
                return "The parameter " + entry.getKey() + " should be of class "
                        + entry.getValue().getClass().getSimpleName() + ", got " + value.getClass().getSimpleName();
            }
        }
        return null;
    }

    /**
     * @param settings the settings
     * @return a readable echo of the settings, or the error
     */
    default String toString(final Map<String, Object> settings) {
        final String error = checkSettings(settings);
        return error != null ? error : settings.toString();
    }

    /** @return a new instance made with the no-arg constructor */
    @SuppressWarnings("unchecked")
    default F copy() {
        try {
            return (F) getClass().getDeclaredConstructor().newInstance();
        } catch (final ReflectiveOperationException e) {
            throw new RuntimeException("Could not copy the factory: " + e.getMessage(), e);
        }
    }
}
