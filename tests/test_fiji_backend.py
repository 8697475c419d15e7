"""The PyImageJ backend: which Fiji, settings split, clear errors without a Fiji, and (marked ``fiji``) a real
TrackMate run compared with the engine, where a Fiji is configured (VOLLTRACK_FIJI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from volltrack.tracking.fiji_backend import (ENV_VAR, VOLLTRACK_KEYS, FijiNotConfigured, resolve_fiji,
                                             split_settings, track_with_fiji)
from volltrack.tracking.settings import TrackerSettings


def _spots(rng: np.random.Generator, *, n_cells: int = 5, n_frames: int = 4) -> pd.DataFrame:
    start = rng.uniform(0, 100, size=(n_cells, 2))
    rows = [{"FRAME": t, "POSITION_X": x + 0.8 * t, "POSITION_Y": y, "POSITION_Z": 0.0, "RADIUS": 1.0,
             "QUALITY": 1.0} for t in range(n_frames) for x, y in start]
    return pd.DataFrame(rows)


def test_no_fiji_configured_is_a_clear_error(monkeypatch, rng):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(FijiNotConfigured, match="VOLLTRACK_FIJI"):
        resolve_fiji()
    from volltrack.tracking import track

    with pytest.raises(FijiNotConfigured, match="backend='engine'"):
        track(_spots(rng), backend="fiji", progress=False)


def test_fiji_given_as_folder_or_endpoint(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    fiji_app = tmp_path / "Fiji.app"
    (fiji_app / "jars").mkdir(parents=True)
    assert resolve_fiji(fiji_app) == str(fiji_app.resolve())
    monkeypatch.setenv(ENV_VAR, "sc.fiji:fiji:2.16.0")
    assert resolve_fiji() == "sc.fiji:fiji:2.16.0"
    with pytest.raises(ValueError, match="not a Fiji installation"):
        resolve_fiji(tmp_path)
    with pytest.raises(ValueError, match="expected an existing Fiji.app folder"):
        resolve_fiji(tmp_path / "missing" / "Fiji.app")


def test_settings_split_into_trackmate_and_volltrack_keys():
    settings = TrackerSettings.from_mapping({"LINKING_MAX_DISTANCE": 7.0, "MIN_TRACKLET_LENGTH": 3,
                                             "TISSUE_FILTER": True})
    lap, ours = split_settings(settings)
    assert set(lap) | set(ours) == set(settings.to_dict())
    assert not set(lap) & set(ours)
    assert set(ours) <= set(VOLLTRACK_KEYS)
    assert lap["LINKING_MAX_DISTANCE"] == 7.0 and "ALLOW_GAP_CLOSING" in lap
    assert {k: ours[k] for k in ("MIN_TRACKLET_LENGTH", "PRUNE_MODE", "TISSUE_FILTER", "TISSUE_MIN_FRACTION",
                                 "TRACKING_MODE")} == {"MIN_TRACKLET_LENGTH": 3, "PRUNE_MODE": "BRANCH",
                                                       "TISSUE_FILTER": True, "TISSUE_MIN_FRACTION": 0.5,
                                                       "TRACKING_MODE": "EXACT_LAP"}
    assert all(isinstance(v, (bool, int, float, dict)) for v in lap.values()), "only TrackMate's LAP keys"


def test_bad_spots_are_rejected_before_any_fiji_starts(monkeypatch, rng):
    monkeypatch.setenv(ENV_VAR, "sc.fiji:fiji:2.16.0")
    spots = _spots(rng)
    spots.loc[2, "POSITION_X"] = np.nan
    with pytest.raises(ValueError, match="POSITION_X"):
        track_with_fiji(spots, None)
    with pytest.raises(ValueError, match="unknown tracker settings key"):
        track_with_fiji(_spots(rng), {"NOT_A_KEY": 1})
    with pytest.raises(ValueError, match="backend='fiji' runs TrackMate's LAP tracker"):
        track_with_fiji(_spots(rng), {"TRACKING_MODE": "DIVISION_AWARE"})


_COMPARE = """
import pickle, sys
import pandas as pd
from volltrack.tracking import track
spots = pd.read_pickle(sys.argv[1])
settings = {"LINKING_MAX_DISTANCE": 5.0, "ALLOW_GAP_CLOSING": True, "ALLOW_TRACK_SPLITTING": True,
            "SPLITTING_MAX_DISTANCE": 6.0}
tracks = track(spots, settings, backend=sys.argv[2], progress=False, xml_path=sys.argv[3] + ".xml")
tracks.xml_path = None
with open(sys.argv[3], "wb") as out:
    pickle.dump(tracks, out)
