package org.volltrack.btrackmate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;

import org.volltrack.btrackmate.model.FeatureDeclaration;
import org.volltrack.btrackmate.pipeline.ResultFiles;
import org.volltrack.btrackmate.pipeline.TrackingPipeline;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlReader;
import org.volltrack.btrackmate.xml.TrackMateXmlWriter;

/**
 * The {@code retrack} command: re-tracks the visible spots of any TrackMate XML file with that file's LAP tracker
 * settings (overridable with {@code --settings}), keeping spot IDs, spot features and image settings.
 */
final class RetrackCommand {

    static final String USAGE = String.join("\n",
            "usage: btrackmate retrack IN.xml --out OUT.xml [--settings JSON]",
            "",
            "Re-track the visible spots of a TrackMate XML file (TrackMate 3.x-8.x or BTrackmate) with the",
            "file's own LAP tracker settings and write a TrackMate 7.14 XML file. Spot IDs are kept.",
            "",
            "  IN.xml           TrackMate XML file",
            "  --settings JSON  flat JSON object of tracker keys overriding the file's settings",
            "                   (needed keys default to TrackMate's when the file has no LAP settings)",
            "  --out OUT.xml    output file (written atomically)");

    private RetrackCommand() {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws IOException {
        final CliArgs a = CliArgs.parse(args, new HashSet<>(Arrays.asList("--settings", "--out")),
                Collections.emptySet(), "retrack");
        if (a.help) {
            out.println(USAGE);
            return 0;
        }
        if (a.positional.size() != 1) {
            throw CliException.usage("retrack: expected exactly one input XML file, got " + a.positional.size());
        }
        final Path inPath = Paths.get(a.positional.get(0));
        final Path outPath = Paths.get(a.require("--out", "retrack"));
        final TrackMateFile in = TrackMateXmlReader.read(inPath);
        for (final String warning : in.warnings) {
            err.println("btrackmate retrack: warning: " + inPath + ": " + warning);
        }
        if (in.trackerSettings == null) {
            err.println("btrackmate retrack: warning: " + inPath + " has no LAP tracker settings (tracker "
                    + in.trackerName + "); using TrackMate's defaults" + (a.has("--settings") ? " and --settings"
                    : ""));
        }
        final Map<String, Object> settings = Settings.load(a.get("--settings"), in.trackerSettings);
        final TrackingPipeline.Result result = TrackingPipeline.standard().run(in.model.getSpots(), settings,
                in.model.getSpaceUnits(), in.model.getTimeUnits());
        for (final FeatureDeclaration declaration : in.model.getSpotDeclarations().values()) {
            result.model.declareSpotFeature(declaration);
        }
        final TrackMateFile file = ResultFiles.toTrackMateFile(result, in.imageData,
                (in.log.isEmpty() ? "" : in.log + "\n") + "btrackmate retrack " + String.join(" ", args));
        if (in.detectorSettings != null) {
            file.detectorSettings = in.detectorSettings;
        }
        file.basicSettings = in.basicSettings;
        file.initialSpotFilterValue = in.initialSpotFilterValue;
        file.spotFilters.addAll(0, in.spotFilters);
        if (in.spotAnalyzers != null) {
            file.spotAnalyzers.addAll(in.spotAnalyzers);
        }
        TrackMateXmlWriter.write(file, outPath);
        Summary.print(out, outPath, result.model);
        return 0;
    }
}
