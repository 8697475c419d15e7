"""check_input reads a large frame a slab of Z planes at a time and names the slab of a bad voxel."""

import numpy as np
import pytest

from volltrack.segmentation import batch


def test_a_large_frame_is_checked_slab_by_slab(tmp_path, monkeypatch):
    movie = np.ones((2, 10, 8, 8), np.float32)
    movie[1, 7, 3, 3] = np.nan
    np.save(tmp_path / "m.npy", movie)
    monkeypatch.setattr(batch, "_CHECK_VOXELS", 3 * 64)            # three planes of 8x8 per read
    with pytest.raises(ValueError, match=r"frame 1 \(Z planes 6-8\) holds 1 NaN"):
        batch.check_input(tmp_path / "m.npy")
    movie[1, 7, 3, 3] = 0
    np.save(tmp_path / "m.npy", movie)
    assert batch.check_input(tmp_path / "m.npy") == 2
