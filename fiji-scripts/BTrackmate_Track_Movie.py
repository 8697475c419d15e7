#@ File (label="Label image (TIFF, one label per cell, 0 = background)", style="file") labels
#@ File (label="Raw image (optional)", style="file", required=false) raw
#@ File (label="Tissue mask (optional)", style="file", required=false) mask
#@ File (label="Output TrackMate XML", style="save") xml
#@ Double (label="Linking max distance (calibrated units)", value=15.0) linking_max_distance
#@ Boolean (label="Allow gap closing", value=true) allow_gap_closing
#@ Double (label="Gap-closing max distance", value=15.0) gap_closing_max_distance
#@ Integer (label="Max frame gap", value=2) max_frame_gap
#@ Boolean (label="Allow track splitting (divisions)", value=false) allow_track_splitting
#@ Double (label="Splitting max distance", value=15.0) splitting_max_distance
#@ Integer (label="Minimum tracklet length (0 = off)", value=0) min_tracklet_length
#@ String (label="Pruning mode", choices={"BRANCH", "TRACK", "BOTH"}, value="BRANCH") prune_mode
#@ Boolean (label="Track only cells inside the tissue mask", value=false) tissue_filter
#@output String summary
"""BTrackmate: track the cells of one label movie headless and write a TrackMate XML file.

Runs in Fiji (Plugins > BTrackmate > BTrackmate Track Movie, or headless:
  ImageJ-linux64 --ij2 --headless --run BTrackmate_Track_Movie.py "labels='/d/labels.tif',xml='/d/tracks.xml'")
and in plain Jython 2.7 with ij.jar and the BTrackmate jar on the class path.
"""
from java.io import File
from java.util import HashMap

from ij import IJ
from org.volltrack.btrackmate import TrackerKeys
from org.volltrack.btrackmate.ij import BTrackmateRun


def open_image(path_file, what):
    """Open a TIFF given as a java.io.File, or return None when no file was given."""
    if path_file is None or str(path_file) in ("", "."):
        return None
    if not path_file.isFile():
        raise ValueError("%s: no such file: %s" % (what, path_file))
    imp = IJ.openImage(path_file.getAbsolutePath())
    if imp is None:
        raise ValueError("%s: ImageJ cannot open %s as an image" % (what, path_file))
    return imp


def tracker_settings():
    """The tracker settings of this run, as TrackerKeys keys (the other keys keep their defaults)."""
    settings = HashMap()
    settings.put(TrackerKeys.LINKING_MAX_DISTANCE, float(linking_max_distance))
    settings.put(TrackerKeys.ALLOW_GAP_CLOSING, bool(allow_gap_closing))
    settings.put(TrackerKeys.GAP_CLOSING_MAX_DISTANCE, float(gap_closing_max_distance))
    settings.put(TrackerKeys.MAX_FRAME_GAP, int(max_frame_gap))
    settings.put(TrackerKeys.ALLOW_TRACK_SPLITTING, bool(allow_track_splitting))
    settings.put(TrackerKeys.SPLITTING_MAX_DISTANCE, float(splitting_max_distance))
    settings.put(TrackerKeys.MIN_TRACKLET_LENGTH, int(min_tracklet_length))
    settings.put(TrackerKeys.PRUNE_MODE, str(prune_mode).upper())
    settings.put(TrackerKeys.TISSUE_FILTER, bool(tissue_filter))
    return settings


label_imp = open_image(labels, "label image")
if label_imp is None:
    raise ValueError("a label image is required")
result = BTrackmateRun.track(label_imp, open_image(raw, "raw image"), open_image(mask, "tissue mask"),
                             tracker_settings(), File(xml.getAbsolutePath()))
summary = result.toString()
IJ.log(summary)
