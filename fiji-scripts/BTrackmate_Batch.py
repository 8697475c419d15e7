#@ File (label="Folder of label movies (TIFF)", style="directory") input_dir
#@ File (label="Output folder for the TrackMate XML files", style="directory") output_dir
#@ String (label="Label file suffix", value="_labels.tif") label_suffix
#@ String (label="Tissue mask suffix (empty = none)", value="", required=false) mask_suffix
#@ Double (label="Linking max distance (calibrated units)", value=15.0) linking_max_distance
#@ Double (label="Gap-closing max distance", value=15.0) gap_closing_max_distance
#@ Integer (label="Max frame gap", value=2) max_frame_gap
#@ Boolean (label="Allow track splitting (divisions)", value=false) allow_track_splitting
#@ Integer (label="Minimum tracklet length (0 = off)", value=0) min_tracklet_length
#@ Boolean (label="Track only cells inside the tissue mask", value=false) tissue_filter
#@ Boolean (label="Redo movies whose XML exists", value=false) overwrite
#@output String summary
"""BTrackmate batch: track every label movie of a folder, resuming where a previous run stopped.

For <name><label_suffix> the result is <output_dir>/<name>_tracks.xml. A movie whose XML already exists is
skipped (XML files are written atomically, so an existing file is complete), unless 'overwrite' is set. A movie
that fails is reported and the batch goes on. Also writes <output_dir>/btrackmate_batch.log.
"""
import os
import time

from java.io import File
from java.lang import Exception as JavaException
from java.util import HashMap

from ij import IJ
from org.volltrack.btrackmate import TrackerKeys
from org.volltrack.btrackmate.ij import BTrackmateRun


def tracker_settings():
    """Tracker settings (TrackerKeys keys) shared by every movie."""
    settings = HashMap()
    settings.put(TrackerKeys.LINKING_MAX_DISTANCE, float(linking_max_distance))
    settings.put(TrackerKeys.GAP_CLOSING_MAX_DISTANCE, float(gap_closing_max_distance))
    settings.put(TrackerKeys.MAX_FRAME_GAP, int(max_frame_gap))
    settings.put(TrackerKeys.ALLOW_TRACK_SPLITTING, bool(allow_track_splitting))
    settings.put(TrackerKeys.MIN_TRACKLET_LENGTH, int(min_tracklet_length))
    settings.put(TrackerKeys.TISSUE_FILTER, bool(tissue_filter))
    return settings


def movies(folder, suffix):
    """Sorted (name, path) of the label movies in folder."""
    names = sorted(n for n in os.listdir(folder) if n.endswith(suffix))
    return [(n[:-len(suffix)], os.path.join(folder, n)) for n in names]


def track_one(name, path, out_xml, settings, log):
    """Track one movie; returns 'done' or 'failed'."""
    mask = None
    if mask_suffix:
        mask_path = os.path.join(str(input_dir), name + mask_suffix)
        if os.path.isfile(mask_path):
            mask = File(mask_path)
        else:
            log.write("%s: no tissue mask %s, tracking without\n" % (name, mask_path))
    try:
        result = BTrackmateRun.trackFiles(File(path), None, mask, settings, File(out_xml))
        log.write("%s: %s\n" % (name, result.toString()))
        return "done"
    except (Exception, JavaException) as exc:  # Python and Java errors: report, go on with the next movie
        log.write("%s: FAILED: %s\n" % (name, exc))
        IJ.log("BTrackmate batch: %s failed: %s" % (name, exc))
        return "failed"


def run_batch():
    folder, out = str(input_dir), str(output_dir)
    if not os.path.isdir(folder):
        raise ValueError("input_dir: not a folder: %s" % folder)
    if not os.path.isdir(out):
        os.makedirs(out)
    counts = {"done": 0, "skipped": 0, "failed": 0}
    settings = tracker_settings()
    log = open(os.path.join(out, "btrackmate_batch.log"), "a")
    try:
        log.write("# batch started %s on %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), folder))
        todo = movies(folder, label_suffix)
        for index, (name, path) in enumerate(todo):
            IJ.showProgress(index, len(todo))
            out_xml = os.path.join(out, name + "_tracks.xml")
            if os.path.isfile(out_xml) and not overwrite:
                counts["skipped"] += 1
                continue
            counts[track_one(name, path, out_xml, settings, log)] += 1
        IJ.showProgress(1.0)
    finally:
        log.close()
    return "%d movies: %d tracked, %d skipped (already done), %d failed" % (
        sum(counts.values()), counts["done"], counts["skipped"], counts["failed"])


summary = run_batch()
IJ.log("BTrackmate batch: " + summary)
