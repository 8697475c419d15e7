"""The analysis stage, one call for ``volltrack analyze`` and ``volltrack run``: :func:`write_analysis`.

A TrackMate XML (read once by the caller) and the movies it was measured on give a
:class:`~volltrack.analysis.TrackAnalysis`, whose tables (``spots.csv``, ``tracklets.csv``, ``tracks.csv``,
``fate.csv``, ``spectra.csv``, ``parameters.json``) and figures are written into one folder. The figures are
either a plot per track and the movie of one track (``figures="tracks"``, what ``volltrack analyze`` writes) or
the report's pictures with their manifest ``figures.json`` (``figures="report"``, what ``volltrack run`` writes,
:func:`~volltrack.analysis.report_figures.write_run_figures`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal

from volltrack.analysis.track_analysis import TrackAnalysis
from volltrack.io.timing import timed

__all__ = ["AnalysisOutputs", "write_analysis"]


@dataclass
class AnalysisOutputs:
    """What :func:`write_analysis` did: the analysis, the TRACK_IDs written and the files."""

    analysis: TrackAnalysis
    selected: list[int]
    files: list[Path] = field(default_factory=list)


def write_analysis(xml_path: Path, out: Path, *, data: Any = None, image: Any = None, labels: Any = None,
                   mask: Any = None, track_ids: Iterable[int] | None = None, only_filtered: bool = True,
                   kind: str = "all", calibration: tuple[float, float, float] | None = None,
                   frame_interval: float | None = None, smoothing_window: int = 3,
                   fft_feature: str = "TOTAL_INTENSITY", spot_features: bool = False,
                   parameters: dict[str, Any] | None = None,
                   figures: Literal["tracks", "report"] = "tracks", max_plots: int = 20,
                   movie_track: int | str = "auto", movie_projection: str = "slice",
                   progress: bool = True) -> AnalysisOutputs:
    """Analyse the tracks of ``xml_path`` and write the tables and figures into the folder ``out``.

    Parameters
    ----------
    xml_path : Path
        TrackMate XML file (named in errors and in ``parameters.json``).
    out : Path
        Output folder (created when missing).
    data : TrackMateData, optional
        The file as :func:`volltrack.trackmate.read_xml` read it; read here when None.
    image, labels, mask : array-like of shape (T, Z, Y, X), optional
        As for :func:`~volltrack.analysis.analyze_tracks`; checked by the caller.
    track_ids, only_filtered, calibration, frame_interval, smoothing_window, fft_feature, spot_features
        As for :func:`~volltrack.analysis.xml_input.analyze_xml` and :func:`~volltrack.analysis.analyze_tracks`
        (``spot_features``: the XML's intensities, volumes and tissue features instead of measuring them again).
    kind : str, optional
        Which of the analysed tracks to write (:data:`~volltrack.analysis.TRACK_KINDS`); default "all".
    parameters : dict, optional
        Further entries of ``parameters.json`` (e.g. the input files); ``selected_track_ids`` is added, and the
        status: "running" while the files are written, then "complete" with their list
        (:func:`~volltrack.analysis.export.analysis_record`).
    figures : {"tracks", "report"}, optional
        A plot per track (at most ``max_plots``) and a movie, or the report's pictures; default "tracks".
    max_plots : int, optional
        With ``figures="tracks"``: plot at most this many tracks; default 20.
    movie_track : int, "auto" or "none", optional
        The movie's TRACK_ID; "auto" (default): the longest dividing track, else the longest; "none": no movie.
    movie_projection : {"slice", "max"}, optional
        The movie shows the Z slice through the cells or the max projection; default "slice".
    progress : bool, optional
        Show progress bars; default True.

    Returns
    -------
    AnalysisOutputs

    Raises
    ------
    ValueError
        One line naming ``xml_path`` (bad tracks, an unknown TRACK_ID, ...).
    """
    from volltrack.analysis.export import analysis_record, write_tables
    from volltrack.analysis.xml_input import analyze_xml

    with timed("analyze/tracks"):
        try:
            analysis = analyze_xml(xml_path, data=data, image=image, labels=labels, mask=mask, track_ids=track_ids,
                                   only_filtered=only_filtered, calibration=calibration,
                                   frame_interval=frame_interval, smoothing_window=smoothing_window,
                                   fft_feature=fft_feature, spot_features=spot_features, progress=progress)
        except ValueError as error:             # name the file the message is about
            raise ValueError(str(error) if str(xml_path) in str(error) else f"{xml_path}: {error}") from None
    if isinstance(movie_track, int):
        analysis.track_set.spots_of(movie_track)  # an unknown ID fails here, before anything is written
    selected = analysis.track_set.select(kind)
    record = {**analysis.parameters, **(parameters or {}), "selected_track_ids": selected}
    with analysis_record(out, record) as files:     # parameters.json: "running" until the last file is written
        with timed("analyze/tables"):
            files += write_tables(analysis, out, track_ids=selected, parameters_file=False)
        with timed("analyze/figures"):
            if figures == "report":
                files += _report_figures(analysis, Path(out), image=image, labels=labels,
                                         movie_track=movie_track, projection=movie_projection, progress=progress)
            else:
                files += _track_figures(analysis, Path(out), selected, image=image, labels=labels,
                                        max_plots=max_plots, movie_track=movie_track, projection=movie_projection,
                                        progress=progress)
    return AnalysisOutputs(analysis, selected, files)


def _report_figures(analysis: TrackAnalysis, out: Path, *, image: Any, labels: Any, movie_track: int | str,
                    projection: str, progress: bool) -> list[Path]:
    """The report's pictures (:func:`~volltrack.analysis.report_figures.write_run_figures`): their manifest and
    the files it lists."""
    from volltrack.analysis.report_figures import MANIFEST, write_run_figures

    manifest = write_run_figures(analysis, out, image=image, labels=labels, movie=movie_track != "none",
                                 movie_track_id=movie_track if isinstance(movie_track, int) else None,
                                 projection=projection, progress=progress)
    entries = [*manifest.get("overview", []), *manifest.get("lineages", []), *manifest.get("tracks", []),
               manifest.get("movie") or {}]
    names = [str(e["file"]) for e in entries if isinstance(e, dict) and e.get("file")]
    names += [str(manifest["population"])] if manifest.get("population") else []
    return [out / MANIFEST, *(out / name for name in names)]


def _track_figures(analysis: TrackAnalysis, out: Path, selected: list[int], *, image: Any, labels: Any,
                   max_plots: int, movie_track: int | str, projection: str, progress: bool) -> list[Path]:
    """A plot per selected track (at most ``max_plots``) and the movie of ``movie_track``."""
    from tqdm.auto import tqdm

    from volltrack.analysis.movie import write_track_movie
    from volltrack.analysis.plot_style import movie_track as chosen_movie_track
    from volltrack.analysis.plots import save_track_plot

    files = [save_track_plot(analysis, track_id, out / "plots" / f"track_{track_id}.png")
             for track_id in tqdm(selected[:max(max_plots, 0)], desc="plots", unit="track", disable=not progress)]
    if movie_track != "none" and selected:
        movie_id = chosen_movie_track(analysis, selected) if movie_track == "auto" else int(movie_track)
        with timed("analyze/figures/movie"):
            files.append(write_track_movie(analysis, movie_id, out / f"track_{movie_id}.mp4", image=image,
                                           labels=labels, projection=projection, progress=progress))
    return files