"""


@pytest.mark.fiji
def test_trackmate_in_fiji_gives_the_engines_tables(rng, tmp_path):
    """Real TrackMate in a fresh process gives the engine's tables: same spots (IDs), edges (costs bit-identical)
    and track IDs and names; TrackMate's track features are summed in hash order (last-bit differences)."""
    import pickle

    if not os.environ.get(ENV_VAR):
        pytest.skip(f"no Fiji configured: set {ENV_VAR} to a Fiji.app folder (with TrackMate) to run this test")
    start = rng.uniform(0, 150, size=(30, 2))
    rows = [{"FRAME": t, "POSITION_X": x + 0.8 * t + rng.normal(0, 0.7), "POSITION_Y": y + rng.normal(0, 0.7),
             "RADIUS": 1.0, "QUALITY": 1.0} for t in range(8) for x, y in start if rng.uniform() > 0.1]
    spots = pd.DataFrame(rows).sample(frac=1.0, random_state=2)
    spots["ID"] = rng.permutation(np.arange(len(spots))) + 500
    spots.to_pickle(tmp_path / "spots.pkl")
    results = {}
    for backend in ("engine", "fiji"):
        out = tmp_path / backend
        proc = subprocess.run([sys.executable, "-c", _COMPARE, str(tmp_path / "spots.pkl"), backend, str(out)],
                              capture_output=True, text=True, timeout=600, env=os.environ.copy())
        assert proc.returncode == 0, proc.stderr[-2000:]
        with open(out, "rb") as f:
            results[backend] = pickle.load(f)
    engine, fiji = results["engine"], results["fiji"]
    assert len(engine.edges) > 100 and engine.tracks["NUMBER_GAPS"].sum() > 0
    pd.testing.assert_frame_equal(fiji.spots, engine.spots, check_exact=True)
    pd.testing.assert_frame_equal(fiji.edges, engine.edges, check_exact=True)
    pd.testing.assert_frame_equal(fiji.tracks, engine.tracks, check_exact=False, rtol=1e-12)
    pd.testing.assert_series_equal(fiji.spot_track_ids, engine.spot_track_ids)
    assert fiji.filtered_track_ids == engine.filtered_track_ids
    text = (tmp_path / "fiji.xml").read_text()
    assert "BTRACKMATE_" not in text.split("<Settings>")[1], "TrackMate without BTrackmate reads it cleanly"
    assert "Starting tracking process" not in proc.stdout, "TrackMate's log is not printed"
    oracle = os.environ.get("VOLLTRACK_TM_ORACLE")   # a tm-oracle.jar of ../shared/tools/trackmate-real (local)
    if oracle:
        load = subprocess.run(["java", "-jar", oracle, "load", str(tmp_path / "fiji.xml"), "--no-image"],
                              capture_output=True, text=True, timeout=300)
        assert load.returncode == 0 and "READ: OK" in load.stdout, load.stdout[-3000:]
    assert 'DETECTOR_NAME="MANUAL_DETECTOR"' in text and '<GUIState state="ConfigureViews" />' in text


# --------------------------------------------------------------------------- TrackMate calls, with stand-ins
# TrackMate itself is not on Maven Central, so CI checks the calls the backend makes with Python stand-ins of
# the TrackMate classes (the `fiji` tests above and the mini Fiji check run them against the real TrackMate).


class _Recorder:
    calls: list = []

    def __init__(self, *args):
        self.args = args
        _Recorder.calls.append((type(self).__name__, "new", args))

    def __getattr__(self, name):
        def method(*args):
            _Recorder.calls.append((type(self).__name__, name, args))
            return _JavaMap(RADIUS=5.0) if name == "getDefaultSettings" else True
        return method


class _Spot(_Recorder):
    pass


class _Collection(_Recorder):
    pass


class _FeatureModel(_Recorder):
    def getSpotFeatures(self):
        return ["POSITION_X", "QUALITY"]


class _Model(_Recorder):
    def getFeatureModel(self):
        return _FeatureModel()

    def getTrackModel(self):
        return _TrackModel()


class _TrackModel:
    """TrackMate's TrackModel as the graph copy reads it: edges as (source, target, weight)."""

    def __init__(self, links=()):
        self.links = list(links)

    def edgeSet(self):
        return list(range(len(self.links)))

    def getEdgeSource(self, e):
        return self.links[e][0]

    def getEdgeTarget(self, e):
        return self.links[e][1]

    def getEdgeWeight(self, e):
        return self.links[e][2]


class _TmSpot:
    def __init__(self, spot_id, frame):
        self.spot_id, self.frame = spot_id, frame

    def ID(self):
        return self.spot_id

    def getFeature(self, name):
        assert name == "FRAME"
        return float(self.frame)


class _Graph:
    """jgrapht's SimpleWeightedGraph: vertices and edges in insertion order."""

    def __init__(self, edge_class):
        self.vertices, self.edges, self.weights = [], [], {}

    def addVertex(self, v):
        assert v not in self.vertices
        self.vertices.append(v)

    def addEdge(self, a, b):
        assert a in self.vertices and b in self.vertices
        self.edges.append((a, b))
        return len(self.edges) - 1

    def setEdgeWeight(self, e, w):
        self.weights[e] = w


class _JavaList(list):
    def add(self, value):
        self.append(value)


class _Dimension:
    NONE = "NONE"


class _Analyzer:
    def __init__(self, key):
        self.key = key

    def getKey(self):
        return self.key

    def __repr__(self):
        return self.key


