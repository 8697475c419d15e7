"""A free-disk-space estimate checked before long work, where it is cheap to make (issue 14).

Segmentation writes, per voxel of the raw movie, four 16-bit label movies (VollSeg, StarDist, UNet, Markers) and a
32-bit probability map: 12 bytes (measured: 19.0 MB of outputs for a 6 x 16 x 128 x 128 movie of 1.57 million
voxels). The frames are first stored one by one (``OUT/.frames``) and then stacked into the movies, so the peak is
twice that. The estimate only counts the frames still to segment; it is checked against the free space of the disk
that holds the output folder (or the nearest existing folder above it) before the models are loaded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Bytes of segmentation outputs per voxel of the raw movie (4 x uint16 + float32).
SEGMENTATION_BYTES_PER_VOXEL = 12
#: Per-frame files and stacked movies exist together at the end of a segmentation.
FRAME_STORE_PEAK = 2


def segmentation_bytes(n_voxels: int) -> int:
    """Estimated peak disk use of segmenting ``n_voxels`` raw voxels (frame store plus stacked movies)."""
    return int(n_voxels) * SEGMENTATION_BYTES_PER_VOXEL * FRAME_STORE_PEAK


def _existing_folder(folder: Path) -> Path:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def human_size(n_bytes: float) -> str:
    """``1536 -> '1.5 kB'`` (powers of 1000, as disk sizes are usually quoted)."""
    size = float(n_bytes)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"  # pragma: no cover


def check_free_space(folder: str | os.PathLike[str], needed: int, what: str, option: str = "--out") -> None:
    """Raise :class:`ValueError` (one line naming the folder, needed and available) when the disk is too full.

    Parameters
    ----------
    folder : path-like
        The output folder (it may not exist yet).
    needed : int
        Estimated bytes the work will write there.
    what : str
        The work, for the message (``"the segmentation of 6 frames of (16, 128, 128)"``).
    option : str, optional
        The option that named the folder.
    """
    folder = Path(folder)
    free = shutil.disk_usage(_existing_folder(folder)).free
    if needed > free:
        raise ValueError(f"{option} {folder}: not enough free disk space for {what}: about {human_size(needed)} "
                         f"needed, {human_size(free)} available on that disk; free some space or choose an output "
                         "folder on another disk")


def frames_still_to_segment(out: str | os.PathLike[str], name: str, n_frames: int) -> int:
    """Frames of a movie not yet marked done in ``OUT/.frames/<name>/done`` (all of them in a fresh folder)."""
    done = Path(out) / ".frames" / name / "done"
    finished = sum(1 for _ in done.glob("t*")) if done.is_dir() else 0
    return max(0, int(n_frames) - finished)
