"""Cell Tracking Challenge (CTC) format: read and write tracking folders, and turn tracks into one.

A CTC tracking result is a folder with ``res_track.txt`` (one line ``L B E P`` per tracklet: label,
first frame, last frame, parent label or 0) and one label image ``mask###.tif`` per frame, in which
tracklet ``L`` has label ``L`` in every frame from ``B`` to ``E`` and nowhere else. Ground truth uses
``TRA/man_track.txt`` + ``TRA/man_track###.tif`` (and optionally ``SEG/man_seg###.tif``).

:func:`tracks_to_ctc` relabels a label movie from a TrackMate-style track graph (spots + edges):
every tracklet (a run of spots linked frame to frame without division, merge or gap) gets its own
label; a division, a gap-closing link or a merge starts a new tracklet whose parent is the one before
(a merge keeps only its cheapest incoming link, since CTC allows one parent).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack.io.atomic import atomic_path
from volltrack.io.ctc_tracks import write_track_file
from volltrack.io.ctc_tracks import read_track_file as read_lineage

logger = logging.getLogger(__name__)



@dataclass
class CTCData:
    """A label movie in CTC convention with its lineage table.

    Attributes
    ----------
    labels : ndarray of shape (T, Z, Y, X) or (T, Y, X)
        Integer labels; tracklet ``label`` occupies frames ``begin`` to ``end``.
    lineage : DataFrame
        Columns ``label``, ``begin``, ``end``, ``parent`` (0 = none), as in ``man_track.txt``.
    """

    labels: np.ndarray
    lineage: pd.DataFrame


def check_ctc(labels: np.ndarray, lineage: pd.DataFrame) -> None:
    """Raise ValueError unless ``labels`` and ``lineage`` satisfy the CTC rules.

    The rules: labels are positive and unique; each label is present in exactly the frames
    ``begin..end``; a parent exists and ends before its child begins.
    """
    if lineage.empty:
        if np.any(labels):
            raise ValueError("the lineage table is empty but the label movie has objects")
        return
    ids = lineage["label"].to_numpy()
    if (ids < 1).any() or len(np.unique(ids)) != len(ids):
        raise ValueError("tracklet labels must be unique positive integers")
    if (lineage["begin"] > lineage["end"]).any():
        raise ValueError("a tracklet ends before it begins")
    end_of = dict(zip(lineage["label"], lineage["end"]))
    for child, begin, parent in lineage[["label", "begin", "parent"]].itertuples(index=False):
        if parent != 0 and (parent not in end_of or end_of[parent] >= begin):
            raise ValueError(f"tracklet {child}: parent {parent} is missing or does not end before "
                             f"frame {begin}")
    for t in range(labels.shape[0]):
        present = set(np.unique(labels[t]).tolist()) - {0}
        alive = lineage[(lineage["begin"] <= t) & (lineage["end"] >= t)]
        expected = set(alive["label"].tolist())
        if present != expected:
            raise ValueError(f"frame {t}: labels {sorted(present ^ expected)[:10]} break label "
                             "continuity (in the image but not alive in the lineage, or vice versa)")


def _tracklets(frames: np.ndarray, sources: np.ndarray, targets: np.ndarray,
               costs: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Assign a tracklet (1-based) to each spot index; return it with the parent of each tracklet."""
    n = len(frames)
    order = np.lexsort((costs, targets))
    sources, targets = sources[order], targets[order]
    first = np.ones(len(targets), bool)
    first[1:] = targets[1:] != targets[:-1]
    if (~first).any():
        logger.warning("CTC export: %d merge links dropped (CTC allows one parent per tracklet)",
                       int((~first).sum()))
    sources, targets = sources[first], targets[first]
    out_degree = np.bincount(sources, minlength=n)
    predecessor = np.full(n, -1)
    predecessor[targets] = sources
    continues = np.zeros(n, bool)
    continues[targets] = (out_degree[sources] == 1) & (frames[targets] == frames[sources] + 1)
    tracklet = np.zeros(n, np.int64)
    parents: dict[int, int] = {}
    for node in np.argsort(frames, kind="stable"):
        before = predecessor[node]
        if before >= 0 and continues[node]:
            tracklet[node] = tracklet[before]
            continue
        tracklet[node] = len(parents) + 1
        parents[int(tracklet[node])] = int(tracklet[before]) if before >= 0 else 0
    return tracklet, parents


