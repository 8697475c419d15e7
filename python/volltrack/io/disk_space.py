"""A free-disk-space estimate checked before long work, where it is cheap to make (issue 14).

Segmentation as TIFF writes, per voxel of the raw movie, four 16-bit label movies (VollSeg, StarDist, UNet,
Markers) and a 32-bit probability map: 12 bytes (measured: 19.0 MB of outputs for a 6 x 16 x 128 x 128 movie of
1.57 million voxels). The frames are first stored one by one (``OUT/.frames``) and then stacked into the movies, so
the peak is twice that.

Segmentation as OME-Zarr (``--format zarr``) writes each frame once, compressed, into its final arrays: a copy of
the raw movie, the label images and the probability map (and the N2V output when denoising). Labels compress to
almost nothing; the raw copy and the float maps hardly compress (measured: 8.03 MB for 4 x 16 x 128 x 128 uint16
voxels, 7.7 bytes per voxel: 3.9 for the raw copy with its labels, 3.9 for the probability map). The estimate is
their uncompressed size, 4 bytes per float map plus the raw's item size per voxel: a lower bound (6 bytes for
uint16), so a run is refused only when it surely cannot fit.

The TrackMate XML holds one element per spot with every column of the spot table as an attribute (``KEY="value"``)
and about one edge per spot: measured 522 bytes per spot for a 6-column table (192 per spot element, 310 per edge).
The estimate counts the spot elements only, 40 bytes plus 20 per column (at least TrackMate's 8): a lower bound.

Each estimate only counts what is still to write; it is checked against the free space of the disk that holds the
output (or the nearest existing folder above it) before the work starts. The analysis (CSV tables, PNG plots, an
MP4 of one track) writes a few megabytes and is not estimated; a full disk there ends in one line naming the file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Bytes of segmentation outputs per voxel of the raw movie (4 x uint16 + float32).
SEGMENTATION_BYTES_PER_VOXEL = 12
#: Per-frame files and stacked movies exist together at the end of a segmentation.
FRAME_STORE_PEAK = 2


#: Bytes per voxel of a float output (probability map, N2V output) in OME-Zarr: float32, hardly compressible.
ZARR_FLOAT_BYTES_PER_VOXEL = 4
#: Bytes of a TrackMate XML spot element: ID and name, then per column of the spot table.
XML_SPOT_BYTES, XML_BYTES_PER_COLUMN, XML_MIN_COLUMNS = 40, 20, 8


def segmentation_bytes(n_voxels: int, output_format: str = "tif", *, raw_itemsize: int = 2,
                       denoised: bool = False) -> int:
    """Estimated peak disk use of segmenting ``n_voxels`` raw voxels.

    Parameters
    ----------
    n_voxels : int
        Raw voxels still to segment.
    output_format : {"tif", "zarr"}, optional
        TIFF: frame store plus stacked movies (12 bytes per voxel, twice). OME-Zarr: the raw copy and the float maps
        uncompressed (a lower bound). Default "tif".
    raw_itemsize : int, optional
        Bytes per raw voxel (OME-Zarr keeps a copy of the raw movie). Default 2 (uint16).
    denoised : bool, optional
        N2V denoising first writes one more float map. Default False.
    """
    if output_format == "zarr":
        floats = 2 if denoised else 1
        return int(n_voxels) * (int(raw_itemsize) + floats * ZARR_FLOAT_BYTES_PER_VOXEL)
    per_voxel = SEGMENTATION_BYTES_PER_VOXEL + (ZARR_FLOAT_BYTES_PER_VOXEL if denoised else 0)
    return int(n_voxels) * per_voxel * FRAME_STORE_PEAK


def xml_bytes(n_spots: int, n_columns: int) -> int:
    """A lower bound of the size of the TrackMate XML of ``n_spots`` spots with ``n_columns`` columns each."""
    return int(n_spots) * (XML_SPOT_BYTES + XML_BYTES_PER_COLUMN * max(int(n_columns), XML_MIN_COLUMNS))


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
        The output folder or file (it may not exist yet): named in the message; its disk is the one checked.
    needed : int
        Estimated bytes the work will write there.
    what : str
        The work, for the message (``"the segmentation of 6 frames of (16, 128, 128)"``).
    option : str, optional
        The option that named the folder ("" for none).
    """
    folder = Path(folder)
    free = shutil.disk_usage(_existing_folder(folder)).free
    if needed > free:
        raise ValueError(f"{option + ' ' if option else ''}{folder}: not enough free disk space for {what}: about {human_size(needed)} "
                         f"needed, {human_size(free)} available on that disk; free some space or choose an output "
                         "folder on another disk")


def frames_still_to_segment(out: str | os.PathLike[str], name: str, n_frames: int) -> int:
    """Frames of a movie not yet marked done in ``OUT/.frames/<name>/done`` (all of them in a fresh folder)."""
    done = Path(out) / ".frames" / name / "done"
    finished = sum(1 for _ in done.glob("t*")) if done.is_dir() else 0
    return max(0, int(n_frames) - finished)
