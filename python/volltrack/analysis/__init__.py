"""Track analysis: tracklets and divisions, distance to the tissue boundary, intensity and its FFT, fate.

Built on TrackMate tables (spots, edges, tracks as :func:`volltrack.trackmate.read_xml` returns them), plus
optional raw image, label movie and tissue mask (TZYX arrays). Matplotlib and imageio are imported only by the
plotting and movie functions.
"""

from volltrack.analysis.boundary import boundary_distance_map, boundary_voxels, distance_to_boundary
from volltrack.analysis.series import dominant_frequency, power_spectrum, smooth_along_tracklets, spot_speed
from volltrack.analysis.track_analysis import TrackAnalysis, analyze_tracks, reanalyze
from volltrack.analysis.track_graph import TRACK_KINDS, TrackSet, build_track_set

__all__ = ["TRACK_KINDS", "TrackAnalysis", "TrackSet", "analyze_tracks", "boundary_distance_map",
           "boundary_voxels", "build_track_set", "distance_to_boundary", "dominant_frequency",
           "power_spectrum", "reanalyze", "smooth_along_tracklets", "spot_speed"]