def _spot_table(spots: pd.DataFrame, edges: pd.DataFrame):
    """Validate spots/edges and return (frames, labels, source index, target index, costs)."""
    for column in ("ID", "FRAME", "LABEL"):
        if column not in spots.columns:
            raise ValueError(f"spots: missing column {column!r}; expected ID, FRAME and LABEL")
    if spots[["ID", "FRAME", "LABEL"]].isna().any().any():
        raise ValueError("spots: ID, FRAME and LABEL must not be NaN")
    ids = spots["ID"].to_numpy(np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("spots: duplicate spot IDs")
    frames = spots["FRAME"].to_numpy(np.int64)
    labels = spots["LABEL"].to_numpy(np.int64)
    index = pd.Index(ids)
    src = index.get_indexer(edges["SPOT_SOURCE_ID"].to_numpy(np.int64)) if len(edges) else np.zeros(0, int)
    tgt = index.get_indexer(edges["SPOT_TARGET_ID"].to_numpy(np.int64)) if len(edges) else np.zeros(0, int)
    if (src < 0).any() or (tgt < 0).any():
        raise ValueError("edges: an edge refers to a spot ID that is not in the spots table")
    swap = frames[src] > frames[tgt]
    src, tgt = np.where(swap, tgt, src), np.where(swap, src, tgt)
    if (frames[src] == frames[tgt]).any():
        raise ValueError("edges: an edge links two spots of the same frame")
    costs = edges["LINK_COST"].to_numpy(float) if "LINK_COST" in edges.columns else np.zeros(len(src))
    return frames, labels, src, tgt, costs


def tracks_to_ctc(labels: np.ndarray, *, spots: pd.DataFrame, edges: pd.DataFrame,
                  visible_only: bool = False) -> CTCData:
    """Relabel a label movie so that every tracklet of a track graph has its own CTC label.

    Parameters
    ----------
    labels : ndarray of shape (T, Z, Y, X) or (T, Y, X)
        The segmentation the spots were measured on (labels independent per frame).
    spots : DataFrame
        One row per spot with columns ``ID``, ``FRAME`` and ``LABEL`` (the spot's label in ``labels``).
    edges : DataFrame
        One row per link with ``SPOT_SOURCE_ID`` and ``SPOT_TARGET_ID`` (``LINK_COST`` optional).
    visible_only : bool, optional
        Export only spots with ``VISIBILITY`` 1 (e.g. inside the tissue when the tracker's tissue filter
        was on); default False exports every spot, untracked ones as one-spot tracklets.

    Returns
    -------
    CTCData
        Relabelled movie (uint16, or uint32 beyond 65535 tracklets) and lineage. Objects of ``labels``
        that are no spot are erased.
    """
    labels = np.asarray(labels)
    if labels.ndim not in (3, 4) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels: got {labels.dtype} array of shape {labels.shape}; expected an integer "
                         "label movie TZYX or TYX")
    if visible_only and "VISIBILITY" in spots.columns:
        spots = spots[spots["VISIBILITY"].to_numpy() > 0]
        kept = set(spots["ID"].astype(np.int64))
        edges = edges[edges["SPOT_SOURCE_ID"].astype(np.int64).isin(kept)
                      & edges["SPOT_TARGET_ID"].astype(np.int64).isin(kept)]
    frames, spot_labels, src, tgt, costs = _spot_table(spots, edges)
    if len(frames) and (frames.min() < 0 or frames.max() >= labels.shape[0]):
        raise ValueError(f"spots: FRAME outside 0..{labels.shape[0] - 1} of the label movie")
    tracklet, parents = _tracklets(frames, src, tgt, costs)
    dtype = np.uint16 if len(parents) < 2 ** 16 else np.uint32
    out = np.zeros(labels.shape, dtype)
    for t in range(labels.shape[0]):
        in_frame = frames == t
        if not in_frame.any():
            continue
        frame = labels[t]
        lut = np.zeros(max(int(frame.max()), int(spot_labels[in_frame].max())) + 1, dtype)
        present = np.bincount(frame.ravel(), minlength=len(lut)) > 0
        missing = spot_labels[in_frame][~present[spot_labels[in_frame]]]
        if len(missing) or (spot_labels[in_frame] <= 0).any():
            raise ValueError(f"spots: frame {t} has spots whose LABEL is not in the label movie: "
                             f"{sorted(missing.tolist())[:10]}")
        lut[spot_labels[in_frame]] = tracklet[in_frame]
        out[t] = lut[frame]
    table = pd.DataFrame({"label": tracklet, "frame": frames}).groupby("label")["frame"].agg(["min", "max"])
    lineage = pd.DataFrame({"label": table.index.to_numpy(np.int64), "begin": table["min"].to_numpy(np.int64),
                            "end": table["max"].to_numpy(np.int64)})
    lineage["parent"] = lineage["label"].map(parents).astype(np.int64)
    return CTCData(out, lineage.reset_index(drop=True))


