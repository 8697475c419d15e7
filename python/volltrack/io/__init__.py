"""Image input/output: TZYX arrays with axes and calibration, and atomic writes.

* :func:`read_image` / :func:`write_image` -- TIFF (ImageJ, OME), ``.npy`` and zarr; axes and calibration from
  metadata with explicit overrides.
* :func:`atomic_path`, :func:`atomic_write`, :func:`atomic_write_text`, :func:`atomic_write_bytes` -- write to a
  temporary file in the destination folder, then ``os.replace`` it.
* :func:`check_tiff_complete` -- refuse a truncated TIFF (``read_image`` does it for every TIFF).
* :func:`to_canonical_axes`, :func:`validate_axes`, :func:`validate_calibration` -- boundary checks.
"""

from volltrack.io.atomic import atomic_path, atomic_write, atomic_write_bytes, atomic_write_text
from volltrack.io.axes import to_canonical_axes, validate_axes
from volltrack.io.calibration import validate_calibration
from volltrack.io.images import read_image, write_image, write_image_frames
from volltrack.io.tiff_check import check_tiff_complete

__all__ = ["read_image", "write_image", "write_image_frames", "atomic_path", "atomic_write", "atomic_write_text", "atomic_write_bytes",
           "to_canonical_axes", "validate_axes", "validate_calibration", "check_tiff_complete"]
