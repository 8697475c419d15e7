"""Element names of TrackMate's XML format, in one place (as TrackMate's own ``TmXmlKeys``).

Used by the reader (:mod:`~volltrack.trackmate.reader`), the writer (:mod:`~volltrack.trackmate.writer`) and the
settings element (:mod:`~volltrack.trackmate.settings_xml`). The Java engine's reader and writer use the same
names (``org.volltrack.btrackmate.xml``).
"""

from __future__ import annotations

ROOT = "TrackMate"
LOG = "Log"
MODEL = "Model"
FEATURE_DECLARATIONS = "FeatureDeclarations"
SPOT_FEATURES, EDGE_FEATURES, TRACK_FEATURES = "SpotFeatures", "EdgeFeatures", "TrackFeatures"
FEATURE = "Feature"
ALL_SPOTS = "AllSpots"
SPOTS_IN_FRAME = "SpotsInFrame"
SPOT = "Spot"
ALL_TRACKS = "AllTracks"
TRACK = "Track"
EDGE = "Edge"
FILTERED_TRACKS = "FilteredTracks"
TRACK_ID = "TrackID"

SETTINGS = "Settings"
IMAGE_DATA = "ImageData"
BASIC_SETTINGS = "BasicSettings"
DETECTOR_SETTINGS = "DetectorSettings"
INITIAL_SPOT_FILTER = "InitialSpotFilter"
SPOT_FILTER_COLLECTION = "SpotFilterCollection"
TRACK_FILTER_COLLECTION = "TrackFilterCollection"
FILTER = "Filter"
TRACKER_SETTINGS = "TrackerSettings"
FEATURE_PENALTIES = "FeaturePenalties"
ANALYZER_COLLECTION = "AnalyzerCollection"
SPOT_ANALYZERS, EDGE_ANALYZERS, TRACK_ANALYZERS = "SpotAnalyzers", "EdgeAnalyzers", "TrackAnalyzers"
ANALYZER = "Analyzer"
#: The engine's own settings keys (ignored by TrackMate).
ENGINE_SETTINGS = "BTrackmateSettings"
#: The LAP tracker's sub-elements of ``TrackerSettings``.
LINKING, GAP_CLOSING, TRACK_SPLITTING, TRACK_MERGING = "Linking", "GapClosing", "TrackSplitting", "TrackMerging"
