"""Ground-truth tracks from a label movie's spot table and a Cell Tracking Challenge lineage (man_track)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def tracks_from_lineage(spots: pd.DataFrame, lineage: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return TrackMate-style ``(spots, edges)`` linking the spots of each label and each daughter to its mother.

    Parameters
    ----------
    spots : DataFrame
        Spot table with ``FRAME`` and ``LABEL`` (as :func:`volltrack.spots.compute_spots` returns it).
    lineage : DataFrame
        CTC lineage with columns ``label``, ``begin``, ``end``, ``parent`` (0 = none).

    Returns
    -------
    spots : DataFrame
        The input with an ``ID`` column (0..n-1 in row order) when it had none.
    edges : DataFrame
        ``SPOT_SOURCE_ID``, ``SPOT_TARGET_ID``: consecutive spots of one label, and the mother's last spot to
        each daughter's first spot.

    Examples
    --------
    >>> spots = pd.DataFrame({"FRAME": [0, 1, 2, 2], "LABEL": [1, 1, 2, 3]})
    >>> lineage = pd.DataFrame({"label": [1, 2, 3], "begin": [0, 2, 2], "end": [1, 2, 2], "parent": [0, 1, 1]})
    >>> tracks_from_lineage(spots, lineage)[1].to_numpy().tolist()
    [[0, 1], [1, 2], [1, 3]]
    """
    missing = {"FRAME", "LABEL"} - set(spots.columns) or {"label", "parent"} - set(lineage.columns)
    if missing:
        raise ValueError(f"tracks_from_lineage needs spots FRAME, LABEL and lineage label, parent; missing {missing}")
    spots = spots.copy()
    if "ID" not in spots.columns:
        spots["ID"] = np.arange(len(spots), dtype=np.int64)
    ordered = spots.sort_values(["LABEL", "FRAME"])
    same_label = ordered["LABEL"].to_numpy()[1:] == ordered["LABEL"].to_numpy()[:-1]
    ids = ordered["ID"].to_numpy()
    links = [np.column_stack([ids[:-1][same_label], ids[1:][same_label]])]
    first = ordered.groupby("LABEL")["ID"].first()
    last = ordered.groupby("LABEL")["ID"].last()
    children = lineage[(lineage["parent"] > 0) & lineage["label"].isin(first.index)
                       & lineage["parent"].isin(last.index)]
    links.append(np.column_stack([last.loc[children["parent"]].to_numpy(),
                                  first.loc[children["label"]].to_numpy()]))
    edges = pd.DataFrame(np.concatenate(links).astype(np.int64), columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"])
    return spots, edges.sort_values(["SPOT_SOURCE_ID", "SPOT_TARGET_ID"]).reset_index(drop=True)