class _Settings(_Recorder):
    def __init__(self):
        super().__init__()
        self.filters = []
        self.analyzers = {"spot": [], "edge": [], "track": []}

    def addAllAnalyzers(self):
        """What a Fiji with BTrackmate lists: TrackMate's analyzers and BTrackmate's."""
        self.analyzers = {"spot": [_Analyzer("Spot fit ellipse"), _Analyzer("BTRACKMATE_TISSUE_ANALYZER")],
                          "edge": [_Analyzer("Edge speed")],
                          "track": [_Analyzer("Track index"), _Analyzer("BTRACKMATE_TRACKLET_ANALYZER")]}

    def getSpotAnalyzerFactories(self):
        return list(self.analyzers["spot"])

    def getEdgeAnalyzers(self):
        return list(self.analyzers["edge"])

    def getTrackAnalyzers(self):
        return list(self.analyzers["track"])

    def removeSpotAnalyzerFactory(self, a):
        self.analyzers["spot"].remove(a)

    def removeEdgeAnalyzer(self, a):
        self.analyzers["edge"].remove(a)

    def removeTrackAnalyzer(self, a):
        self.analyzers["track"].remove(a)

    def addSpotFilter(self, feature_filter):
        self.filters.append(feature_filter)

    def getSpotFilters(self):
        return list(self.filters)


class _FeatureFilter(tuple):
    def __new__(cls, feature, value, above):
        return super().__new__(cls, (str(feature), float(value), bool(above)))


class _Writer(_Recorder):
    pass


class _Detector(_Recorder):
    pass


class _JavaMap(dict):
    def put(self, key, value):
        self[key] = value


class _LapFactory(_Recorder):
    def getDefaultSettings(self):
        return _JavaMap()


class _TrackMate(_Recorder):
    pass


class _Prune(_Recorder):
    pass


class _Logger:
    VOID_LOGGER = "void-logger"


class _DisplaySettings:
    @staticmethod
    def defaultStyle():
        return "default-style"


_CLASSES = {"fiji.plugin.trackmate.Spot": _Spot, "fiji.plugin.trackmate.SpotCollection": _Collection,
            "fiji.plugin.trackmate.Model": _Model, "fiji.plugin.trackmate.Settings": _Settings,
            "fiji.plugin.trackmate.features.FeatureFilter": _FeatureFilter,
            "fiji.plugin.trackmate.detection.ManualDetectorFactory": _Detector,
            "fiji.plugin.trackmate.tracking.jaqaman.SparseLAPTrackerFactory": _LapFactory,
            "fiji.plugin.trackmate.TrackMate": _TrackMate, "fiji.plugin.trackmate.io.TmXmlWriter": _Writer,
            "fiji.plugin.trackmate.gui.displaysettings.DisplaySettings": _DisplaySettings,
            "org.volltrack.btrackmate.fiji.PruneTrackletsAction": _Prune,
            "fiji.plugin.trackmate.SelectionModel": _Recorder, "java.io.File": str, "java.util.HashMap": _JavaMap,
            "java.lang.Boolean": bool, "java.lang.Integer": int, "java.util.ArrayList": _JavaList,
            "fiji.plugin.trackmate.Dimension": _Dimension, "org.jgrapht.graph.SimpleWeightedGraph": _Graph,
            "org.jgrapht.graph.DefaultWeightedEdge": object, "fiji.plugin.trackmate.Logger": _Logger}


@pytest.fixture()
def stand_ins():
    from volltrack.tracking.jvm import start_jvm

    start_jvm()            # jpype.JInt needs a running JVM (the engine's here; TrackMate is stood in for)
    _Recorder.calls = []
    return _CLASSES.__getitem__


def test_spots_keep_the_engine_ids_and_are_named_before_their_features(stand_ins, rng):
    from volltrack.tracking.fiji_backend import _spot_collection

    spots = _spots(rng, n_cells=2, n_frames=2)
    spots["MEAN_INTENSITY"] = [1.0, np.nan, 3.0, 4.0]
    _spot_collection(spots, 2.0, stand_ins)
    spot_calls = [c for c in _Recorder.calls if c[0] == "_Spot"]
    assert [c[2] for c in spot_calls if c[1] == "new"] == [(0,), (1,), (2,), (3,)], "Spot(ID): row numbers"
    first = spot_calls[:spot_calls.index(("_Spot", "new", (1,)))]
    assert first[1] == ("_Spot", "setName", ("ID0",)), "named right after creation (TmXmlWriter needs a name)"
    features = {c[2][0]: c[2][1] for c in first if c[1] == "putFeature"}
    assert features == {"POSITION_X": spots.POSITION_X[0], "POSITION_Y": spots.POSITION_Y[0], "POSITION_Z": 0.0,
                        "RADIUS": 1.0, "QUALITY": 1.0, "POSITION_T": 0.0, "MEAN_INTENSITY": 1.0}
    second = spot_calls[spot_calls.index(("_Spot", "new", (1,))):spot_calls.index(("_Spot", "new", (2,)))]
    assert "MEAN_INTENSITY" not in {c[2][0] for c in second if c[1] == "putFeature"}, "NaN left out, as the engine"
    assert [int(c[2][1]) for c in _Recorder.calls if c[:2] == ("_Collection", "add")] == [0, 0, 1, 1]
    _Recorder.calls = []
    spots["ID"] = [40, 7, 12, 3]
    _spot_collection(spots, 2.0, stand_ins)
    assert [c[2] for c in _Recorder.calls if c[:2] == ("_Spot", "new")] == [(40,), (7,), (12,), (3,)]
    assert ("_Spot", "setName", ("ID7",)) in _Recorder.calls