def _atomic_tiff(path: Path, image: np.ndarray) -> None:
    import tifffile

    with atomic_path(path) as temp:
        tifffile.imwrite(temp, image, compression=None)


def write_ctc(data: CTCData, folder: str | Path, *, kind: str = "res") -> Path:
    """Write ``data`` as a CTC folder: ``res_track.txt`` + ``mask###.tif`` (kind "res") or
    ``TRA/man_track.txt`` + ``TRA/man_track###.tif`` + ``SEG/man_seg###.tif`` (kind "gt").

    The data are checked first (:func:`check_ctc`), so nothing is written for invalid input; every
    file is written atomically. Returns the folder.
    """
    if kind not in ("res", "gt"):
        raise ValueError(f"kind: got {kind!r}; expected 'res' or 'gt'")
    check_ctc(data.labels, data.lineage)
    folder = Path(folder)
    track_dir = folder / "TRA" if kind == "gt" else folder
    track_dir.mkdir(parents=True, exist_ok=True)
    digits = max(3, len(str(data.labels.shape[0] - 1)))
    stem, track_file = ("man_track", "man_track.txt") if kind == "gt" else ("mask", "res_track.txt")
    for t in range(data.labels.shape[0]):
        _atomic_tiff(track_dir / f"{stem}{t:0{digits}d}.tif", data.labels[t])
    if kind == "gt":
        (folder / "SEG").mkdir(exist_ok=True)
        for t in range(data.labels.shape[0]):
            _atomic_tiff(folder / "SEG" / f"man_seg{t:0{digits}d}.tif", data.labels[t])
    write_track_file(data.lineage, track_dir / track_file)
    return folder


def export_ctc(labels: np.ndarray, folder: str | Path, *, spots: pd.DataFrame, edges: pd.DataFrame,
               visible_only: bool = False) -> Path:
    """Export tracks and their label movie as a CTC result folder (see :func:`tracks_to_ctc`).

    Examples
    --------
    >>> export_ctc(labels, "01_RES", spots=tracks.spots, edges=tracks.edges)   # doctest: +SKIP
    """
    data = tracks_to_ctc(labels, spots=spots, edges=edges, visible_only=visible_only)
    return write_ctc(data, folder, kind="res")


def _frame_files(folder: Path, stem: str) -> list[tuple[int, Path]]:
    pattern = re.compile(rf"^{stem}(\d+)\.tiff?$")
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return sorted(found)


def ctc_track_folder(folder: str | Path) -> tuple[Path, str, Path]:
    """Return (folder with the masks, mask file stem, track file) of a CTC result or ground-truth folder."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"CTC folder {folder} is a file, not a folder; expected a Cell Tracking Challenge result "
                         "or ground-truth folder")
    if not folder.is_dir():
        raise FileNotFoundError(f"CTC folder {folder} does not exist")
    for sub, stem, name in (("", "mask", "res_track.txt"), ("TRA", "man_track", "man_track.txt"),
                            ("", "man_track", "man_track.txt")):
        if (folder / sub / name).is_file():
            return folder / sub, stem, folder / sub / name
    raise FileNotFoundError(f"{folder}: no res_track.txt, TRA/man_track.txt or man_track.txt; expected a "
                            "Cell Tracking Challenge result or ground-truth folder")


def read_ctc(folder: str | Path) -> CTCData:
    """Read a CTC result (``res_track.txt`` + ``mask*.tif``) or ground-truth (``TRA/``) folder."""
    import tifffile

    mask_dir, stem, track_file = ctc_track_folder(folder)
    files = _frame_files(mask_dir, stem)
    if not files:
        raise FileNotFoundError(f"{mask_dir}: no {stem}###.tif files")
    if [t for t, _ in files] != list(range(len(files))):
        raise ValueError(f"{mask_dir}: {stem}###.tif files must be numbered 0..T-1 without holes")
    first = tifffile.imread(files[0][1])
    labels = np.zeros((len(files), *first.shape), first.dtype)
    for t, path in files:
        labels[t] = tifffile.imread(path)
    return CTCData(labels, read_lineage(track_file))
