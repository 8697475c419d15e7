"""Segmentation of frames too large for one worker: one Dask task per block, stitched block by block.

For each frame three kinds of task run:

1. :func:`frame_statistics_task` reads the frame a few Z planes at a time and returns whether it is blank and
   the intensities every block is normalised with (the percentiles of the same voxel sample
   :func:`~volltrack.segmentation.pipeline.vollseg_in_blocks` uses);
2. :func:`segment_block_task`, one per block of :func:`~volltrack.segmentation.tiling.block_slices`: reads its
   block (core + halo) of the input, runs VollSeg on it and saves the block's labels and the core of its maps in
   ``OUT/.frames/<name>/blocks/tNNNNN/bNNNNN.npz`` (written under a temporary name and renamed: the file is the
   block's stamp, so a rerun skips the blocks already done);
3. :func:`stitch_frame_task` stitches the blocks in order, label-safely, into the frame's outputs, reading and
   writing one block region at a time (:func:`~volltrack.segmentation.tiling.stitch_block_region`), then marks
   the frame done and removes its block files.

The result equals :func:`~volltrack.segmentation.pipeline.vollseg_in_blocks` on the whole frame (same blocks,
same normalisation, same stitching order), and no task holds more than one block, one output region or a few
planes of the frame -- plus, for the normalisation, a sample of at most ~16 M voxels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from volltrack.io.atomic import atomic_path

__all__ = ["block_folder", "block_file", "frame_statistics_task", "segment_block_task", "stitch_frame_task",
           "LABEL_RESULTS", "MAP_RESULTS"]

#: VollSeg results stitched label-safely (output kind -> key of the block result).
LABEL_RESULTS = {"VollSeg": "labels", "StarDist": "stardist_labels", "UNet": "unet_labels"}
#: VollSeg results copied core by core.
MAP_RESULTS = {"Probability": "probability", "Denoised": "denoised"}
#: Voxels read at once when a frame is scanned plane by plane.
_SLAB_VOXELS = 4_000_000


def block_folder(out, name, frame) -> Path:
    """``OUT/.frames/<name>/blocks/tNNNNN``: the finished blocks of one frame."""
    return Path(out) / ".frames" / name / "blocks" / f"t{frame:05d}"


def block_file(out, name, frame, index) -> Path:
    """The saved result of block ``index`` of ``frame`` (its presence means the block is done)."""
    return block_folder(out, name, frame) / f"b{index:05d}.npz"


def _open_frame(path, axes, frame, movie):
    """A lazy ZYX view of ``frame`` of the input (a memory map, zarr or dask array)."""
    from volltrack.segmentation.batch import open_input

    image, _, is_movie = open_input(Path(path), axes)
    return image[frame] if is_movie else image


def _read(volume, slices=None) -> np.ndarray:
    import dask

    with dask.config.set(scheduler="synchronous"):      # a dask input is read in this task's thread
        part = volume if slices is None else volume[slices]
        return np.asarray(part, dtype=np.float32)


def _slabs(shape):
    """Z ranges holding about :data:`_SLAB_VOXELS` voxels each."""
    planes = max(1, _SLAB_VOXELS // max(1, shape[1] * shape[2]))
    return [slice(z, min(z + planes, shape[0])) for z in range(0, shape[0], planes)]


def frame_statistics_task(path: str, frame: int, *, axes) -> dict:
    """Whether ``frame`` is blank (every voxel equal) and its block normalisation, read a slab at a time.

    Returns
    -------
    dict
        ``frame``, ``constant`` (bool), ``value`` (the voxel value of a blank frame), ``normalization``
        (the intensities mapped to 0 and 1, None for a blank frame) and ``shape``.
    """
    from volltrack.segmentation.pipeline import block_normalization, sample_step

    volume = _open_frame(path, axes, frame, None)
    shape = tuple(int(n) for n in volume.shape)
    step = sample_step(shape)
    low, high, samples = np.inf, -np.inf, []
    for slab in _slabs(shape):
        part = _read(volume, (slab,))
        if part.size:
            low, high = min(low, float(part.min())), max(high, float(part.max()))
        first = (-slab.start) % step               # the sample's planes are z = 0, step, 2 * step ...
        samples.append(part[first::step, ::step, ::step])
        del part
    constant = not np.prod(shape) or low == high
    normalization = None
    if not constant:           # one copy of the sample at most (none when the frame was one slab)
        sample = samples[0] if len(samples) == 1 else np.concatenate(samples, axis=0)
        samples.clear()
        normalization = block_normalization(sample, overwrite=bool(sample.flags.writeable))
    return {"frame": frame, "constant": bool(constant), "value": float(low) if np.isfinite(low) else 0.0,
            "normalization": normalization, "shape": shape}


def _save_block(target: Path, arrays: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target, suffix=".npz") as temporary:
        np.savez(temporary, **arrays)


def segment_block_task(path: str, out: str, name: str, frame: int, index: int, outer, core, statistics: dict, *,
                       axes, models_folder: str, n2v: bool, options: dict) -> dict:
    """Segment block ``index`` of ``frame`` and save its result (:func:`block_file`); return a report.

    A blank frame (``statistics["constant"]``) has nothing to segment: the task returns at once.
    """
    from volltrack.cluster.tasks import _clock, _report, worker_models
    from volltrack.segmentation.pipeline import segment_one_block

    start = _clock()
    if statistics["constant"]:
        return _report(frame, start, block=index, skipped=True)
    crop = _read(_open_frame(path, axes, frame, None), tuple(outer))
    block_options = {k: v for k, v in options.items() if k not in ("block_shape", "halo", "progress")}
    result = segment_one_block(crop, worker_models(models_folder, n2v), statistics["normalization"],
                               **block_options)
    inner = tuple(slice(c.start - o.start, c.stop - o.start) for c, o in zip(core, outer))
    arrays = {key: np.asarray(result[key], np.int32) for key in LABEL_RESULTS.values() if result[key] is not None}
    arrays.update({key: np.asarray(result[key], np.float32)[inner] for key in MAP_RESULTS.values()
                   if result[key] is not None})
    _save_block(block_file(out, name, frame, index), arrays)
    return _report(frame, start, block=index, cells=int(len(np.unique(arrays["labels"]))) - 1)


class _FrameOutputs:
    """Region access to one frame of the outputs: the OME-Zarr arrays (``zarr``) or ``.npy`` memory maps in the
    frame folder (``tif``, stacked into TIFFs at the end)."""

    def __init__(self, out, name, frame, shape, kinds, output_format):
        self.frame, self.arrays = frame, {}
        if output_format == "zarr":
            from volltrack.io.ngff import open_movie_array
            from volltrack.segmentation import zarr_outputs

            for kind in kinds:
                self.arrays[kind] = open_movie_array(zarr_outputs.kind_path(out, name, kind))
            self.raw = open_movie_array(zarr_outputs.store_path(out, name))
        else:
            folder = Path(out) / ".frames" / name
            for kind in kinds:
                (folder / kind).mkdir(parents=True, exist_ok=True)
                dtype = np.float32 if kind in MAP_RESULTS else np.uint32
                self.arrays[kind] = np.lib.format.open_memmap(folder / kind / f"t{frame:05d}.npy", mode="w+",
                                                              dtype=dtype, shape=tuple(shape))
            self.raw = None
        self.zarr = output_format == "zarr"

    def get(self, kind, region):
        return np.asarray(self.arrays[kind][(self.frame, *region)] if self.zarr else self.arrays[kind][region])

    def set(self, kind, region, value):
        if self.zarr:
            self.arrays[kind][(self.frame, *region)] = value
        else:
            self.arrays[kind][region] = value

    def close(self):
        for array in self.arrays.values():
            if isinstance(array, np.memmap):
                array.flush()
        self.arrays.clear()


def stitch_frame_task(path: str, out: str, name: str, frame: int, blocks, statistics: dict, block_reports, *,
                      axes, kinds, output_format: str) -> dict:
    """Stitch the saved blocks of ``frame`` into its outputs one region at a time; mark the frame done.

    Parameters
    ----------
    blocks : list of (outer, core)
        The frame's blocks, in stitching order.
    statistics : dict
        From :func:`frame_statistics_task` (a blank frame gets empty labels, as in one process).
    block_reports : list of dict
        The block tasks' reports (only waited for: the blocks are read from their files).
    kinds : list of str
        Output kinds to write (``VollSeg``, ``StarDist``, ``UNet``, ``Probability``, ``Denoised``).
    output_format : {"zarr", "tif"}
    """
    import shutil

    from volltrack.cluster.tasks import _clock, _report
    from volltrack.segmentation.tiling import stitch_block_region

    start = _clock()
    shape = tuple(statistics["shape"])
    volume = _open_frame(path, axes, frame, None)
    outputs = _FrameOutputs(out, name, frame, shape, kinds, output_format)
    next_labels = {kind: 1 for kind in kinds if kind in LABEL_RESULTS}
    try:
        for _, core in blocks:                 # cores partition the frame: clear what a killed run left
            for kind in kinds:
                outputs.set(kind, core, 0)
        for index, (outer, core) in enumerate(blocks):
            if output_format == "zarr":
                outputs.raw[(frame, *core)] = np.asarray(_read_raw(volume, core), outputs.raw.dtype)
            if statistics["constant"]:
                if "Denoised" in kinds:        # a blank volume is its own denoised output
                    outputs.set("Denoised", core, np.full([s.stop - s.start for s in core], statistics["value"],
                                                          np.float32))
                continue
            with np.load(block_file(out, name, frame, index)) as saved:
                for kind in kinds:
                    key = LABEL_RESULTS.get(kind) or MAP_RESULTS[kind]
                    if key not in saved:
                        continue
                    if kind in LABEL_RESULTS:
                        region = outputs.get(kind, outer)
                        next_labels[kind] = stitch_block_region(region, shape, saved[key], outer, core,
                                                                next_labels[kind])
                        outputs.set(kind, outer, region)
                    else:
                        outputs.set(kind, core, saved[key])
    finally:
        outputs.close()
    done = Path(out) / ".frames" / name / "done"
    done.mkdir(parents=True, exist_ok=True)
    (done / f"t{frame:05d}").touch()
    shutil.rmtree(block_folder(out, name, frame), ignore_errors=True)
    return _report(frame, start, blocks=len(blocks), cells=int(next_labels.get("VollSeg", 1)) - 1,
                   block_seconds=sum(r["seconds"] for r in block_reports))


def _read_raw(volume, region):
    import dask

    with dask.config.set(scheduler="synchronous"):
        return np.asarray(volume[tuple(region)])
