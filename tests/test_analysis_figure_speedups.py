"""The cheaper ways of drawing the report's figures give what the plain ones gave: the same colours, the same
track order and the same overview trails, pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_scenes import scene_analysis

from volltrack.analysis.plot_style import colour_list, informative_tracks, track_duration


@pytest.fixture(scope="module")
def scene():
    return scene_analysis()


@pytest.mark.parametrize("n", [1, 10, 11, 20, 21, 40, 533])
def test_colour_list_is_the_colour_map_called_once_per_value(n):
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if n <= 20:
        assert len(set(colour_list(n))) == n
    else:
        assert colour_list(n) == [to_hex(colormaps["turbo"](v)) for v in np.linspace(0.05, 0.95, n)]


def test_informative_tracks_sorts_like_a_row_by_row_key(scene):
    analysis = scene[0]
    tracks = analysis.tracks

    def key(track_id):
        row = tracks.loc[track_id]
        return (not bool(row["DIVIDING"]), -track_duration(analysis, track_id), -int(row["N_SPOTS"]),
                -int(row["N_DIVISIONS"]), track_id)

    ids = [int(t) for t in tracks.index]
    assert informative_tracks(analysis) == sorted(ids, key=key)
    assert informative_tracks(analysis, ids[::-1][:2]) == sorted(ids[::-1][:2], key=key)
    assert informative_tracks(analysis, []) == []


def _render(figure) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_overview_trails_are_the_lines_plot_draws(scene):
    from matplotlib.figure import Figure

    from volltrack.analysis.overview import _draw_trails

    analysis = scene[0]
    spots = analysis.spots.sample(frac=1.0, random_state=1)      # rows out of tracklet order
    tracks = sorted(int(t) for t in spots["TRACK_ID"].unique())
    colours = dict(zip(tracks, colour_list(len(tracks))))
    figures = []
    for draw in ("plot", "trails"):
        figure = Figure(figsize=(3, 3))
        axes = figure.add_subplot(1, 1, 1)
        if draw == "plot":
            for _, rows in spots.groupby("TRACKLET_ID"):
                axes.plot(rows["POSITION_X"], rows["POSITION_Y"], linewidth=1.0,
                          color=colours[int(rows["TRACK_ID"].iloc[0])], alpha=0.9)
        else:
            _draw_trails(axes, spots, colours)
        axes.set_xlim(spots["POSITION_X"].min() - 1, spots["POSITION_X"].max() + 1)
        axes.set_ylim(spots["POSITION_Y"].max() + 1, spots["POSITION_Y"].min() - 1)
        figures.append(figure)
    plotted, added = (figure.axes[0].lines for figure in figures)
    assert len(plotted) == len(added) == spots["TRACKLET_ID"].nunique() > 1
    for a, b in zip(plotted, added):
        assert np.array_equal(a.get_xydata(), b.get_xydata())
        assert (a.get_color(), a.get_alpha(), a.get_linewidth()) == (b.get_color(), b.get_alpha(), b.get_linewidth())
    assert np.array_equal(_render(figures[0]), _render(figures[1]))


def test_save_figure_runs_the_layout_once_and_writes_the_pixels_savefig_writes(scene, tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    from volltrack.analysis.plots import draw_track, save_figure

    analysis, _, ids, _, _ = scene
    pictures = []
    for name in ("savefig", "save_figure"):
        figure = Figure(figsize=(11, 9))
        draw_track(figure, analysis, ids["A"])
        path = tmp_path / f"{name}.png"
        if name == "savefig":
            FigureCanvasAgg(figure)
            figure.savefig(path, dpi=100, format="png")
        else:
            engine = figure.get_layout_engine()
            save_figure(figure, path)
            assert figure.get_layout_engine() is engine          # the figure keeps its layout engine
        pictures.append(np.asarray(Image.open(path)))
    assert pictures[0].shape == pictures[1].shape
    assert np.array_equal(pictures[0], pictures[1])
