// BTrackmate example: track the cells of a label image and save a TrackMate XML file.
// Recorded by Plugins > Macros > Record... when you run Plugins > Tracking > BTrackmate.
// Headless in Fiji (ImageJ2 launcher):  ImageJ-linux64 --headless -macro BTrackmate_example.ijm /path/labels.tif
// Without Fiji (plain ImageJ1 cannot open dialogs headless, so the command reads its options with ij.Macro):
//   java -Djava.awt.headless=true -cp btrackmate-<version>-all.jar org.volltrack.btrackmate.ij.HeadlessMacro \
//        BTrackmate_example.ijm /path/labels.tif
labels = getArgument();
if (labels == "") labels = File.openDialog("Label image (TIFF, XYZT)");
xml = File.getDirectory(labels) + File.getNameWithoutExtension(labels) + "_tracks.xml";
run("BTrackmate", "labels=[" + labels + "] xml=[" + xml + "] linking_max_distance=15 allow_gap_closing "
    + "gap_closing_max_distance=15 max_frame_gap=2 min_tracklet_length=0 prune_mode=BRANCH");
