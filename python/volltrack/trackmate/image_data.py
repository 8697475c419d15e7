"""The movie a TrackMate XML file describes: its ``ImageData`` (file, shape, calibration) and where the file is.

TrackMate's loader opens ``folder/filename`` and, when that is not a readable file, ``filename`` beside the XML
file (an empty ``folder`` means "beside the XML file"). :func:`find_movie` looks in the same order, so volltrack
finds exactly the movie TrackMate opens. :func:`find_label_movie` finds the label movie a ``volltrack run`` wrote
for it (``segmentation/VollSeg/<name>.tif`` in the run folder, i.e. beside the XML).

Examples
--------
>>> from volltrack.trackmate import read_xml                    # doctest: +SKIP
>>> movie = movie_of(read_xml("run/tracks.xml"), "run/tracks.xml")   # doctest: +SKIP
>>> movie.shape, movie.calibration, movie.path                  # doctest: +SKIP
((3, 12, 48, 48), (2.0, 0.5, 0.5), PosixPath('/data/raw.tif'))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["MovieDescription", "movie_of", "find_movie", "find_label_movie", "check_movie_shape"]

#: Where a ``volltrack run`` writes the label movie of ``<name>``, relative to its output folder (the XML's).
LABEL_MOVIE_FOLDERS = (Path("segmentation") / "VollSeg",)


@dataclass(frozen=True)
class MovieDescription:
    """The movie named by an XML file's ``ImageData``.

    Attributes
    ----------
    filename, folder : str
        As written in the file ("" when absent).
    shape : tuple of 4 int
        ``(nframes, nslices, height, width)``, i.e. (T, Z, Y, X).
    calibration : tuple of 3 float
        ``(voxeldepth, pixelheight, pixelwidth)``, i.e. (dz, dy, dx); 1 where absent or not positive.
    frame_interval : float
        ``timeinterval``; 1 where absent or not positive.
    path : Path or None
        The movie file found as TrackMate finds it, None when it names none or the file is missing.
    """

    filename: str
    folder: str
    shape: tuple[int, int, int, int]
    calibration: tuple[float, float, float]
    frame_interval: float
    path: Path | None


def _number(attributes: dict, key: str, default: float) -> float:
    try:
        value = float(attributes.get(key, default))
    except (TypeError, ValueError):
        return default
    return value if value > 0 and value == value else default


def find_movie(xml_path, filename: str, folder: str = "") -> Path | None:
    """Return the movie file TrackMate's loader would open for ``filename``/``folder``, or None.

    Parameters
    ----------
    xml_path : str or Path
        The TrackMate XML file.
    filename, folder : str
        ``ImageData`` attributes.
    """
    if not filename:
        return None
    xml_folder = Path(xml_path).resolve().parent
    first = (Path(folder) if folder else xml_folder) / filename
    for candidate in (first, xml_folder / filename):
        if candidate.is_file():
            return candidate.resolve()
    return None


def movie_of(data, xml_path) -> MovieDescription:
    """Return the :class:`MovieDescription` of a read TrackMate file (``volltrack.trackmate.read_xml``)."""
    attributes = dict((getattr(data, "settings", None) or {}).get("image_data") or {})
    filename, folder = str(attributes.get("filename") or ""), str(attributes.get("folder") or "")
    shape = tuple(int(_number(attributes, key, 1)) for key in ("nframes", "nslices", "height", "width"))
    calibration = tuple(_number(attributes, key, 1.0) for key in ("voxeldepth", "pixelheight", "pixelwidth"))
    return MovieDescription(filename=filename, folder=folder, shape=shape, calibration=calibration,
                            frame_interval=_number(attributes, "timeinterval", 1.0),
                            path=find_movie(xml_path, filename, folder))


def find_label_movie(xml_path, movie: Path | str | None) -> Path | None:
    """Return the label movie a ``volltrack run`` wrote for ``movie`` beside ``xml_path``, or None."""
    if movie is None:
        return None
    from volltrack.io.sources import output_name

    xml_folder = Path(xml_path).resolve().parent
    for folder in LABEL_MOVIE_FOLDERS:
        candidate = xml_folder / folder / f"{output_name(movie)}.tif"
        if candidate.is_file():
            return candidate
    return None


def check_movie_shape(array, movie: MovieDescription, *, what: str, source, xml_path) -> None:
    """Raise ``ValueError`` (one line naming the file and both shapes) when ``array`` is not the XML's movie.

    ``array`` is (T, Z, Y, X), or (Z, Y, X) for a one-frame movie; for ``what == "mask"`` a (T, Y, X) mask
    (one plane for every Z) and a (Z, Y, X) mask (the same for every frame) also fit.
    """
    shape = tuple(int(v) for v in array.shape)
    expected = movie.shape
    fits = shape == expected or (len(shape) == 3 and expected[0] == 1 and shape == expected[1:])
    if what == "mask" and not fits:
        fits = shape in ((expected[0], expected[2], expected[3]), (expected[0], 1, *expected[2:]), expected[1:])
    if not fits:
        raise ValueError(f"--{what} {source}: shape {shape} does not match the movie {xml_path} describes "
                         f"(ImageData (T, Z, Y, X) = {expected}); give the {what} of that movie")
