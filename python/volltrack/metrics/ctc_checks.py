"""Check a Cell Tracking Challenge folder's frame files and track file before traccuracy reads them.

traccuracy answers a text field in ``res_track.txt`` or a missing ``mask###.tif`` with a deep traceback; these
checks turn such folders into one ``ValueError`` naming the folder, the file or line, and what was expected.
"""

from __future__ import annotations

from pathlib import Path

from volltrack.metrics.ctc_format import _frame_files, ctc_track_folder, read_lineage

__all__ = ["check_ctc_folder"]


def check_ctc_folder(folder: str | Path) -> None:
    """Check a CTC folder's frame files and track file against each other, without reading the masks.

    Frame files must be numbered 0..T-1 without holes, and every track's frames ``B <= E`` must lie in 0..T-1.

    Raises
    ------
    FileNotFoundError, ValueError
        Naming the folder and what is wrong (a missing frame file, a bad track line).
    """
    mask_dir, stem, track_file = ctc_track_folder(folder)
    frames = [t for t, _ in _frame_files(mask_dir, stem)]
    if not frames:
        raise FileNotFoundError(f"{mask_dir}: no {stem}###.tif files")
    lineage = read_lineage(track_file)
    last = max(frames)
    missing = sorted(set(range(last + 1)) - set(frames))
    if missing:
        spanning = lineage[(lineage["begin"] <= missing[0]) & (lineage["end"] >= missing[0])]
        who = f"track {int(spanning['label'].iloc[0])} spans frames {int(spanning['begin'].iloc[0])}-" \
              f"{int(spanning['end'].iloc[0])} but " if len(spanning) else ""
        raise ValueError(f"{folder}: {who}{stem}{missing[0]:03d}.tif is missing; expected {stem}000..{stem}"
                         f"{last:03d}.tif without holes")
    bad = lineage[(lineage["begin"] < 0) | (lineage["begin"] > lineage["end"]) | (lineage["end"] > last)]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(f"{track_file}: track {int(row['label'])} has frames B={int(row['begin'])}, E={int(row['end'])}; "
                         f"expected 0 <= B <= E <= {last} (the last {stem}###.tif)")
