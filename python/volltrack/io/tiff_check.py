"""Refuse truncated TIFF files, which tifffile would otherwise read silently as their first pages only.

An interrupted copy or write leaves a TIFF whose ImageJ ``images=`` (or tifffile ``shape``) description
announces more images than the file holds as pages, or whose last page's data runs past the end of the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["check_tiff_complete", "tiff_completeness_problem"]


def check_tiff_complete(path) -> None:
    """Raise ``ValueError`` when the TIFF at ``path`` is truncated; other files are not checked.

    Parameters
    ----------
    path : str or PathLike
        A ``.tif``/``.tiff`` file; anything else (or a missing file) is ignored.

    Raises
    ------
    ValueError
        Naming the file, what it announces and what it holds.
    """
    path = Path(path)
    if path.suffix.lower() not in (".tif", ".tiff") or not path.is_file():
        return
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            problem = tiff_completeness_problem(tif, path.stat().st_size)
    except (tifffile.TiffFileError, OSError, ValueError, IndexError) as exc:
        raise ValueError(f"cannot read {path} as a TIFF image: {exc}") from None
    if problem:
        raise ValueError(f"{path}: truncated TIFF: {problem} (an interrupted copy or write?)")


def tiff_completeness_problem(tif, file_size: int) -> str | None:
    """Describe why the open ``tifffile.TiffFile`` ``tif`` of ``file_size`` bytes is truncated; None if not."""
    n_pages = len(tif.pages)
    announced = _announced_images(tif)
    if announced > n_pages:
        return f"it announces {announced} images but holds {n_pages}"
    if n_pages:
        last = tif.pages[-1]
        ends = [int(o) + int(n) for o, n in zip(last.dataoffsets, last.databytecounts)]
        if ends and max(ends) > file_size:
            return f"its image data needs {max(ends)} bytes but the file has {file_size}"
    return None


def _announced_images(tif) -> int:
    """Images announced by the ImageJ (``images=``) or tifffile (``shape``) metadata; 0 when none."""
    if tif.is_imagej and tif.imagej_metadata:
        return int(tif.imagej_metadata.get("images", 0) or 0)
    shaped = tif.shaped_metadata
    if shaped and "shape" in shaped[0] and len(shaped[0]["shape"]) > 2:
        page_size = int(np.prod(tif.pages.first.shape))
        total = int(np.prod([int(n) for n in shaped[0]["shape"]]))
        if page_size and total % page_size == 0:
            return total // page_size
    return 0
