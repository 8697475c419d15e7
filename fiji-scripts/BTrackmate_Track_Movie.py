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


def optional_file(value):
    """A java.io.File parameter that may be left empty: the File, or None."""
    if value is None or str(value) in ("", "."):
        return None
    return value


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


result = BTrackmateRun.trackFiles(labels, optional_file(raw), optional_file(mask), tracker_settings(),
                                  File(xml.getAbsolutePath()))
summary = result.toString()
IJ.log(summary)
