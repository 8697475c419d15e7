"""Whole-input checks of ``volltrack analyze`` before any work: nothing silently wrong from mismatched inputs.

* ``--frame-interval`` must be a finite number > 0 (0 used to become 1 silently);
* ``--image`` and ``--labels`` must have the same shape, and the shape the XML's ``ImageData`` records when it
  records one (width, height, nslices, nframes);
* ``--image`` must hold no NaN or infinite voxel (they would become NaN intensities);
* ``--labels`` must be a label image: integers (or whole-valued floats), not a bool mask, not an intensity
  image such as the raw movie given by mistake.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

__all__ = ["check_analysis_inputs", "xml_image_shape"]

#: An image whose first frame has more distinct non-zero values than this, and more than a quarter of its
#: non-zero voxels, holds intensities rather than one label per cell.
_MAX_DISTINCT_LABELS = 5000


def xml_image_shape(xml: Path) -> tuple[int, int, int, int] | None:
    """(T, Z, Y, X) from the XML's ``Settings/ImageData`` element, or None when it records none.

    Only an ImageData naming its image file counts: without one (volltrack's writer when it had no image) the
    sizes are derived from the spots and say nothing about the movie."""
    from lxml import etree

    try:
        # The file is opened here, not by iterparse: leaving iterparse's loop early would leave its file open.
        with open(xml, "rb") as handle:
            for _, element in etree.iterparse(handle, events=("end",), tag="ImageData", resolve_entities=False,
                                              no_network=True, load_dtd=False, huge_tree=False):
                if not (element.get("filename") or "").strip():
                    return None
                values = [element.get(key) for key in ("nframes", "nslices", "height", "width")]
                try:
                    shape = tuple(int(float(v)) for v in values)
                except (TypeError, ValueError):
                    return None
                return shape if min(shape) > 0 else None
    except etree.XMLSyntaxError:
        return None                   # the XML reader reports what is wrong with the file itself
    return None


def _check_labels(path: Path, labels) -> None:
    dtype = np.dtype(labels.dtype)
    if dtype.kind == "b":
        raise ValueError(f"--labels {path}: a bool mask, not a label image (one integer per cell, 0 = background)")
    first = np.asarray(labels[0])
    if np.issubdtype(dtype, np.floating):
        if not np.isfinite(first).all() or (first != np.round(first)).any() or (first < 0).any():
            raise ValueError(f"--labels {path}: holds values that are not whole numbers >= 0 (dtype {dtype}); "
                             "expected a label image (0 = background, one integer per cell)")
    elif not np.issubdtype(dtype, np.integer):
        raise ValueError(f"--labels {path}: dtype {dtype}; expected integer labels")
    nonzero = first[first != 0]
    distinct = np.unique(nonzero).size
    if distinct > 100 and (distinct > _MAX_DISTINCT_LABELS or distinct > nonzero.size // 4):
        raise ValueError(f"--labels {path}: {distinct} distinct values among {nonzero.size} non-zero voxels of "
                         "frame 0: this looks like an intensity image (the raw movie?), not labels with one value "
                         "per cell")


def _check_image(path: Path, image) -> None:
    if not np.issubdtype(np.dtype(image.dtype), np.floating):
        return
    for t in range(image.shape[0]):
        bad = ~np.isfinite(np.asarray(image[t]))
        if bad.any():
            raise ValueError(f"--image {path}: frame {t} has {int(bad.sum())} NaN or infinite voxel(s); intensities "
                             "would be NaN (fill or mask them first)")


def _check_spots_inside(xml: Path, calibration, given, data=None) -> None:
    """Every spot of the XML must lie inside the movie (its frame and its voxel, with a one-voxel margin)."""
    from volltrack.trackmate import read_xml

    data = data if data is not None else read_xml(xml)
    spots = data.spots
    if spots.empty:
        return
    if calibration is None:
        info = data.settings.get("image_data") or {}
        calibration = tuple(float(info.get(k) or 1.0) for k in ("voxeldepth", "pixelheight", "pixelwidth"))
    dz, dy, dx = calibration
    extent = {"FRAME": spots["FRAME"].max(), "Z": (spots["POSITION_Z"] / dz).max() if "POSITION_Z" in spots else 0,
              "Y": (spots["POSITION_Y"] / dy).max(), "X": (spots["POSITION_X"] / dx).max()}
    for name, path, array in given:
        t, z, y, x = array.shape
        limits = {"FRAME": t - 1, "Z": z, "Y": y, "X": x}
        outside = [axis for axis in limits if extent[axis] > limits[axis]]
        if outside:
            raise ValueError(f"--{name} {path} has shape {tuple(array.shape)} (T, Z, Y, X) but spots of {xml} lie "
                             f"beyond it along {', '.join(outside)} (calibration {calibration}); give the movie the "
                             "XML was tracked on, or the right --calibration")


def check_analysis_inputs(xml: Path, *, image=(None, None), labels=(None, None), frame_interval=None,
                          calibration=None, data=None) -> None:
    """Refuse mismatched or unusable inputs of ``volltrack analyze`` (see the module notes).

    Parameters
    ----------
    xml : Path
        The TrackMate XML.
    image, labels : tuple of (Path or None, array or None)
        The option's path and the (lazy) TZYX array.
    frame_interval : float, optional
        ``--frame-interval``.
    calibration : tuple of 3 float, optional
        ``--calibration`` (dz, dy, dx); default the XML's.
    data : TrackMateData, optional
        The XML already read (else it is read here when needed).

    Raises
    ------
    ValueError
        One line naming the option, the file and what was expected.
    """
    if frame_interval is not None and not (math.isfinite(frame_interval) and frame_interval > 0):
        raise ValueError(f"--frame-interval: got {frame_interval}; expected the time between frames, a number > 0")
    given = [(name, path, array) for name, (path, array) in (("image", image), ("labels", labels))
             if array is not None]
    if len(given) == 2 and tuple(given[0][2].shape) != tuple(given[1][2].shape):
        raise ValueError(f"--image {image[0]} has shape {tuple(image[1].shape)} but --labels {labels[0]} has shape "
                         f"{tuple(labels[1].shape)}; they must be the same movie (T, Z, Y, X)")
    if given:
        expected = xml_image_shape(Path(xml))
        for name, path, array in given:
            if expected is not None and tuple(array.shape) != expected:
                raise ValueError(f"--{name} {path} has shape {tuple(array.shape)} but {xml} was made from an image of "
                                 f"shape {expected} (T, Z, Y, X in its ImageData); give the movie it was tracked on")
        _check_spots_inside(Path(xml), calibration, given, data)
    if labels[1] is not None:
        _check_labels(labels[0], labels[1])
        if image[0] is not None and Path(image[0]).resolve() == Path(labels[0]).resolve():
            raise ValueError(f"--labels and --image are the same file {labels[0]}; --labels needs the label image")
    if image[1] is not None:
        _check_image(image[0], image[1])
