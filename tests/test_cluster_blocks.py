"""Block-wise segmentation as Dask tasks: the single-process block result, region-by-region stitching, memory."""

from __future__ import annotations

import numpy as np
import pytest

from volltrack.cli import main
from volltrack.io import read_image
from volltrack.segmentation.tiling import block_slices, stitch_block, stitch_block_region


def _movie(path, n_frames=2, shape=(8, 64, 64), blank=()):
    import tifffile

    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=n_frames, shape=shape, n_cells=max(8, shape[1] * shape[2] // 400),
                            seed=7).raw.astype(np.float32)
    for frame in blank:
        movie[frame] = 0.0
    tifffile.imwrite(path, movie, imagej=True, metadata={"axes": "TZYX"})
    return movie


def test_region_stitching_equals_whole_volume_stitching():
    """Stitching each block into its region only (what a chunked store allows) gives the whole-volume result."""
    rng = np.random.default_rng(3)
    shape = (6, 40, 52)
    blocks = block_slices(shape, (6, 16, 16), (0, 6, 6))
    block_labels = []
    for outer, _ in blocks:
        size = tuple(s.stop - s.start for s in outer)
        labels = np.zeros(size, np.int32)
        for label in range(1, 6):
            z, y, x = (int(rng.integers(0, max(1, n - 4))) for n in size)
            labels[z:z + 4, y:y + 5, x:x + 5] = label
        block_labels.append(labels)
    whole, regional = np.zeros(shape, np.int32), np.zeros(shape, np.uint32)
    next_whole = next_regional = 1
    for (outer, core), labels in zip(blocks, block_labels):
        next_whole = stitch_block(whole, labels, outer, core, next_whole)
        region = regional[outer].copy()                    # a copy, as a zarr read gives
        next_regional = stitch_block_region(region, shape, labels, outer, core, next_regional)
        regional[outer] = region
    assert next_whole == next_regional > 10
    np.testing.assert_array_equal(whole, regional)


@pytest.mark.slow
def test_block_tasks_give_the_single_process_block_result(tmp_path):
    """``--block-shape`` on ``--cluster local:2`` (one task per block) equals the single-process blocks, label for
    label, in OME-Zarr and in TIFF output; a blank frame stays empty."""
    raw = tmp_path / "movie.tif"
    movie = _movie(raw, n_frames=2, blank=(1,))
    blocks = ["--block-shape", "8,32,32", "--halo", "4,16,16"]
    assert main(["segment", str(raw), "--out", str(tmp_path / "one"), *blocks]) == 0
    assert main(["segment", str(raw), "--out", str(tmp_path / "zarr"), "--cluster", "local:2", "--format", "zarr",
                 *blocks]) == 0
    from volltrack.cluster.segment import LAST_BLOCK_REPORTS, LAST_REPORTS

    assert sorted(r["frame"] for r in LAST_REPORTS) == [0, 1]
    segmented = [r for r in LAST_BLOCK_REPORTS if not r.get("skipped")]
    assert len(segmented) == 4 and {r["frame"] for r in segmented} == {0}     # 2x2 blocks; frame 1 is blank
    single = read_image(tmp_path / "one" / "VollSeg" / "movie.tif")[0]
    assert len(np.unique(single[0])) > 5 and not single[1].any()
    clustered = read_image(tmp_path / "zarr" / "movie.ome.zarr" / "labels" / "VollSeg")[0]
    np.testing.assert_array_equal(np.asarray(clustered), single)
    for kind in ("StarDist", "UNet"):
        np.testing.assert_array_equal(np.asarray(read_image(tmp_path / "zarr" / "movie.ome.zarr" / "labels" / kind)[0]),
                                      read_image(tmp_path / "one" / kind / "movie.tif")[0])
    np.testing.assert_array_equal(np.asarray(read_image(tmp_path / "zarr" / "Probability" / "movie.ome.zarr")[0]),
                                  read_image(tmp_path / "one" / "Probability" / "movie.tif")[0])
    np.testing.assert_array_equal(np.asarray(read_image(tmp_path / "zarr" / "movie.ome.zarr")[0]), movie)
    assert not (tmp_path / "zarr" / ".frames").exists()                    # block files and stamps removed
    assert main(["segment", str(raw), "--out", str(tmp_path / "tif"), "--cluster", "local:2", *blocks]) == 0
    np.testing.assert_array_equal(read_image(tmp_path / "tif" / "VollSeg" / "movie.tif")[0], single)


def _pid_and_peak_memory():
    import os

    from volltrack.cluster.tasks import peak_memory_mb

    return os.getpid(), peak_memory_mb()


@pytest.mark.slow
def test_block_tasks_keep_worker_memory_bounded_as_the_frame_grows(tmp_path):
    """A frame 8x larger (2 -> 16 blocks) does not raise the peak memory of any worker: each task holds one block,
    one output region or one slab; a whole-frame segmentation needs at least 8 frame-sized float32 arrays."""
    from volltrack.cluster import open_cluster
    from volltrack.io.ngff import create_movie, write_frame
    from volltrack.cluster.segment import frame_distributor
    from volltrack.segmentation.batch import segment_file
    from volltrack.segmentation.models import load_models
    from volltrack.synthetic import simulate_tissue

    models = load_models()
    options = dict(block_shape=(8, 128, 128), halo=(0, 0, 0), unet_threshold=0.5)
    peaks = []
    with open_cluster("local:2", memory_limit="2GB", quiet=True) as client:
        for shape in ((8, 128, 256), (8, 512, 512)):
            raw = simulate_tissue(n_frames=1, shape=shape, n_cells=shape[1] * shape[2] // 400, seed=7).raw
            path = tmp_path / f"m{shape[2]}.ome.zarr"
            create_movie(path, (1, *shape), np.float32, chunk_yx=(128, 128))
            write_frame(path, 0, raw[0].astype(np.float32))
            segment_file(path, tmp_path / "out", models, output_format="zarr", distribute=frame_distributor(client),
                         segment_options=options)
            peaks.append(max(mb for _, mb in client.run(_pid_and_peak_memory).values()))
            labels = read_image(tmp_path / "out" / f"m{shape[2]}.ome.zarr" / "labels" / "VollSeg")[0]
            assert len(np.unique(labels)) > shape[1] * shape[2] // 2000      # cells found in every size
    large_frame_mb = 8 * 512 * 512 * 4 / 1e6
    assert peaks[1] - peaks[0] < 2 * large_frame_mb, peaks
    assert peaks[1] < 2000 * 0.8, peaks                                     # below Dask's pause threshold
