package org.volltrack.btrackmate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;

import org.volltrack.btrackmate.image.CentroidTissueFeatures;
import org.volltrack.btrackmate.image.ImageVolume;
import org.volltrack.btrackmate.image.LabelImageSpots;
import org.volltrack.btrackmate.image.TissueMask;
import org.volltrack.btrackmate.input.Calibration;
import org.volltrack.btrackmate.input.LegacyCsvReader;
import org.volltrack.btrackmate.input.SpotCsvReader;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.pipeline.ResultFiles;
import org.volltrack.btrackmate.pipeline.TrackingPipeline;
import org.volltrack.btrackmate.xml.ImageData;
import org.volltrack.btrackmate.xml.TrackMateFile;
import org.volltrack.btrackmate.xml.TrackMateXmlWriter;

/** The {@code track} command: spots from a CSV or a label image → tracks → TrackMate XML. */
final class TrackCommand {

    static final String USAGE = String.join("\n",
            "usage: btrackmate track (--spots CSV | --labels TIF) [--image TIF] [--mask TIF]",
            "                        [--calibration dz,dy,dx,dt] [--settings JSON] [--units SPACE,TIME]",
            "                        [--legacy] --out XML",
            "",
            "Track cells and write a TrackMate 7.14 XML file.",
            "",
            "  --spots CSV          spot table whose header names TrackMate features (FRAME, POSITION_X,",
            "                       POSITION_Y, optional POSITION_Z, RADIUS, QUALITY, ID, any numeric feature)",
            "  --legacy             --spots is a legacy BTrackmate CSV (T,X,Y,Z,Label,Perimeter,Volume,",
            "                       Intensity,ExtentX,ExtentY,ExtentZ in pixels; needs --calibration)",
            "  --labels TIF         3D+t label image (TZYX); one spot per label per frame",
            "  --image TIF          the raw movie (TZYX): named in the XML's ImageData with its shape and",
            "                       calibration, so that TrackMate opens it with the tracks; with --labels",
            "                       also measured (MEAN/TOTAL_INTENSITY_CH1; same shape as the labels)",
            "  --mask TIF           tissue mask, same shape or 2D+t (TISSUE_FRACTION, INSIDE_TISSUE,",
            "                       DISTANCE_TO_BOUNDARY; with --spots the centroid voxel is tested)",
            "  --calibration C      dz,dy,dx,dt (default: the image's own, or 1,1,1,1); written to ImageData",
            "                       (pixelwidth=dx, pixelheight=dy, voxeldepth=dz, timeinterval=dt)",
            "  --settings JSON      flat JSON object of tracker keys (penalty maps nested); default TrackMate's",
            "  --units SPACE,TIME   physical units written to the XML (default micron,sec)",
            "  --out XML            output TrackMate XML (written atomically)");

    private TrackCommand() {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws IOException {
        final CliArgs a = CliArgs.parse(args, new HashSet<>(Arrays.asList("--spots", "--labels", "--image",
                "--mask", "--calibration", "--settings", "--units", "--out")), new HashSet<>(Arrays.asList(
                "--legacy")), "track");
        if (a.help) {
            out.println(USAGE);
            return 0;
        }
        if (!a.positional.isEmpty()) {
            throw CliException.usage("track: unexpected argument " + a.positional.get(0));
        }
        if (a.has("--spots") == a.has("--labels")) {
            throw CliException.usage("track: give exactly one of --spots CSV or --labels TIF");
        }
        final Path outPath = Paths.get(a.require("--out", "track"));
        final Calibration calibration = a.has("--calibration") ? Calibration.parse(a.get("--calibration")) : null;
        final Map<String, Object> settings = Settings.load(a.get("--settings"), null);
        final String[] units = Settings.units(a.get("--units"));
        final SpotCollection spots;
        ImageData imageData = null;
        if (a.has("--labels")) {
            final LabelImageSpots.Result r = LabelImageSpots.read(Paths.get(a.get("--labels")),
                    path(a.get("--image")), path(a.get("--mask")), calibration);
            spots = r.spots;
            final Path movie = Paths.get(a.has("--image") ? a.get("--image") : a.get("--labels"));
            imageData = describe(r.labels, r.calibration, movie, outPath);
        } else {
            final ImageVolume image = a.has("--image") ? ImageVolume.open(Paths.get(a.get("--image"))) : null;
            final Calibration known = calibration != null ? calibration : image != null ? image.calibration() : null;
            spots = readCsv(a, known);
            if (image != null) {
                imageData = describe(image, known, Paths.get(a.get("--image")), outPath);
            }
        }
        final String maskWarning = a.has("--mask")
                ? TissueMask.invertedWarning(spots, ImageVolume.open(Paths.get(a.get("--mask")))) : null;
        if (maskWarning != null) {
            err.println("btrackmate track: warning: " + maskWarning);
        }
        final TrackingPipeline.Result result = TrackingPipeline.standard().run(spots, settings, units[0],
                units[1]);
        String warning = null;
        if (imageData == null) {
            final Path csv = Paths.get(a.get("--spots"));
            final Calibration c = calibration != null ? calibration : maskCalibration(a);
            final String title = stem(csv.getFileName().toString());
            imageData = ResultFiles.unsavedImageData(result, title, c.dz, c.dy, c.dx,
                    calibration != null ? c.dt : Double.NaN);
            warning = "btrackmate track: warning: no --image: the XML's ImageData names no movie file (TrackMate "
                    + "will open an empty image); pass --image RAW.tif" + (calibration == null
                    ? " and --calibration dz,dy,dx,dt (voxel size taken as " + c.dz + "," + c.dy + "," + c.dx + ")"
                    : "");
        }
        final TrackMateFile file = ResultFiles.toTrackMateFile(result, imageData,
                "btrackmate track " + String.join(" ", args));
        TrackMateXmlWriter.write(file, outPath);
        if (warning != null) {
            err.println(warning);
        }
        Summary.print(out, outPath, result.model);
        return 0;
    }

    private static Calibration maskCalibration(final CliArgs a) throws IOException {
        return a.has("--mask") ? ImageVolume.open(Paths.get(a.get("--mask"))).calibration() : Calibration.unit();
    }

    private static String stem(final String name) {
        final int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static SpotCollection readCsv(final CliArgs a, final Calibration calibration) throws IOException {
        final Path csv = Paths.get(a.get("--spots"));
        final SpotCollection spots;
        if (a.has("--legacy")) {
            if (calibration == null) {
                throw CliException.usage("track: --legacy needs --calibration dz,dy,dx,dt (the CSV is in pixels)");
            }
            spots = LegacyCsvReader.read(csv, calibration);
        } else {
            spots = SpotCsvReader.read(csv, calibration == null ? 1.0 : calibration.dt);
        }
        if (a.has("--mask")) {
            final ImageVolume mask = ImageVolume.open(Paths.get(a.get("--mask")));
            final Calibration cal = calibration != null ? calibration : mask.calibration();
            CentroidTissueFeatures.compute(spots, mask, cal);
        }
        return spots;
    }

    private static Path path(final String text) {
        return text == null ? null : Paths.get(text);
    }

    private static ImageData describe(final ImageVolume image, final Calibration c, final Path movie,
            final Path xml) {
        return new ImageData().locate(movie, xml).shape(image.sizeT(), image.sizeZ(), image.sizeY(), image.sizeX())
                .calibration(c.dz, c.dy, c.dx, c.dt);
    }
}
