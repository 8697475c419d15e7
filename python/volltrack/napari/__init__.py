"""napari plugin ``volltrack`` (npe2 manifest ``napari.yaml``).

* reader: a TrackMate XML file opens as a Tracks layer carrying the division graph (daughter tracklet ->
  parent tracklet; merged tracklet -> both parents) and spot/track features;
* widget ``Track analysis``: track selector, plots beside the viewer, 3D/hyperstack toggle, exports;
* sample data: a simulated membrane-labelled tissue with its ground-truth tracks.

Importing this package imports neither napari nor Qt; the modules that need them do so themselves.
"""