def test_xml_records_detector_tissue_filter_gui_state_and_display_settings(stand_ins, rng, tmp_path):
    from volltrack.tracking.fiji_backend import GUI_STATE, _run_trackmate

    settings = TrackerSettings.from_mapping({"LINKING_MAX_DISTANCE": 7.0, "TISSUE_FILTER": True,
                                             "TISSUE_MIN_FRACTION": 0.25, "MIN_TRACKLET_LENGTH": 3})
    spots = _spots(rng, n_cells=2, n_frames=2)
    spots["TISSUE_FRACTION"] = 1.0
    spots["RADIUS"] = [3.0, 1.0, 2.0, 4.0]
    _run_trackmate(spots, settings, tmp_path / "t.xml", stand_ins)
    calls = _Recorder.calls
    model_filter = [c[2][0] for c in calls if c[:2] == ("_Model", "filterSpots")]
    assert model_filter == [[("TISSUE_FRACTION", 0.25, True)]], "the tissue filter is applied to the model"
    writer = [c[1:] for c in calls if c[0] == "_Writer" and c[1] != "new"]
    assert [name for name, _ in writer] == ["appendLog", "appendModel", "appendSettings", "appendGUIState",
                                            "appendDisplaySettings", "writeToFile"]
    assert dict(writer)["appendGUIState"] == (GUI_STATE,) and dict(writer)["appendDisplaySettings"] == \
        ("default-style",)
    tm_settings = dict(writer)["appendSettings"][0]
    assert isinstance(tm_settings.detectorFactory, _Detector)
    assert tm_settings.detectorSettings == {"RADIUS": 3.0}, "the engine's detector RADIUS: upper median radius"
    assert {k: [a.key for a in v] for k, v in tm_settings.analyzers.items()} == {
        "spot": ["Spot fit ellipse"], "edge": ["Edge speed"], "track": ["Track index"]}, \
        "BTrackmate's analyzers are not listed: TrackMate without BTrackmate reads the XML without error"
    models = [c for c in calls if c[:2] == ("_Model", "new")]
    assert len(models) == 2, "the tracks go to a fresh model (its track names start again at Track_0)"
    assert [c[2] for c in calls if c[:2] == ("_Model", "setLogger")] == [("void-logger",)] * 2, \
        "TrackMate's default logger would print every step to standard output"
    assert [(type(c[2][0]), c[2][1]) for c in calls if c[:2] == ("_Model", "setTracks")] == [(_Graph, False)], \
        "numbered by TrackMate in the engine's vertex order"
    assert tm_settings.getSpotFilters() == [("TISSUE_FRACTION", 0.25, True)], "the filter is in the settings"
    assert tm_settings.trackerSettings["LINKING_MAX_DISTANCE"] == 7.0
    assert ("_Prune", "setParameters", (3, "BRANCH")) in calls
    declared = [c[2] for c in calls if c[:2] == ("_FeatureModel", "declareSpotFeatures")]
    assert declared == [(["TISSUE_FRACTION"], {"TISSUE_FRACTION": "TISSUE_FRACTION"},
                         {"TISSUE_FRACTION": "TISSUE_FRACTION"}, {"TISSUE_FRACTION": "NONE"},
                         {"TISSUE_FRACTION": False})] * 2, "the table's extra features are declared in both models"
    assert tm_settings.dt == 1.0 and not {"dx", "imageFileName"} & set(vars(tm_settings)), "no movie: defaults"
    _Recorder.calls = []
    spots.attrs.update({"image": str(tmp_path / "movie.tif"), "shape": (2, 5, 40, 60),
                        "calibration": (2.0, 0.5, 0.25), "frame_interval": 30.0})
    _run_trackmate(spots, settings, tmp_path / "m.xml", stand_ins)
    movie = next(c[2][0] for c in _Recorder.calls if c[:2] == ("_Writer", "appendSettings"))
    assert (movie.imageFileName, movie.imageFolder) == ("movie.tif", str(tmp_path) + os.sep)
    assert (movie.width, movie.height, movie.nslices, movie.nframes) == (60, 40, 5, 2)
    assert (movie.dx, movie.dy, movie.dz, movie.dt) == (0.25, 0.5, 2.0, 30.0), "the engine's ImageData"
    spots.attrs.clear()
    _Recorder.calls = []
    _run_trackmate(spots, TrackerSettings.from_mapping({}), tmp_path / "u.xml", stand_ins)
    assert [c[2][0] for c in _Recorder.calls if c[:2] == ("_Model", "filterSpots")] == [[]], \
        "no filter: every spot visible"
    assert not any(c[0] == "_Prune" for c in _Recorder.calls)


def test_xml_is_written_when_trackmate_cannot_write_display_settings(stand_ins, rng, tmp_path, monkeypatch, caplog):
    from volltrack.tracking.fiji_backend import _run_trackmate

    def refuse(self, style):
        raise RuntimeError("Failed making field 'java.awt.Font#fRequestedAttributes' accessible")

    monkeypatch.setattr(_Writer, "appendDisplaySettings", refuse, raising=False)
    _run_trackmate(_spots(rng, n_cells=2, n_frames=2), TrackerSettings.from_mapping({}), tmp_path / "t.xml",
                   stand_ins)
    assert ("_Writer", "writeToFile", ()) in _Recorder.calls
    assert "could not write its display settings" in caplog.text and "java.awt.Font" in caplog.text


