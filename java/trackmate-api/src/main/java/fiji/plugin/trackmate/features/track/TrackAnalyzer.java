package fiji.plugin.trackmate.features.track;

import java.util.Collection;

import fiji.plugin.trackmate.Model;
import fiji.plugin.trackmate.features.FeatureAnalyzer;
import net.imglib2.algorithm.Benchmark;
import net.imglib2.algorithm.MultiThreaded;

/** Stand-in for TrackMate's {@code TrackAnalyzer} (test only). */
public interface TrackAnalyzer extends Benchmark, FeatureAnalyzer, MultiThreaded {
    /**
     * @param trackIDs tracks to analyse
     * @param model the model
     */
    void process(Collection<Integer> trackIDs, Model model);

    /** @return true when one track's features depend on that track only */
    boolean isLocal();
}
