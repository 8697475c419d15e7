"""napari sample data: a simulated membrane-labelled tissue with its ground-truth tracks, analysed."""

from __future__ import annotations


def simulated_analysis(*, n_frames: int = 12, shape=(12, 96, 96), n_cells: int = 25, division_rate: float = 0.08,
                       seed: int = 3):
    """Simulate a tissue and analyse its ground-truth tracks.

    Parameters
    ----------
    n_frames, shape, n_cells, division_rate, seed
        Passed to :func:`volltrack.synthetic.simulate_tissue`; defaults 12, (12, 96, 96), 25, 0.08, 3.

    Returns
    -------
    movie : SyntheticMovie
    analysis : TrackAnalysis
        Intensity over the label voxels and distance to the tissue mask's boundary.
    """
    from volltrack.analysis import analyze_tracks
    from volltrack.analysis.lineage_tracks import tracks_from_lineage
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=n_frames, shape=shape, n_cells=n_cells, division_rate=division_rate, seed=seed)
    table = compute_spots(movie.labels, raw=movie.raw, calibration=movie.calibration,
                          frame_interval=movie.frame_interval)
    spots, edges = tracks_from_lineage(table, movie.lineage)
    analysis = analyze_tracks(spots, edges, image=movie.raw, labels=movie.labels, mask=movie.tissue_mask,
                              calibration=movie.calibration, frame_interval=movie.frame_interval)
    return movie, analysis


def simulated_tissue() -> list[tuple]:
    """Return napari layer tuples: raw image, cell labels, tissue mask and the tracks (npe2 sample data)."""
    from volltrack.napari.reader import tracks_layer_tuple

    movie, analysis = simulated_analysis()
    scale = (1.0, *movie.calibration)
    return [(movie.raw, {"name": "raw", "scale": scale, "colormap": "gray"}, "image"),
            (movie.labels, {"name": "cells", "scale": scale, "opacity": 0.3}, "labels"),
            (movie.tissue_mask.astype("uint8"), {"name": "tissue mask", "scale": scale, "opacity": 0.15}, "labels"),
            tracks_layer_tuple(analysis, name="ground-truth tracks")]
