"""Track labels and lineage in the Cell Tracking Challenge convention (man_track.txt)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from volltrack.io.ctc_tracks import LINEAGE_COLUMNS
from volltrack.io.ctc_tracks import read_track_file as read_man_track
from volltrack.io.ctc_tracks import write_track_file as write_man_track

__all__ = ["LINEAGE_COLUMNS", "LineageBook", "read_man_track", "write_man_track"]


class LineageBook:
    """Give each continuous presence of a cell a track label, and record begin, end and parent.

    A cell keeps its label while present in consecutive frames; a cell that reappears after a gap gets a new
    label with parent 0; a daughter born in frame t gets parent = its mother's label if the mother was present
    in frame t - 1 and both daughters are present in frame t (a lone daughter starts a new lineage).
    """

    def __init__(self):
        self._open = {}      # cell id -> track label, for tracks present in the previous frame
        self._rows = {}      # track label -> [begin, end, parent]
        self._next = 1

    def assign(self, frame, cell_ids, daughters):
        """Return the track label of each present cell in ``frame``.

        Parameters
        ----------
        frame : int
            Frame index.
        cell_ids : ndarray of int
            Ids of the cells present in this frame.
        daughters : dict
            Daughter id -> mother id for cells born by a division just before this frame.
        """
        previous, self._open = self._open, {}
        labels = np.empty(len(cell_ids), np.int64)
        born = {}            # mother label -> labels of its daughters born now
        for k, cell in enumerate(int(c) for c in cell_ids):
            label = previous.get(cell)
            if label is None:
                label, self._next = self._next, self._next + 1
                mother_label = previous.get(daughters.get(cell, -1), 0)
                self._rows[label] = [frame, frame, mother_label]
                if mother_label:
                    born.setdefault(mother_label, []).append(label)
            self._rows[label][1] = frame
            self._open[cell] = label
            labels[k] = label
        for lone in (found[0] for found in born.values() if len(found) == 1):
            self._rows[lone][2] = 0
        return labels

    def table(self):
        """Return the lineage as a DataFrame with columns label, begin, end, parent (int64)."""
        rows = [(label, *values) for label, values in sorted(self._rows.items())]
        return pd.DataFrame(rows, columns=list(LINEAGE_COLUMNS), dtype=np.int64)
