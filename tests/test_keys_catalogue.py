"""One catalogue of keys across Python and Java: feature declarations, engine-only settings keys and the spot
features of a label movie must be the same on both sides (checked through the engine jar in a JVM)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture
from volltrack.trackmate.declarations import EDGE_DECLARATIONS, SPOT_DECLARATIONS, TRACK_DECLARATIONS


def _java_declarations(declarations) -> dict:
    out = {}
    for key in declarations.keySet():
        d = declarations.get(key)
        out[str(key)] = (str(d.name()), str(d.shortName()), str(d.dimension().name()), bool(d.isInt()))
    return out


@pytest.mark.parametrize("kind, python", [("spot", SPOT_DECLARATIONS), ("edge", EDGE_DECLARATIONS),
                                          ("track", TRACK_DECLARATIONS)])
def test_python_feature_declarations_are_javas_feature_keys(jvm, kind, python):
    keys = jvm("org.volltrack.btrackmate.model.FeatureKeys")
    java = _java_declarations(getattr(keys, f"{kind}Declarations")())
    assert set(python) == set(java), f"{kind} keys only in Python: {set(python) - set(java)}, only in Java: " \
                                     f"{set(java) - set(python)}"
    assert {k: v for k, v in python.items() if v != java[k]} == {}, f"{kind} declarations differ from Java's"


def test_xml_element_names_are_the_same_in_python_and_java(jvm):
    """Python's trackmate.xml_keys and Java's XmlKeys: the same constants with the same element names."""
    from volltrack.trackmate import xml_keys

    fields = jvm("org.volltrack.btrackmate.xml.XmlKeys").class_.getFields()
    java = {str(field.getName()): str(field.get(None)) for field in fields}
    python = {name: value for name, value in vars(xml_keys).items() if name.isupper() and isinstance(value, str)}
    assert python == java


def test_engine_only_settings_keys_are_the_same_in_python_and_java(jvm):
    from volltrack.tracking.settings import ENGINE_KEYS, LAP_KEYS, TrackerSettings

    java = [str(key) for key in jvm("org.volltrack.btrackmate.TrackerKeys").engineKeys()]
    assert list(ENGINE_KEYS) == java
    assert set(ENGINE_KEYS) | set(LAP_KEYS) == set(TrackerSettings().to_dict())
    assert not set(ENGINE_KEYS) & set(LAP_KEYS)
    # TrackMate's LAP tracker keys (trackmate.md §3.1): a new engine key must be listed in engineKeys() and
    # ENGINE_KEYS, or TrackMate would be handed a key it does not know.
    assert set(LAP_KEYS) == TRACKMATE_LAP_KEYS


TRACKMATE_LAP_KEYS = {
    "LINKING_MAX_DISTANCE", "LINKING_FEATURE_PENALTIES", "ALLOW_GAP_CLOSING", "GAP_CLOSING_MAX_DISTANCE",
    "MAX_FRAME_GAP", "GAP_CLOSING_FEATURE_PENALTIES", "ALLOW_TRACK_SPLITTING", "SPLITTING_MAX_DISTANCE",
    "SPLITTING_FEATURE_PENALTIES", "ALLOW_TRACK_MERGING", "MERGING_MAX_DISTANCE", "MERGING_FEATURE_PENALTIES",
    "ALTERNATIVE_LINKING_COST_FACTOR", "CUTOFF_PERCENTILE", "BLOCKING_VALUE"}


def _movie(tmp_path):
    """A 3-frame label movie of touching, irregular cells with raw intensities and a tissue mask, as TIFFs."""
    import tifffile

    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=3, shape=(10, 48, 48), n_cells=25, seed=7)
    labels = movie.labels.astype(np.uint16)
    raw = movie.raw.astype(np.float32)
    mask = movie.tissue_mask.astype(np.uint8)
    calibration = (2.0, 0.5, 0.5)
    paths = {}
    for name, array in (("labels", labels), ("raw", raw), ("mask", mask)):
        paths[name] = tmp_path / f"{name}.tif"
        tifffile.imwrite(paths[name], array, imagej=True, resolution=(1 / calibration[2], 1 / calibration[1]),
                         metadata={"axes": "TZYX", "spacing": calibration[0], "unit": "micron"})
    return labels, raw, mask, calibration, paths


FEATURES = ("POSITION_X", "POSITION_Y", "POSITION_Z", "RADIUS", "QUALITY", "VOLUME", "MEAN_INTENSITY_CH1",
            "TOTAL_INTENSITY_CH1", "INSIDE_TISSUE", "TISSUE_FRACTION", "DISTANCE_TO_BOUNDARY")


def test_python_compute_spots_and_java_label_image_spots_agree(jvm, tmp_path):
    from volltrack.spots import compute_spots

    labels, raw, mask, calibration, paths = _movie(tmp_path)
    python = compute_spots(labels, raw=raw, mask=mask.astype(bool), calibration=calibration, frame_interval=1.0)
    paths_class = jvm("java.nio.file.Paths")
    calibration_class = jvm("org.volltrack.btrackmate.input.Calibration")
    result = jvm("org.volltrack.btrackmate.image.LabelImageSpots").read(
        paths_class.get(str(paths["labels"])), paths_class.get(str(paths["raw"])),
        paths_class.get(str(paths["mask"])), calibration_class(*calibration, 1.0))
    rows = []
    for spot in result.spots.all(False):
        row = {"FRAME": int(spot.frame()), "LABEL": int(spot.getFeature("LABEL"))}
        row.update({key: float(spot.getFeature(key)) for key in FEATURES})
        rows.append(row)
    java = pd.DataFrame(rows).set_index(["FRAME", "LABEL"]).sort_index()
    python = python.set_index(["FRAME", "LABEL"]).sort_index()
    assert len(java) == len(python) > 40
    assert java.index.equals(python.index)
    for key in FEATURES:
        np.testing.assert_allclose(java[key].to_numpy(), python[key].to_numpy(np.float64), rtol=1e-5, atol=1e-6,
                                   err_msg=key)
