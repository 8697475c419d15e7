"""check_input reads a large frame a slab of Z planes at a time and names the slab of a bad voxel."""

import numpy as np, pytest
from volltrack.segmentation import batch
def test_slabs(tmp_path, monkeypatch):
    a = np.ones((2, 10, 8, 8), np.float32); a[1, 7, 3, 3] = np.nan
    np.save(tmp_path / "m.npy", a)
    monkeypatch.setattr(batch, "_CHECK_VOXELS", 3 * 64)
    with pytest.raises(ValueError, match=r"frame 1 \(Z planes 6-8\) holds 1 NaN"):
        batch.check_input(tmp_path / "m.npy")
    a[1, 7, 3, 3] = 0; np.save(tmp_path / "m.npy", a)
    assert batch.check_input(tmp_path / "m.npy") == 2
