"""Figures of the track analysis: one colour per tracklet in every panel, units, legends, lineage tree, movie."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_scenes import FRAME_INTERVAL, scene_analysis

from volltrack.analysis.lineage_plot import lineage_layout


@pytest.fixture(scope="module")
def scene():
    return scene_analysis()


@pytest.fixture(scope="module")
def figure_a(scene):
    """The plots of track A, drawn once for the module."""
    analysis, _, ids, _, _ = scene
    return _figure(analysis, ids["A"])


def _figure(analysis, track_id):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from volltrack.analysis.plots import draw_track

    figure = Figure(figsize=(11, 10))
    FigureCanvasAgg(figure)
    draw_track(figure, analysis, track_id)
    figure.canvas.draw()
    return figure


def _tracklet_colours(axes) -> dict[int, str]:
    """``{tracklet: colour}`` of the artists tagged ``tracklet-<ID>`` (smoothed/branch/marker) in ``axes``."""
    from matplotlib.colors import to_hex

    found = {}
    for line in axes.get_lines():
        gid = line.get_gid() or ""
        if gid.startswith("tracklet-") and not gid.endswith("-raw"):
            tracklet = int(gid.split("-")[1])
            assert found.setdefault(tracklet, to_hex(line.get_color())) == to_hex(line.get_color())
    return found


def _panel(figure, word):
    [axes] = [a for a in figure.axes if word in a.get_title()]
    return axes


def test_every_panel_gives_a_tracklet_the_same_colour(scene, figure_a):
    analysis, _, ids, _, _ = scene
    figure = figure_a
    tracklets = set(analysis.tracklets.index[analysis.tracklets["TRACK_ID"] == ids["A"]])
    panels = {word: _tracklet_colours(_panel(figure, word)) for word in
              ("lineage", "distance", "intensity", "localisation", "Fourier")}
    reference = panels["lineage"]
    assert set(reference) == tracklets and len(set(reference.values())) == len(tracklets)
    for word, colours in panels.items():
        assert colours, f"no tracklet drawn in the {word} panel"
        assert all(reference[t] == c for t, c in colours.items()), word
    assert set(panels["Fourier"]) == {130, 140, 150, 160}  # the tracklets with >= 4 frames
    legend = figure.legends[0]
    from matplotlib.colors import to_hex

    entries = {int(text.get_text().split()[0]): to_hex(handle.get_color())
               for text, handle in zip(legend.get_texts(), legend.legend_handles)}
    assert entries == reference


def test_raw_and_smoothed_series_are_both_drawn_and_named(scene, figure_a):
    analysis, _, ids, _, _ = scene
    distance = _panel(figure_a, "distance")
    lines = {line.get_gid(): line for line in distance.get_lines()}
    spots = analysis.spots[analysis.spots["TRACKLET_ID"] == 110]
    np.testing.assert_allclose(lines["tracklet-110-raw"].get_ydata(), spots["DISTANCE_TO_BOUNDARY"])
    np.testing.assert_allclose(lines["tracklet-110"].get_ydata(), spots["DISTANCE_TO_BOUNDARY_SMOOTH"])
    assert not np.allclose(spots["DISTANCE_TO_BOUNDARY"], spots["DISTANCE_TO_BOUNDARY_SMOOTH"])
    assert lines["tracklet-110-raw"].get_linestyle() == "None"
    labels = [t.get_text() for t in distance.get_legend().get_texts()]
    assert labels == ["raw", "smoothed (3-frame mean)"]


def test_every_axis_has_units_and_every_panel_a_legend(scene, figure_a):
    analysis, _, ids, _, _ = scene
    figure = figure_a
    expected = {"lineage": ("time (min)", None), "distance": ("time (min)", "(µm)"),
                "intensity": ("time (min)", "(a.u.)"), "localisation": ("(µm, raw)", "(µm, raw)"),
                "Fourier": ("frequency (1/min)", "(a.u.)²")}
    for word, (xunit, yunit) in expected.items():
        axes = _panel(figure, word)
        assert xunit in axes.get_xlabel(), (word, axes.get_xlabel())
        if yunit is not None:
            assert yunit in axes.get_ylabel(), (word, axes.get_ylabel())
            assert axes.get_legend() is not None, word
    assert len(figure.legends[0].get_texts()) == 7  # every tracklet named, even above 4


def test_lineage_panel_forks_at_each_division(scene, figure_a):
    analysis, _, ids, _, _ = scene
    lineage = _panel(figure_a, "lineage")
    branches = {int(line.get_gid().split("-")[1]): line for line in lineage.get_lines()
                if (line.get_gid() or "").startswith("tracklet-")}
    row = {t: line.get_ydata()[0] for t, line in branches.items()}
    assert min(row[110], row[120]) < row[100] < max(row[110], row[120])
    assert min(row[130], row[140]) < row[110] < max(row[130], row[140])
    # a daughter's branch starts where its mother's ends (the division), and ends at its last spot
    assert branches[110].get_xdata()[0] == branches[100].get_xdata()[-1] == 2 * FRAME_INTERVAL
    assert branches[130].get_xdata()[-1] == 9 * FRAME_INTERVAL
    assert "2 divisions" not in lineage.get_title() and "3 divisions" in lineage.get_title()


def test_lineage_layout_of_a_merge_places_every_tracklet_once():
    import pandas as pd

    table = pd.DataFrame({"PARENT_IDS": [(), (), (1, 2), (3,), (3,)], "START_FRAME": [0, 0, 4, 6, 6]},
                         index=[1, 2, 3, 4, 5])
    rows = lineage_layout(table)
    assert sorted(rows) == [1, 2, 3, 4, 5] and rows[4] != rows[5] and rows[3] == (rows[4] + rows[5]) / 2


def test_overview_of_many_tracks_names_them_with_units(scene):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from volltrack.analysis.plots import draw_overview

    analysis, _, ids, _, _ = scene
    figure = Figure()
    FigureCanvasAgg(figure)
    draw_overview(figure, analysis, list(ids.values()))
    assert "(min)" in figure.axes[0].get_xlabel() and "(µm" in figure.axes[0].get_ylabel()
    assert [t.get_text() for t in figure.axes[0].get_legend().get_texts()] == [f"track {i}" for i in ids.values()]


# ---- movie --------------------------------------------------------------------------------------------------

def test_movie_chooses_the_longest_dividing_track(scene):
    from volltrack.analysis.plot_style import informative_tracks, movie_track

    analysis, _, ids, _, _ = scene
    assert movie_track(analysis) == ids["A"]  # B is longer but does not divide
    assert informative_tracks(analysis) == [ids["A"], ids["C"], ids["B"]]
    assert movie_track(analysis, [ids["B"], ids["C"]]) == ids["C"]


def _pixel(movie, x, y):
    """RGB of the rendered frame at data point (x, y)."""
    column, row = movie.axes.transData.transform((x, y))
    height = movie.canvas.get_width_height()[1]
    return np.asarray(movie.canvas.buffer_rgba())[int(round(height - row)), int(round(column)), :3]


def test_movie_follows_the_track_and_shows_its_cells_in_their_colours(scene):
    from matplotlib.colors import to_rgb

    from volltrack.analysis.movie import TrackMovie

    analysis, _, ids, raw, labels = scene
    movie = TrackMovie(analysis, ids["A"], image=raw, labels=labels)
    assert list(movie.frames) == list(range(10))
    boxes = []
    for frame in movie.frames:
        movie.render(frame)
        y0, y1, x0, x1 = movie.crop_box(frame)
        boxes.append((x0, x1))
        now = analysis.spots[(analysis.spots["TRACK_ID"] == ids["A"]) & (analysis.spots["FRAME"] == frame)]
        centre_x = now["POSITION_X"].mean() / 0.5
        assert x0 + 0.35 * (x1 - x0) <= centre_x <= x0 + 0.65 * (x1 - x0), frame
        for _, spot in now.iterrows():  # the marker of each current cell, in its tracklet's colour
            colour = np.array(to_rgb(movie.colours[int(spot["TRACKLET_ID"])])) * 255
            assert np.abs(_pixel(movie, spot["POSITION_X"], spot["POSITION_Y"]) - colour).max() <= 12, frame
    assert boxes[-1][0] - boxes[0][0] >= 40, "the crop did not follow the track"
    assert len({x1 - x0 for x0, x1 in boxes}) == 1, "the crop changed size"


def test_movie_draws_outlines_scale_bar_and_time_stamp(scene):
    from matplotlib.colors import to_rgb

    from volltrack.analysis.movie import TrackMovie

    analysis, _, ids, raw, labels = scene
    movie = TrackMovie(analysis, ids["A"], image=raw, labels=labels)
    pixels = movie.render(7)
    [stamp] = [t for t in movie.axes.texts if t.get_gid() == "time-stamp"]
    assert stamp.get_text() == f"t = {7 * FRAME_INTERVAL:g} min  (frame 7)"
    [bar] = [p for p in movie.axes.patches if p.get_gid() == "scale-bar"]
    [bar_label] = [t for t in movie.axes.texts if t.get_gid() == "scale-bar-label"]
    assert bar_label.get_text() == f"{bar.get_width():g} µm"
    box = bar.get_window_extent()
    height = pixels.shape[0]
    inside = pixels[int(height - box.y1) + 1:int(height - box.y0) - 1, int(box.x0) + 1:int(box.x1) - 1]
    assert inside.size and (inside >= 250).all(), "the scale bar is not drawn in white"
    composite = movie._composite(7, movie.crop_box(7), movie.z_index(7))
    for tracklet in (130, 150):  # the tracked cells in the shown slice are outlined in their colour
        assert (np.abs(composite - np.array(to_rgb(movie.colours[tracklet]))).max(axis=2) < 1e-6).sum() > 20
    assert "z slice" in movie.figure._suptitle.get_text()
    maximum = TrackMovie(analysis, ids["A"], image=raw, labels=labels, projection="max")
    maximum.render(7)
    composite = maximum._composite(7, maximum.crop_box(7), 0)
    for tracklet in (130, 140, 150, 160):  # every current cell outlined, whatever its Z
        assert (np.abs(composite - np.array(to_rgb(maximum.colours[tracklet]))).max(axis=2) < 1e-6).sum() > 20
    assert "max projection" in maximum.figure._suptitle.get_text()


def test_movie_refuses_bad_options(scene):
    from volltrack.analysis.movie import TrackMovie

    analysis, _, ids, raw, _ = scene
    with pytest.raises(ValueError, match="projection"):
        TrackMovie(analysis, ids["A"], projection="mean")
    with pytest.raises(ValueError, match="TZYX"):
        TrackMovie(analysis, ids["A"], image=raw[0])


def test_movie_file_has_one_frame_per_time_point(scene, tmp_path):
    from movie_files import movie_size_and_frames

    from volltrack.analysis.movie import write_track_movie

    analysis, _, ids, raw, labels = scene
    path = write_track_movie(analysis, None, tmp_path / "movie.mp4", image=raw, labels=labels)
    assert movie_size_and_frames(path) == ((640, 640), 10)
    assert [p.name for p in tmp_path.iterdir()] == ["movie.mp4"]


@pytest.mark.parametrize("option, expected", [([], "A"), (["--movie-track", "B"], "B"),
                                              (["--movie-track", "none"], None)])
def test_analyze_movie_track_option(tmp_path, option, expected):
    from analysis_scenes import scene_tables
    from movie_files import movie_size_and_frames

    from volltrack.cli import main
    from volltrack.trackmate import read_xml, write_xml

    spots, edges, roots = scene_tables()
    write_xml(tmp_path / "tracks.xml", spots, edges, space_units="micron", time_units="min")
    track_of = read_xml(tmp_path / "tracks.xml").edges.set_index("SPOT_SOURCE_ID")["TRACK_ID"]
    ids = {name: int(track_of.loc[root]) for name, root in roots.items()}
    option = [ids.get(v, v) for v in option]
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "tracks.xml"), "--out", str(out), "--tracks", "all", "--max-plots", "0",
                 *map(str, option)]) == 0
    movies = sorted(p.name for p in out.glob("*.mp4"))
    if expected is None:
        assert movies == []
        return
    assert movies == [f"track_{ids[expected]}.mp4"]
    assert movie_size_and_frames(out / movies[0])[1] == {"A": 10, "B": 12}[expected]


def test_analyze_refuses_a_bad_movie_track(tmp_path, capsys):
    from analysis_scenes import scene_tables

    from volltrack.cli import main
    from volltrack.trackmate import write_xml

    spots, edges, _ = scene_tables()
    write_xml(tmp_path / "tracks.xml", spots, edges, space_units="micron", time_units="min")
    assert main(["analyze", str(tmp_path / "tracks.xml"), "--out", str(tmp_path / "o"), "--movie-track",
                 "longest"]) == 1   # bad input: a one-line error, exit 1 (the jar's rule)
    assert "--movie-track" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_a_track_with_many_tracklets_keeps_a_readable_legend_inside_the_figure(tmp_path):
    """A lineage of 5 generations (63 tracklets): the legend is compact and stays inside the picture."""
    import pandas as pd
    from matplotlib.figure import Figure

    from volltrack.analysis import analyze_tracks
    from volltrack.analysis.plots import LEGEND_ROWS, draw_track, save_figure

    rows, edges, next_id = [], [], [1]

    def grow(parent, frame, generation):
        ids = []
        for step in range(2):
            spot = next_id[0]
            next_id[0] += 1
            rows.append({"ID": spot, "FRAME": frame + step, "POSITION_X": float(spot), "POSITION_Y": 1.0,
                         "POSITION_Z": 0.0})
            if ids or parent:
                edges.append((ids[-1] if ids else parent, spot))
            ids.append(spot)
        if generation < 5:
            for _ in range(2):
                grow(ids[-1], frame + 2, generation + 1)

    grow(None, 0, 0)
    spots = pd.DataFrame(rows)
    spots.attrs.update(space_units="micron", time_units="min")
    analysis = analyze_tracks(spots, pd.DataFrame(edges, columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"]))
    assert len(analysis.tracklets) == 63
    figure = Figure(figsize=(11, 10))
    save_figure(figure, tmp_path / "many.png")  # attaches a canvas
    draw_track(figure, analysis, int(analysis.tracks.index[0]))
    figure.canvas.draw()
    [legend] = figure.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == 2 * LEGEND_ROWS and texts[-1] == f"+{63 - 2 * LEGEND_ROWS + 1} more (IDs on the tree)"
    box, whole = legend.get_window_extent(), figure.bbox
    assert box.x1 <= whole.x1 and box.y0 >= whole.y0, "the legend leaves the picture"
    for axes in figure.axes:
        assert axes.get_window_extent().x1 < box.x0, "a panel runs under the legend"
