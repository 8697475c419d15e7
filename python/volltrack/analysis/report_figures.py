"""The pictures of a run's report, written into the analysis folder with a manifest (``figures.json``).

``figures.json`` lists, with paths relative to the analysis folder::

    overview     [{file, frame, z}]                 raw slice + segmentation outlines + tracks, a few frames
    population   file                               tracks per length, divisions per frame, distance over time
    lineages     [{file, track, divisions}]         lineage trees of the dividing tracks, longest first
    tracks       [{file, track, dividing, frames, tracklets, divisions}]   plots, most informative first
    movie        {file, track, projection} or null  MP4 of the longest dividing track (or the chosen one)

:mod:`volltrack.pipeline.report` reads it, so the report needs no re-analysis when the stage is skipped.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tqdm.auto import tqdm

from volltrack.analysis.export import write_json
from volltrack.io.timing import timed
from volltrack.analysis.plot_style import informative_tracks, movie_track, track_duration

logger = logging.getLogger(__name__)

#: Name of the manifest written by :func:`write_run_figures`.
MANIFEST = "figures.json"


def _lineage_figure(analysis, track_id: int, path: Path) -> Path:
    from matplotlib.figure import Figure

    from volltrack.analysis.lineage_plot import draw_lineage
    from volltrack.analysis.plots import save_figure

    rows = int(analysis.tracks.at[track_id, "N_TRACKLETS"])
    figure = Figure(figsize=(6, 1.2 + 0.22 * rows))
    axes = figure.add_subplot(1, 1, 1)
    draw_lineage(axes, analysis, track_id, title=f"track {track_id}: lineage tree")
    figure.subplots_adjust(left=0.05, right=0.97, bottom=min(0.45, 0.55 / (1 + rows / 6)), top=0.86)
    return save_figure(figure, path)


def write_run_figures(analysis, folder, *, image=None, labels=None, track_plots: int = 6, lineages: int = 12,
                      overview_count: int = 4, movie: bool = True, movie_track_id: int | None = None,
                      projection: str = "slice", progress: bool = False) -> dict:
    """Write the report's pictures of ``analysis`` into ``folder`` and return the manifest (also written).

    Parameters
    ----------
    analysis : TrackAnalysis
    folder : str or Path
        The analysis folder (created when missing).
    image, labels : array-like of shape (T, Z, Y, X), optional
        Raw movie and label movie of the run.
    track_plots : int, optional
        Plot this many tracks, most informative first (dividing, longest); default 6.
    lineages : int, optional
        Draw the lineage trees of this many dividing tracks, longest first; default 12.
    overview_count : int, optional
        Overview pictures of this many frames, spread over the movie; default 4.
    movie : bool, optional
        Write the MP4 of one track; default True.
    movie_track_id : int, optional
        Track of the movie; the longest dividing track (else the longest) by default.
    projection : {"slice", "max"}, optional
        How the movie shows Z; default "slice".
    progress : bool, optional
        Show progress bars.
    """
    from matplotlib.figure import Figure

    from volltrack.analysis.movie import write_track_movie
    from volltrack.analysis.overview import draw_overview_frame, draw_population, overview_frames
    from volltrack.analysis.plots import save_figure, save_track_plot

    folder = Path(folder)
    figures = folder / "figures"
    ordered = informative_tracks(analysis)
    manifest: dict = {"overview": [], "population": None, "lineages": [], "tracks": [], "movie": None}
    for frame in tqdm(overview_frames(analysis, overview_count), desc="overview pictures", disable=not progress):
        figure = Figure(figsize=(7, 7.4))
        z = draw_overview_frame(figure, analysis, frame, image=image, labels=labels)
        path = save_figure(figure, figures / f"overview_t{frame:04d}.png")
        manifest["overview"].append({"file": str(path.relative_to(folder)), "frame": frame, "z": z})
    figure = Figure(figsize=(10, 7.5))
    draw_population(figure, analysis)
    manifest["population"] = str(save_figure(figure, figures / "population.png").relative_to(folder))
    dividing = [t for t in ordered if bool(analysis.tracks.at[t, "DIVIDING"])]
    for track_id in tqdm(dividing[:max(lineages, 0)], desc="lineage trees", disable=not progress):
        path = _lineage_figure(analysis, track_id, figures / f"lineage_track_{track_id}.png")
        manifest["lineages"].append({"file": str(path.relative_to(folder)), "track": track_id,
                                     "divisions": int(analysis.tracks.at[track_id, "N_DIVISIONS"])})
    for track_id in tqdm(ordered[:max(track_plots, 0)], desc="track plots", disable=not progress):
        path = save_track_plot(analysis, track_id, folder / "plots" / f"track_{track_id}.png")
        row = analysis.tracks.loc[track_id]
        manifest["tracks"].append({"file": str(path.relative_to(folder)), "track": track_id,
                                   "dividing": bool(row["DIVIDING"]), "frames": track_duration(analysis, track_id),
                                   "tracklets": int(row["N_TRACKLETS"]), "divisions": int(row["N_DIVISIONS"])})
    if movie and ordered:
        chosen = movie_track(analysis) if movie_track_id is None else int(movie_track_id)
        with timed("analyze/figures/movie"):
            path = write_track_movie(analysis, chosen, folder / f"track_{chosen}.mp4", image=image, labels=labels,
                                     projection=projection, progress=progress)
        manifest["movie"] = {"file": str(path.relative_to(folder)), "track": chosen, "projection": projection}
    write_json(manifest, folder / MANIFEST)
    logger.info("wrote %d overview pictures, %d lineage trees, %d track plots%s", len(manifest["overview"]),
                len(manifest["lineages"]), len(manifest["tracks"]), ", a movie" if manifest["movie"] else "")
    return manifest