def test_tables_are_the_engines_and_the_temporary_folder_is_removed(rng, tmp_path, monkeypatch):
    """The fiji backend's tables (read from TrackMate's XML) equal the engine backend's; with xml_path=None no
    temporary folder is left behind. TrackMate is replaced by the engine writing the XML here."""
    import tempfile

    from volltrack.tracking import fiji_backend, track

    spots = _spots(rng, n_cells=4, n_frames=5).sample(frac=1.0, random_state=3)
    spots["ID"] = rng.permutation(np.arange(100, 100 + len(spots)))
    spots["MEAN_INTENSITY"] = rng.uniform(1, 9, len(spots))
    settings = {"LINKING_MAX_DISTANCE": 5.0, "ALLOW_GAP_CLOSING": False}
    engine = track(spots, settings, progress=False)

    def engine_as_trackmate(spots, settings, xml_path, jimport=None, cancellation=None):
        track(spots, settings, xml_path=xml_path, progress=False)

    monkeypatch.setattr(fiji_backend, "_start_fiji", lambda endpoint, **kw: (None, None))
    monkeypatch.setattr(fiji_backend, "_run_trackmate", engine_as_trackmate)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    fiji_app = tmp_path / "Fiji.app"
    (fiji_app / "jars").mkdir(parents=True)
    fiji = fiji_backend.track_with_fiji(spots, settings, fiji=fiji_app, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Fiji.app"], "no temporary folder left"
    assert fiji.xml_path is None
    for name in ("spots", "edges", "tracks"):
        pd.testing.assert_frame_equal(getattr(fiji, name), getattr(engine, name), check_exact=True, obj=name)
    pd.testing.assert_series_equal(fiji.spot_track_ids, engine.spot_track_ids)
    assert fiji.filtered_track_ids == engine.filtered_track_ids
    assert list(engine.edges.columns) == list(fiji_backend.ENGINE_EDGE_COLUMNS)
    assert list(engine.tracks.columns) == list(fiji_backend.ENGINE_TRACK_COLUMNS)
    kept = fiji_backend.track_with_fiji(spots, settings, fiji=fiji_app, xml_path=tmp_path / "out" / "t.xml",
                                        progress=False)
    assert kept.xml_path == tmp_path / "out" / "t.xml" and kept.xml_path.is_file()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["t.xml"]


def test_tables_drop_features_only_trackmate_computes(tmp_path):
    from volltrack.tracking.fiji_backend import like_engine
    from volltrack.tracking.tracks import Tracks

    spots = pd.DataFrame({"FRAME": [1, 0], "ID": [5, 9], "name": ["ID5", "ID9"], "POSITION_X": [1.0, 2.0],
                          "VISIBILITY": [1, 1], "EXTRA": [1.0, 2.0], "SNR_CH1": [0.1, 0.2]})
    tracks = pd.DataFrame({"TRACK_ID": [1, 0], "name": ["b", "a"], "N_TRACKLETS": [1, 1], "NUMBER_SPOTS": [2, 3]})
    edges = pd.DataFrame(columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "TRACK_ID", "LINK_COST", "MANUAL_COLOR"])
    result = like_engine(Tracks(spots, edges, tracks, [0, 1], pd.Series([-1, -1], index=[5, 9])), ["EXTRA"])
    assert list(result.spots.columns) == ["ID", "name", "VISIBILITY", "POSITION_X", "EXTRA", "FRAME"]
    assert result.spots["ID"].tolist() == [9, 5], "sorted by frame, then ID"
    again = like_engine(Tracks(spots.assign(FRAME=0), edges, tracks, [], pd.Series([-1, -1], index=[5, 9])),
                        ["EXTRA"], input_ids=[9, 5])
    assert again.spots["ID"].tolist() == [9, 5], "within a frame, in the spot table's order"
    assert list(result.tracks.columns) == ["name", "TRACK_ID", "NUMBER_SPOTS"]
    assert result.tracks["TRACK_ID"].tolist() == [0, 1]
    assert list(result.edges.columns) == ["TRACK_ID", "SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"]
    assert result.spot_track_ids.index.tolist() == [9, 5]


# --------------------------------------------------------------------------- start-up policy (fresh processes)

_FAKE_IMAGEJ = '''
import json, os
import scyjava
import scyjava.config as config
config.endpoints.append("net.imglib2:imglib2-imglyb:1.1.0")   # what importing imglyb does

def _guess_java_version():
    if config.get_fetch_java() == "never":     # what PyImageJ 1.8.0 does
        raise UnboundLocalError("cannot access local variable 'major_version' where it is not associated")
    return 11

def init(where, mode=None):
    java_version = _guess_java_version()
    print("INIT " + json.dumps({"where": where, "mode": mode, "endpoints": list(config.endpoints),
                                "java_version": java_version,
                                "fetch": config.get_fetch_java(), "java_home": os.environ.get("JAVA_HOME"),
                                "classpath": [p for p in config.get_classpath().split(os.pathsep) if p],
                                "options": list(config.get_options())}))
    raise SystemExit(0)
'''

_START = """
import sys
from volltrack.tracking.fiji_backend import _start_fiji
_start_fiji(sys.argv[1], need_btrackmate=sys.argv[2:] != ["no-pruning"])
"""


