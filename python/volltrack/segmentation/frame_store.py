"""Per-frame storage of a resumable segmentation run: ``OUT/.frames/<name>/`` and the final stacked outputs.

Each finished frame writes one ``.npy`` per output kind and then a ``done/tNNNNN`` marker, so an interrupted run
resumes at the first frame without a marker. ``settings.json`` records what the frames were made from (input
shape and axes, models, options): a resumed run with other settings would stack frames of two different
segmentations into one movie, so it is refused. Once every frame exists the outputs are stacked and written
atomically, ``VollSeg/`` last, and the frame folder is removed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

#: Output folder -> attribute of VollSegResult.
OUTPUTS = {"VollSeg": "labels", "StarDist": "stardist_labels", "UNet": "unet_labels",
           "Probability": "probability", "Markers": "markers", "Denoised": "denoised"}
_SETTINGS = "settings.json"


def _as_saved(array, kind):
    if kind in ("Probability", "Denoised"):
        return np.asarray(array, np.float32)
    return np.asarray(array).astype(np.uint16 if array.max(initial=0) < 65536 else np.uint32)


def check_frame_options(frames_folder, settings, *, replace=False):
    """Record ``settings`` for a new frame folder, or refuse to resume one made with other settings.

    Parameters
    ----------
    frames_folder : pathlib.Path
        ``OUT/.frames/<name>``.
    settings : dict
        JSON-serialisable description of the run (input shape and axes, models, segmentation options).
    replace : bool, optional
        Discard whatever the folder holds and start again (``--force``). Default False.

    Raises
    ------
    ValueError
        When the folder holds frames made with different settings; the message names the folder to delete.
    """
    from volltrack.io import atomic_write_text

    wanted = json.loads(json.dumps(settings, default=str))
    path = Path(frames_folder) / _SETTINGS
    finished = any(Path(frames_folder).glob("done/t*"))
    if finished and not replace and not path.is_file():
        replace = True               # frames whose settings are unknown cannot be trusted: computed again
    if (replace or not finished) and Path(frames_folder).is_dir():
        shutil.rmtree(frames_folder)     # nothing to keep (parts of a crashed first frame, or --force)
        finished = False
    if finished and path.is_file():
        try:
            found = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            found = None
        if found != wanted:
            changed = _changed_settings(found, wanted)
            raise ValueError(f"{frames_folder} holds frames of an interrupted run made with other settings "
                             f"({', '.join(changed) or 'unreadable settings.json'} differ); re-run with the same "
                             "options and models to resume, or add --force to discard them and start again")
        return
    Path(frames_folder).mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(wanted, indent=2))


def _changed_settings(found, wanted):
    """Names of the settings that differ, one level deep with the old and new value (``options.prob_thresh 0.5 ->
    0.6``), for the refusal message."""
    if not isinstance(found, dict):
        return []
    changed = []
    for key in sorted(wanted):
        old, new = found.get(key), wanted[key]
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            changed += [f"{key}.{k} {old.get(k)!r} -> {new.get(k)!r}" for k in sorted(set(old) | set(new))
                        if old.get(k) != new.get(k)]
        else:
            changed.append(key)
    return changed


def frame_done(frames_folder, frame):
    """True when ``frame`` was finished by an earlier (interrupted) run."""
    return (Path(frames_folder) / "done" / f"t{frame:05d}").exists()


def write_frame_outputs(frames_folder, result, frame):
    """Write every output of one frame's VollSegResult, then mark the frame done."""
    from volltrack.io import write_image

    for kind, attribute in OUTPUTS.items():
        value = getattr(result, attribute)
        if value is not None:
            (frames_folder / kind).mkdir(parents=True, exist_ok=True)
            write_image(frames_folder / kind / f"t{frame:05d}.npy", _as_saved(value, kind), axes="ZYX")
    (frames_folder / "done").mkdir(exist_ok=True)
    (frames_folder / "done" / f"t{frame:05d}").touch()


def assemble_outputs(frames_folder, out, name, n_frames, calibration, frame_interval, movie):
    """Stack the frames into ``OUT/<kind>/<name>.tif`` (VollSeg last) and remove the frame folder.

    Raises
    ------
    ValueError
        When an output kind lacks frames (it would be written with too few time points).
    """
    from volltrack.io import write_image

    kinds = [k for k in OUTPUTS if (frames_folder / k).is_dir() and any((frames_folder / k).glob("t*.npy"))]
    for kind in kinds:
        if len(list((frames_folder / kind).glob("t*.npy"))) != n_frames:
            raise ValueError(f"{frames_folder / kind} holds {len(list((frames_folder / kind).glob('t*.npy')))} "
                             f"frames, expected {n_frames}; delete {frames_folder} and segment again")
    for kind in [k for k in kinds if k != "VollSeg"] + ["VollSeg"]:   # VollSeg last: it marks "finished"
        parts = sorted((frames_folder / kind).glob("t*.npy"))
        (out / kind).mkdir(parents=True, exist_ok=True)
        if not movie:
            write_image(out / kind / f"{name}.tif", _as_saved(np.load(parts[0]), kind), axes="ZYX",
                        calibration=calibration)
            continue
        _write_movie_frames(out / kind / f"{name}.tif", parts, kind, calibration, frame_interval)
    shutil.rmtree(frames_folder)
    if not any(frames_folder.parent.iterdir()):
        frames_folder.parent.rmdir()


def _saved_dtype(parts, kind):
    """The dtype :func:`_as_saved` gives the whole movie, found one memory-mapped frame at a time."""
    if kind in ("Probability", "Denoised"):
        return np.dtype(np.float32)
    largest = max((int(np.load(p, mmap_mode="r").max(initial=0)) for p in parts), default=0)
    return np.dtype(np.uint16 if largest < 65536 else np.uint32)


def _write_movie_frames(path, parts, kind, calibration, frame_interval):
    """Write the frames ``parts`` (one ``.npy`` per time point) as one TZYX TIFF, a frame at a time: the movie is
    never held in memory whole (:func:`volltrack.io.write_image_frames`)."""
    from volltrack.io import write_image_frames

    first = np.load(parts[0], mmap_mode="r")
    shape = (len(parts), *first.shape)
    del first
    dtype = _saved_dtype(parts, kind)
    write_image_frames(path, (np.load(p) for p in parts), shape=shape, dtype=dtype, calibration=calibration,
                       frame_interval=frame_interval)


def is_finished(out, name):
    """True when the VollSeg output of ``name`` exists (outputs are written last, atomically), as a TIFF or as an
    OME-Zarr label image (``--format zarr``)."""
    if (Path(out) / f"{name}.ome.zarr" / "labels" / "VollSeg" / "0").exists():
        return not (Path(out) / ".frames" / name).exists()
    return (Path(out) / "VollSeg" / f"{name}.tif").is_file() and not (Path(out) / ".frames" / name).exists()
