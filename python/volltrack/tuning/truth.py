"""Annotated truth for tuning: spots and true links from a curated TrackMate XML or a CTC ground-truth folder.

* A TrackMate XML (curated in Fiji's TrackScheme, MaMuT or anything that writes TrackMate XML): its visible
  spots (``VISIBILITY`` 1, or every spot when the file has no visibility) are the detections, and every edge
  between two visible spots is a true link.
* A Cell Tracking Challenge ground-truth folder (``*_GT`` with ``TRA/man_track###.tif`` and
  ``TRA/man_track.txt``): one spot per label per frame of the TRA masks (centroid, VOLUME, RADIUS, measured
  with :func:`volltrack.spots.compute_spots`), links between consecutive frames of a label and from the last
  spot of a parent to the first spot of each child.

``frames=(a, b)`` keeps frames ``a <= FRAME < b`` (Python slice rules; ``b`` None = to the end) and the links
between kept spots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Truth", "load_truth", "parse_frames"]

#: Spot columns never used as feature penalties.
_NOT_FEATURES = {"ID", "FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "VISIBILITY", "LABEL",
                 "TRACK_ID", "SOURCE_ID", "CELL_DIVISION_TIME", "INSIDE_TISSUE", "MANUAL_SPOT_COLOR",
                 "SPOT_SOURCE_ID", "SPOT_TARGET_ID"}


@dataclass
class Truth:
    """Spots and their true links.

    Attributes
    ----------
    spots : DataFrame
        ``ID``, ``FRAME``, ``POSITION_X/Y/Z``, ``RADIUS`` and any numeric feature, one row per spot.
    edges : ndarray of int, shape (n, 2)
        True links (source ID, target ID), source in the earlier frame.
    source : str
        Where the truth was read from.
    """

    spots: pd.DataFrame
    edges: np.ndarray
    source: str
    frame_of: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.frame_of = dict(zip(self.spots["ID"].astype(int).tolist(), self.spots["FRAME"].astype(int).tolist()))

    def restricted(self, frames: tuple[int, int | None]) -> "Truth":
        """Return the truth of frames ``a <= FRAME < b`` and the links between kept spots."""
        start, stop = frames
        keep = self.spots["FRAME"] >= start
        if stop is not None:
            keep &= self.spots["FRAME"] < stop
        spots = self.spots[keep].reset_index(drop=True)
        ids = set(spots["ID"].astype(int))
        edges = np.array([e for e in self.edges.tolist() if e[0] in ids and e[1] in ids], dtype=np.int64)
        return Truth(spots, edges.reshape(-1, 2), f"{self.source} [frames {start}:{'' if stop is None else stop}]")

    @property
    def n_divisions(self) -> int:
        """Number of spots with two or more true successors."""
        if len(self.edges) == 0:
            return 0
        _, counts = np.unique(self.edges[:, 0], return_counts=True)
        return int((counts >= 2).sum())

    def features(self, limit: int = 6) -> list[str]:
        """Numeric spot features usable as TrackMate feature penalties (finite, positive, not constant)."""
        preferred = ["RADIUS", "VOLUME", "MEAN_INTENSITY_CH1", "QUALITY"]
        names = [c for c in self.spots.columns if c not in _NOT_FEATURES
                 and pd.api.types.is_numeric_dtype(self.spots[c]) and self.spots[c].dtype != bool]
        usable = []
        for name in names:
            values = self.spots[name].to_numpy(dtype=float)
            if np.isfinite(values).all() and (values > 0).all() and np.ptp(values) > 0:
                usable.append(name)
        usable.sort(key=lambda n: (preferred.index(n) if n in preferred else len(preferred), n))
        return usable[:limit]

    def link_lengths(self) -> dict[str, np.ndarray]:
        """Lengths of the true links: ``"step"`` (one frame), ``"gap"`` (more) and ``"split"`` (to a daughter)."""
        pos = self.spots.set_index("ID")[["POSITION_X", "POSITION_Y", "POSITION_Z"]]
        if len(self.edges) == 0:
            empty = np.zeros(0)
            return {"step": empty, "gap": empty, "split": empty}
        a = pos.loc[self.edges[:, 0]].to_numpy()
        b = pos.loc[self.edges[:, 1]].to_numpy()
        length = np.linalg.norm(a - b, axis=1)
        frames = np.array([self.frame_of[int(s)] for s in self.edges[:, 0]])
        frames_t = np.array([self.frame_of[int(t)] for t in self.edges[:, 1]])
        sources, counts = np.unique(self.edges[:, 0], return_counts=True)
        dividing = set(sources[counts >= 2].tolist())
        split = np.array([int(s) in dividing for s in self.edges[:, 0]])
        return {"step": length[frames_t - frames == 1], "gap": length[frames_t - frames > 1], "split": length[split]}


def parse_frames(text: str | None) -> tuple[int, int | None] | None:
    """Parse ``--frames A:B`` (``A:`` or ``:B`` allowed) into ``(A, B)``; None for None.

    Raises
    ------
    ValueError
        When the text is not ``A:B`` with integers ``0 <= A < B``.
    """
    if text is None:
        return None
    start, sep, stop = text.partition(":")
    try:
        if not sep:
            raise ValueError
        a = int(start) if start.strip() else 0
        b = int(stop) if stop.strip() else None
    except ValueError:
        raise ValueError(f"--frames {text!r}: expected A:B with integer frames, e.g. 0:100 (A included, B not)") \
            from None
    if a < 0 or (b is not None and b <= a):
        raise ValueError(f"--frames {text!r}: expected 0 <= A < B")
    return a, b


def _from_xml(path: Path) -> Truth:
    from volltrack.trackmate import read_xml

    data = read_xml(path)
    spots = data.spots
    if len(spots) == 0:
        raise ValueError(f"{path}: the TrackMate file has no spots; nothing to tune on")
    if "VISIBILITY" in spots.columns:
        spots = spots[spots["VISIBILITY"].fillna(1).astype(int) == 1]
    keep = [c for c in spots.columns if c == "ID" or pd.api.types.is_numeric_dtype(spots[c])]
    spots = spots[keep].reset_index(drop=True)
    for column in ("FRAME", "POSITION_X", "POSITION_Y"):
        if column not in spots.columns:
            raise ValueError(f"{path}: spots have no {column}; not a TrackMate file with spot positions")
    if "POSITION_Z" not in spots.columns:
        spots["POSITION_Z"] = 0.0
    spots = spots.dropna(subset=["FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z"])
    spots["ID"] = spots["ID"].astype(int)
    spots["FRAME"] = spots["FRAME"].astype(int)
    frame_of = dict(zip(spots["ID"], spots["FRAME"]))
    edges = []
    for s, t in zip(data.edges.get("SPOT_SOURCE_ID", []), data.edges.get("SPOT_TARGET_ID", [])):
        s, t = int(s), int(t)
        if s in frame_of and t in frame_of and frame_of[s] != frame_of[t]:
            edges.append((s, t) if frame_of[s] < frame_of[t] else (t, s))
    truth = Truth(spots, np.array(sorted(set(edges)), dtype=np.int64).reshape(-1, 2), str(path))
    truth.spots.attrs["space_units"] = data.space_units or "micron"
    return truth


def _from_ctc(folder: Path, calibration) -> Truth:
    from volltrack.metrics.ctc_format import read_ctc
    from volltrack.spots import compute_spots

    data = read_ctc(folder)
    spots = compute_spots(np.asarray(data.labels), calibration=calibration)
    spots = spots.reset_index(drop=True)
    spots.insert(0, "ID", np.arange(len(spots), dtype=np.int64))
    spot_of = {(int(t), int(label)): int(i) for i, t, label in zip(spots["ID"], spots["FRAME"], spots["LABEL"])}
    frames_of_label: dict[int, list[int]] = {}
    for (t, label) in sorted(spot_of):
        frames_of_label.setdefault(label, []).append(t)
    edges = []
    for label, frames in frames_of_label.items():
        for a, b in zip(frames[:-1], frames[1:]):
            edges.append((spot_of[(a, label)], spot_of[(b, label)]))
    for row in data.lineage.itertuples(index=False):
        parent = int(row.parent)
        if parent and parent in frames_of_label and int(row.label) in frames_of_label:
            edges.append((spot_of[(frames_of_label[parent][-1], parent)],
                          spot_of[(frames_of_label[int(row.label)][0], int(row.label))]))
    return Truth(spots, np.array(sorted(set(edges)), dtype=np.int64).reshape(-1, 2), str(folder))


def load_truth(path: str | Path, *, frames: tuple[int, int | None] | None = None,
               calibration=(1.0, 1.0, 1.0)) -> Truth:
    """Read the truth from a TrackMate ``.xml`` file or a CTC ground-truth folder.

    Parameters
    ----------
    path : str or Path
        A TrackMate XML file, or a CTC ``*_GT`` folder (holding ``TRA/``) or its ``TRA`` folder.
    frames : (int, int or None), optional
        Keep frames ``a <= FRAME < b`` only.
    calibration : 3 floats, optional
        Voxel size (Z, Y, X) of CTC masks (default 1, 1, 1: positions in voxels).

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When it is neither a TrackMate XML file nor a CTC ground-truth folder, or holds no spots.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() != ".xml":
            raise ValueError(f"{path}: expected a TrackMate .xml file or a Cell Tracking Challenge *_GT folder")
        truth = _from_xml(path)
    else:
        if not (path / "TRA").is_dir() and not (path / "man_track.txt").is_file():
            raise ValueError(f"{path}: not a Cell Tracking Challenge ground-truth folder (expected TRA/man_track.txt "
                             "and TRA/man_track###.tif)")
        truth = _from_ctc(path.parent if path.name == "TRA" else path, calibration)
    if frames is not None:
        truth = truth.restricted(frames)
        if len(truth.spots) == 0:
            raise ValueError(f"{path}: no spots in frames {frames[0]}:{'' if frames[1] is None else frames[1]}")
    return truth
