"""Simulated membrane-labelled tissue in 3D+t with ground truth: labels, tissue mask and lineage.

>>> from volltrack.synthetic import simulate_tissue
>>> movie = simulate_tissue(n_frames=2, shape=(8, 48, 48), n_cells=10, seed=0)
>>> movie.raw.dtype, movie.labels.ndim
(dtype('float32'), 4)
"""

from volltrack.synthetic.export import write_movie_folder
from volltrack.synthetic.lineage import read_man_track, write_man_track
from volltrack.synthetic.movie import SyntheticMovie, simulate_tissue

__all__ = ["SyntheticMovie", "read_man_track", "simulate_tissue", "write_man_track", "write_movie_folder"]
