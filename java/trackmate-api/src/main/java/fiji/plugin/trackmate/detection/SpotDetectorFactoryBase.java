package fiji.plugin.trackmate.detection;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.Settings;
import fiji.plugin.trackmate.TrackMateFactoryBase;
import fiji.plugin.trackmate.gui.components.ConfigurationPanel;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Stand-in for TrackMate 8's {@code SpotDetectorFactoryBase} (test only; trackmate.md 4.9).
 *
 * @param <T> pixel type
 */
public interface SpotDetectorFactoryBase<T extends RealType<T> & NativeType<T>>
        extends TrackMateFactoryBase<SpotDetectorFactoryBase<T>> {
    /**
     * @param settings the settings
     * @param model the model
     * @return the configuration panel
     */
    ConfigurationPanel getDetectorConfigurationPanel(Settings settings, Model model);

    /** @return true when 2D spots carry a contour */
    default boolean has2Dsegmentation() {
        return false;
    }
}