def _fake_fiji_app(tmp_path, *, trackmate=True, imglyb=True, btrackmate=False):
    app = tmp_path / "Fiji.app"
    (app / "jars").mkdir(parents=True)
    (app / "plugins").mkdir()
    for wanted, name in ((trackmate, "plugins/TrackMate-8.0.0.jar"), (imglyb, "jars/imglib2-imglyb-2.0.1.jar"),
                         (btrackmate, "plugins/BTrackmate_-0.1.0.jar"), (btrackmate, "jars/btrackmate-fiji-0.1.0.jar")):
        if wanted:
            (app / name).write_bytes(b"")
    return app


def _start_in_fresh_process(tmp_path, fiji, env_extra, *args):
    fake = tmp_path / "fake_site"
    (fake / "imagej").mkdir(parents=True, exist_ok=True)
    (fake / "imagej" / "__init__.py").write_text(_FAKE_IMAGEJ)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(fake), *sys.path]), **env_extra)
    return subprocess.run([sys.executable, "-c", _START, str(fiji), *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_local_fiji_starts_offline_system_java_no_imglyb_endpoint(tmp_path):
    from volltrack.tracking.jvm import find_java_home, java_version

    dist = tmp_path / "dist" / "fiji"
    for name in ("plugins/BTrackmate_-0.1.0.jar", "jars/btrackmate-fiji-0.1.0.jar"):
        (dist / name).parent.mkdir(parents=True, exist_ok=True)
        (dist / name).write_bytes(b"")
    app = _fake_fiji_app(tmp_path)
    proc = _start_in_fresh_process(tmp_path, app, {"VOLLTRACK_FIJI_DIST": str(dist)})
    line = next((x for x in proc.stdout.splitlines() if x.startswith("INIT ")), None)
    assert line is not None, proc.stderr[-2000:]
    seen = json.loads(line[5:])
    assert seen["where"] == str(app) and seen["mode"] == "headless"
    assert seen["endpoints"] == [], "imglyb's endpoint is left out: nothing to resolve from the network"
    assert seen["fetch"] == "never" and seen["java_home"] == str(find_java_home()), "the system Java, no download"
    assert seen["java_version"] == java_version(find_java_home() / "bin" / "java"), \
        "PyImageJ is told the system Java's version (its own guess fails with fetch='never')"
    assert str(dist / "plugins/BTrackmate_-0.1.0.jar") in seen["classpath"]
    assert not any("target" in p or ".m2" in p for p in seen["classpath"])
    assert "-Xmx4g" in seen["options"] and "--add-opens=java.desktop/java.awt=ALL-UNNAMED" in seen["options"], \
        "the heap, and java.awt opened as Fiji's launcher does (TrackMate 7 writes display settings with gson)"
    installed = _fake_fiji_app(tmp_path / "installed", btrackmate=True)
    proc = _start_in_fresh_process(tmp_path, installed, {"VOLLTRACK_FIJI_DIST": str(dist)})
    seen = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("INIT "))[5:])
    assert seen["classpath"] == [], "installed in Fiji.app: nothing added (SciJava would see modules twice)"


def test_btrackmate_needed_only_for_pruning(tmp_path):
    """Without BTrackmate (neither in the Fiji.app nor a make fiji-dist output) TrackMate still tracks; pruning,
    which needs BTrackmate's action, is refused with the way to install it."""
    app = _fake_fiji_app(tmp_path)
    nowhere = {"VOLLTRACK_FIJI_DIST": str(tmp_path / "no-dist")}
    proc = _start_in_fresh_process(tmp_path, app, nowhere, "no-pruning")
    line = next((x for x in proc.stdout.splitlines() if x.startswith("INIT ")), None)
    assert line is not None, proc.stderr[-2000:]
    assert json.loads(line[5:])["classpath"] == []
    proc = _start_in_fresh_process(tmp_path, app, nowhere)
    assert proc.returncode != 0 and "INIT" not in proc.stdout
    assert "expected the dist/fiji folder written by 'make fiji-dist'" in proc.stderr


@pytest.mark.parametrize("missing, message", [
    ({"imglyb": False}, "has no jars/imglib2-imglyb-*.jar: PyImageJ (through imglyb) needs "
                        "net.imglib2:imglib2-imglyb"),
    ({"trackmate": False}, "has no TrackMate (plugins/TrackMate-*.jar)"),
])
def test_local_fiji_without_a_needed_jar_is_named(tmp_path, missing, message):
    app = _fake_fiji_app(tmp_path, btrackmate=True, **missing)
    proc = _start_in_fresh_process(tmp_path, app, {})
    assert proc.returncode != 0 and "INIT" not in proc.stdout
    assert message in proc.stderr


def test_no_fetching_message_when_nothing_is_fetched(caplog):
    """scyjava logs "Fetching zulu-jre:11..." before every JVM start; with fetch="never" (system Java) it is
    dropped, with "auto" (a download may follow) it stays."""
    import logging

    import scyjava

    from volltrack.tracking.jvm import quiet_fetch_message

    before = scyjava.config.get_fetch_java()
    quiet_fetch_message()
    quiet_fetch_message()
    fetch_log = logging.getLogger("scyjava._jdk_fetch")
    try:
        with caplog.at_level(logging.INFO, logger="scyjava._jdk_fetch"):
            scyjava.config.set_java_constraints(fetch="never")
            fetch_log.info("Fetching zulu-jre:11...")
            scyjava.config.set_java_constraints(fetch="auto")
            fetch_log.info("Fetching zulu-jre:11...")
    finally:
        scyjava.config.set_java_constraints(fetch=before)
    assert [r.getMessage() for r in caplog.records if r.name == "scyjava._jdk_fetch"] == ["Fetching zulu-jre:11..."]
    assert len(fetch_log.filters) == 1


