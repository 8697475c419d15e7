#@ File (label="TrackMate XML file", style="file") xml
#@ Boolean (label="Visible (filtered) tracks only", value=true) visible_only
#@output String report
"""Read a TrackMate XML file (written by TrackMate or BTrackmate) and print its tracks.

One line per track: name, ID, number of spots and links, first and last frame, number of splits (divisions).
Uses the BTrackmate engine's reader, so it also runs where TrackMate is not installed.
"""
from java.nio.file import Paths

from ij import IJ
from org.volltrack.btrackmate.xml import TrackMateXmlReader


def frame_of(spot):
    return int(spot.getFeature("FRAME"))


def describe(model, track_id):
    """One text line describing a track."""
    tracks = model.getTrackModel()
    spots = tracks.trackSpots(track_id)
    edges = tracks.trackEdges(track_id)
    frames = [frame_of(s) for s in spots]
    graph = model.getGraph()
    splits = 0
    for spot in spots:
        later = 0
        for edge in graph.edgesOf(spot):
            other = graph.getEdgeTarget(edge) if graph.getEdgeSource(edge) == spot else graph.getEdgeSource(edge)
            if frame_of(other) > frame_of(spot):
                later += 1
        if later > 1:
            splits += 1
    return "%-12s id=%-5d spots=%-5d links=%-5d frames=%d-%d splits=%d" % (
        tracks.name(track_id), track_id, len(spots), len(edges), min(frames), max(frames), splits)


if not xml.isFile():
    raise ValueError("xml: no such file: %s" % xml)
data = TrackMateXmlReader.read(Paths.get(xml.getAbsolutePath()))
model = data.model
ids = sorted(model.getTrackModel().trackIDs(bool(visible_only)))
lines = ["%s: %d spots, %d tracks (%s), units %s / %s" % (
    xml.getName(), model.getSpots().getNSpots(False), len(ids), "visible" if visible_only else "all",
    model.getSpaceUnits(), model.getTimeUnits())]
lines.extend(describe(model, track_id) for track_id in ids)
report = "\n".join(lines)
for line in lines:
    IJ.log(line)
