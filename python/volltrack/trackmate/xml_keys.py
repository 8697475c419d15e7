"""Element names of TrackMate's XML format, in one place (as TrackMate's own ``TmXmlKeys``).

Used by the reader (:mod:`~volltrack.trackmate.reader`), the writer (:mod:`~volltrack.trackmate.writer`) and the
settings element (:mod:`~volltrack.trackmate.settings_xml`) and :mod:`~volltrack.trackmate.display_settings`.
The Java engine's reader and writer take the same names from ``org.volltrack.btrackmate.xml.XmlKeys``, whose
constants have the same names (tests/test_keys_catalogue.py compares the two).
"""

from __future__ import annotations

# The model: log, feature declarations, spots by frame, tracks of edges, the visible tracks.
ROOT, LOG, MODEL = "TrackMate", "Log", "Model"
FEATURE_DECLARATIONS, FEATURE = "FeatureDeclarations", "Feature"
SPOT_FEATURES, EDGE_FEATURES, TRACK_FEATURES = "SpotFeatures", "EdgeFeatures", "TrackFeatures"
ALL_SPOTS, SPOTS_IN_FRAME, SPOT = "AllSpots", "SpotsInFrame", "Spot"
ALL_TRACKS, TRACK, EDGE = "AllTracks", "Track", "Edge"
FILTERED_TRACKS, TRACK_ID = "FilteredTracks", "TrackID"
# The GUI's state and display settings (TrackMate 7+).
GUISTATE, DISPLAY_SETTINGS = "GUIState", "DisplaySettings"

# The settings: image, detector, filters, tracker (with its LAP sub-elements), analyzers, the engine's own keys.
SETTINGS = "Settings"
SETTINGS_CHILDREN = (IMAGE_DATA, BASIC_SETTINGS, DETECTOR_SETTINGS, INITIAL_SPOT_FILTER) = (
    "ImageData", "BasicSettings", "DetectorSettings", "InitialSpotFilter")
SPOT_FILTER_COLLECTION, TRACK_FILTER_COLLECTION, FILTER = "SpotFilterCollection", "TrackFilterCollection", "Filter"
TRACKER_SETTINGS, FEATURE_PENALTIES = "TrackerSettings", "FeaturePenalties"
LINKING, GAP_CLOSING, TRACK_SPLITTING, TRACK_MERGING = "Linking", "GapClosing", "TrackSplitting", "TrackMerging"
ANALYZER_COLLECTION, ANALYZER = "AnalyzerCollection", "Analyzer"
SPOT_ANALYZERS, EDGE_ANALYZERS, TRACK_ANALYZERS = "SpotAnalyzers", "EdgeAnalyzers", "TrackAnalyzers"
#: The engine's own settings keys (ignored by TrackMate).
ENGINE_SETTINGS = "BTrackmateSettings"