def test_engine_starts_offline_after_imagej_was_imported(rng):
    """Issue 22 item 5: imglyb's endpoint (added by ``import imagej``) made the engine's JVM start try the
    network. Here any attempt to resolve Maven endpoints fails the test."""
    import importlib.util

    if importlib.util.find_spec("imagej") is None:       # not imported here: imglyb would hook this process's JVM
        pytest.skip("PyImageJ is not installed (pip install -e '.[fiji]')")
    code = """
import json, sys
import jgo, imagej, imglyb, scyjava
if not any("imglib2-imglyb" in str(e) for e in scyjava.config.endpoints):   # filtered by a sitecustomize
    list.append(scyjava.config.endpoints, "net.imglib2:imglib2-imglyb:1.1.0")  # what importing imglyb does
def no_network(*args, **kwargs):
    raise RuntimeError("jgo was asked to resolve Maven endpoints (network)")
jgo.build = no_network
import pandas as pd
from volltrack.tracking import track
spots = pd.DataFrame(json.loads(sys.argv[1]))
tracks = track(spots, {"LINKING_MAX_DISTANCE": 5.0}, progress=False)
print("EDGES", len(tracks.edges), list(scyjava.config.endpoints))
"""
    proc = subprocess.run([sys.executable, "-c", code, _spots(rng).to_json(orient="records")], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "EDGES 15 []"


def test_engine_start_failure_is_not_reported_as_a_missing_jar(tmp_path, rng):
    code = """
import json, sys
import jgo, scyjava
def no_network(*args, **kwargs):
    raise RuntimeError("Could not resolve org.example:needs-network")
jgo.build = no_network
scyjava.config.endpoints.append("org.example:needs-network:1.0")
import pandas as pd
from volltrack.tracking import track
track(pd.DataFrame(json.loads(sys.argv[1])), None, progress=False)
"""
    proc = subprocess.run([sys.executable, "-c", code, _spots(rng).to_json(orient="records")], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode != 0
    assert "JvmStartError: the Java VM did not start: scyjava was configured (by another library) to resolve the " \
           "Maven endpoints ['org.example:needs-network:1.0'], which needs the network" in proc.stderr
    assert "EngineJarNotFound" not in proc.stderr


def test_doctor_starts_imagej_in_a_child_and_names_what_is_missing(tmp_path, monkeypatch):
    from volltrack.commands.doctor import _check_fiji

    monkeypatch.setenv(ENV_VAR, str(_fake_fiji_app(tmp_path, trackmate=False)))
    ok, text = _check_fiji()
    assert not ok
    assert "ImageJ2 did not start from VOLLTRACK_FIJI=" in text and "has no TrackMate" in text and "fix:" in text


def test_tracks_numbered_as_the_engine_numbers_them(rng):
    """The graph handed to TrackMate after tracking has its vertices in (FRAME, ID) order, linked spots only;
    TrackMate's numbering (a new ID at each new component met in vertex order) then gives the engine's TRACK_IDs,
    with splits, merges, gaps and pruning. TrackMate's graph is stood in for with the engine's edges in random
    order (TrackMate's own order depends on threads and hashing)."""
    from volltrack.tracking import track
    from volltrack.tracking.fiji_backend import _graph_in_engine_order

    start = rng.uniform(0, 120, size=(40, 2))
    rows = [{"FRAME": t, "POSITION_X": x + 0.8 * t + rng.normal(0, 1), "POSITION_Y": y + rng.normal(0, 1),
             "RADIUS": 1.0, "QUALITY": 1.0} for t in range(10) for x, y in start if rng.uniform() > 0.15]
    spots = pd.DataFrame(rows).sample(frac=1.0, random_state=5)
    spots["ID"] = rng.permutation(np.arange(len(spots))) * 3 + 7
    for settings in ({"LINKING_MAX_DISTANCE": 5.0, "ALLOW_TRACK_SPLITTING": True, "ALLOW_TRACK_MERGING": True,
                      "SPLITTING_MAX_DISTANCE": 6.0, "MERGING_MAX_DISTANCE": 6.0},
                     {"LINKING_MAX_DISTANCE": 5.0, "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 8.0,
                      "MIN_TRACKLET_LENGTH": 3, "PRUNE_MODE": "BOTH"}):
        engine = track(spots, settings, progress=False)
        assert engine.tracks["NUMBER_SPLITS"].sum() > 0
        frame = dict(zip(engine.spots["ID"].astype(int), engine.spots["FRAME"].astype(int)))
        tm_spots = {i: _TmSpot(i, f) for i, f in frame.items()}
        unlinked = _TmSpot(10_000, 0)            # e.g. a pruned spot, its links removed
        links = [(tm_spots[int(s)], tm_spots[int(t)], float(c)) for s, t, c in
                 engine.edges[["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"]].itertuples(index=False)]
        links = [links[i] for i in rng.permutation(len(links))]
        graph = _graph_in_engine_order(_TrackModel(links), _CLASSES.__getitem__)
        assert unlinked not in graph.vertices
        assert sorted((a.ID(), b.ID(), graph.weights[k]) for k, (a, b) in enumerate(graph.edges)) == \
            sorted((a.ID(), b.ID(), w) for a, b, w in links)
        # TrackMate's TrackModel.init: breadth-first over the vertex order, a new ID per component met.
        neighbours = {v.ID(): set() for v in graph.vertices}
        for a, b in graph.edges:
            neighbours[a.ID()].add(b.ID())
            neighbours[b.ID()].add(a.ID())
        track_of, next_id = {}, 0
        for v in graph.vertices:
            if v.ID() in track_of:
                continue
            todo = [v.ID()]
            while todo:
                u = todo.pop()
                if u not in track_of:
                    track_of[u] = next_id
                    todo.extend(neighbours[u] - set(track_of))
            next_id += 1
        expected = engine.spot_track_ids[engine.spot_track_ids >= 0]
        assert track_of == {int(i): int(t) for i, t in expected.items()}, settings
        assert next_id == len(engine.tracks)


# --- Ctrl-C (issue 14) ------------------------------------------------------------------------------------------

def test_ctrl_c_while_trackmate_works_is_raised_at_once_and_cancels_the_work():
    """The TrackMate work runs in a worker thread; the waiting thread gets Ctrl-C at once, cancels the work and
    waits for it to stop (here a stand-in for TrackMate that stops when cancelled, as TrackMate.cancel makes it)."""
    import signal
    import threading
    import time

    from volltrack.tracking.fiji_backend import TrackMateCancelled, _Cancellation, _run_interruptibly

    cancellation = _Cancellation()
    stopped = []

    class FakeTrackMate:
        def cancel(self, reason):
            stopped.append(reason)

    def work():
        cancellation.watch(FakeTrackMate())
        give_up = time.monotonic() + 10.0       # bounded: a lost Ctrl-C fails the test instead of hanging it
        while time.monotonic() < give_up:
            time.sleep(0.01)
            cancellation.check()

    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _run_interruptibly(work, cancellation)
    assert time.monotonic() - start < 2.0
    assert stopped == ["interrupted (Ctrl-C)"] and cancellation.requested
    with pytest.raises(TrackMateCancelled):
        cancellation.check()
    assert _run_interruptibly(lambda: 42, _Cancellation()) == 42       # and without Ctrl-C, the work's result


_FIJI_CTRL_C = r"""
import sys
from volltrack.cli import main
sys.exit(main())
"""


def _ctrl_c_fiji_track(tmp_path, n_spots, n_frames, *, marker, wait_s, extra=()):
    """Run ``volltrack track --backend fiji`` in its own process group, send SIGINT ``wait_s`` seconds after the
    log line holding ``marker``, and check: exit 130 within 3 s, one "interrupted" line last, nothing written."""
    import signal
    import time

    if not os.environ.get(ENV_VAR):
        pytest.skip(f"no Fiji configured: set {ENV_VAR} to a Fiji.app folder (with TrackMate) to run this test")
    from test_safety import PYTHONPATH, _spot_csv

    spots = _spot_csv(tmp_path / "spots.csv", n_spots, n_frames)
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-c", _FIJI_CTRL_C, "track", str(spots), "--backend", "fiji", "--out",
                                str(out / "f.xml"), *extra], stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": PYTHONPATH})
    seen = ""
    try:
        while marker not in seen:
            line = process.stderr.readline()
            assert line, seen[-3000:]
            seen += line
        time.sleep(wait_s)
        assert process.poll() is None
        os.killpg(process.pid, signal.SIGINT)
        sent = time.monotonic()
        seen += process.stderr.read()
        code = process.wait(timeout=60)
        seconds = time.monotonic() - sent
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert code == 130, seen[-3000:]
    assert "Traceback" not in seen and seen.strip().splitlines()[-1] == "volltrack track: interrupted", seen[-3000:]
    assert seconds < 3.0, seconds
    assert list(out.iterdir()) == []


@pytest.mark.fiji
def test_ctrl_c_during_fiji_tracking_exits_130_at_once_and_leaves_nothing(tmp_path):
    """The real command with backend fiji, Ctrl-C sent to its process group while TrackMate tracks: exit 130 within
    a couple of seconds, one "interrupted" line, no XML and no temporary file (before: JPype's default let the JVM
    end the process with no line and the temporary XML left behind)."""
    # "with TrackMate in Fiji" is logged with progress (the default) just before TrackMate tracks 90000 spots
    _ctrl_c_fiji_track(tmp_path, 3000, 30, marker="with TrackMate in Fiji", wait_s=3.0)


@pytest.mark.fiji
def test_ctrl_c_while_fiji_starts_exits_130_at_once(tmp_path):
    """Starting Fiji is a minute of Java calls Python cannot interrupt; the command ends at once all the same."""
    # 5 s after "starting Fiji": inside PyImageJ's start (the SciJava context)
    _ctrl_c_fiji_track(tmp_path, 10, 3, marker="starting Fiji", wait_s=5.0, extra=("--no-progress",))
