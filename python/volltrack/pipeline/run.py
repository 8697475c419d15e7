"""``run_pipeline``: raw movie -> VollSeg labels -> spots -> BTrackmate tracks -> analysis -> report.

Every stage writes into one output folder and is skipped when its outputs exist and its inputs and parameters
are unchanged (:mod:`volltrack.pipeline.stages`), so an interrupted run resumes where it stopped::

    OUT/segmentation/VollSeg/<name>.tif   VollSeg labels (also StarDist/, UNet/, Probability/, Markers/)
    OUT/spots.csv (+ .json)               one row per cell per frame, TrackMate keys as columns
    OUT/tracks.xml                        TrackMate XML (opens in Fiji's TrackMate)
    OUT/analysis/                         per-track and per-tracklet CSVs, plots, pictures, an MP4
    OUT/metrics.json                      SEG, DET, TRA, ... when ground truth is given
    OUT/report.html                       pictures, lineage trees, plots, movie, metrics explained, parameters
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from volltrack.io.atomic import atomic_write_text
from volltrack.io.timing import Timings, collecting, current as current_timings, timed
from volltrack.pipeline.config import RunConfig
from volltrack.pipeline.inputs import check_ground_truth, check_models, read_mask, read_raw_meta
from volltrack.pipeline.report import write_report
from volltrack.pipeline.stages import STAMP_DIR, StageRecord, StageRunner
from volltrack.spots.spot_csv import read_spots_attrs

logger = logging.getLogger(__name__)


@dataclass
class RunInputs:
    """The files a run starts from.

    Attributes
    ----------
    raw : Path
        Raw movie (TZYX, or ZYX for one time point).
    mask : Path or None
        Tissue mask (TZYX, TYX or ZYX); cells outside it are not tracked when TISSUE_FILTER is on.
    ground_truth : Path or None
        Cell Tracking Challenge ground-truth folder (``TRA/``, optionally ``SEG/``) for the metrics.
    """

    raw: Path
    mask: Path | None = None
    ground_truth: Path | None = None


@dataclass
class RunResult:
    """What a run produced: its stage records, output files and metrics."""

    records: list[StageRecord]
    outputs: dict[str, Path]
    metrics: dict[str, Any] = field(default_factory=dict)
    timings: Timings = field(default_factory=Timings)


def _image_meta(raw_meta: dict[str, Any], config: RunConfig) -> dict[str, Any]:
    calibration = tuple(config.image.calibration or raw_meta.get("calibration") or (1.0, 1.0, 1.0))
    interval = config.image.frame_interval or raw_meta.get("frame_interval") or 1.0
    return {"calibration": calibration, "frame_interval": float(interval), "axes": raw_meta["axes"]}


def _segment(inputs: RunInputs, config: RunConfig, seg_dir: Path, meta: dict[str, Any], *,
             fresh: bool = False, client=None, output_format: str = "tif") -> dict[str, Any]:
    from tqdm.auto import tqdm

    from volltrack.cluster.segment import frame_distributor
    from volltrack.segmentation import load_models
    from volltrack.segmentation.batch import segment_paths

    seg = config.segmentation
    models = _preloaded_models(seg)
    if models is None:
        with timed("segment/load models"):
            models = load_models(seg.models, n2v=seg.denoise_first)
    if seg.denoise_first and models.n2v is None:
        raise ValueError(f"segmentation.denoise_first is true but the models folder "
                         f"{seg.models or 'bundled demo models'} has no n2v/ model")
    n_volumes = meta["shape"][0]  # shape is TZYX, T = 1 for a single volume
    with tqdm(total=n_volumes, desc="segment", unit="volume") as bar:
        segment_paths([inputs.raw], seg_dir, models, segment_options=seg.vollseg_options(), axes=config.image.axes,
                      progress=bar, fresh=fresh, output_format=output_format, distribute=frame_distributor(client))
    return {"volumes": n_volumes}


#: Models being loaded in a background thread by :func:`preload_models`: {(folder, n2v): (thread, outcome)}.
_PRELOADING: dict[tuple[str, bool], tuple[Any, dict[str, Any]]] = {}


def _models_key(seg) -> tuple[str, bool]:
    return str(seg.models), bool(seg.denoise_first)


def preload_models(config: RunConfig) -> None:
    """Start loading the run's segmentation models in a background thread, e.g. while the demo movie is simulated
    (TensorFlow's start and the models' construction take several seconds of one core); the segment stage takes
    them from there instead of loading them again (and loads them itself if loading failed, to report the error).
    """
    import threading

    from volltrack.segmentation import load_models

    seg = config.segmentation
    outcome: dict[str, Any] = {}

    def load() -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            outcome["models"] = load_models(seg.models, n2v=seg.denoise_first)
        except Exception:  # noqa: BLE001 - the segment stage loads them again and reports the error
            outcome["failed"] = True
        outcome["times"] = (time.perf_counter() - wall, time.thread_time() - cpu)

    thread = threading.Thread(target=load, name="volltrack-load-models")
    thread.start()
    _PRELOADING[_models_key(seg)] = (thread, outcome)


def _preloaded_models(seg):
    """The models :func:`preload_models` loaded for these settings (waiting for them), or None."""
    entry = _PRELOADING.pop(_models_key(seg), None)
    if entry is None:
        return None
    thread, outcome = entry
    with timed("segment/wait for models", cpu="thread"):
        thread.join()
    timings = current_timings()
    if timings is not None and "times" in outcome:
        timings.add("load models beside simulate", *outcome["times"])
    return outcome.get("models")


def _read(path: Path | None, axes: str | None = None):
    if path is None:
        return None
    from volltrack.io import read_image

    return read_image(path, axes, lazy=True)[0]


def _spots(inputs: RunInputs, config: RunConfig, labels_path: Path, spots_path: Path,
           meta: dict[str, Any], client=None, stream=None) -> dict[str, Any]:
    """The spots stage (:func:`volltrack.cluster.spot_stage.write_spots`); with a cluster, each frame's table also
    goes to the tracker (``stream``) as its task finishes."""
    from volltrack.cluster.spot_stage import write_spots

    labels, mask = _read(labels_path), read_mask(inputs.mask, meta["shape"])
    if mask is not None and labels.ndim == 3:  # one time point: the mask without its T axis
        mask = mask[0]
    parameters = {"labels": str(labels_path), "raw": str(inputs.raw),
                  "mask": str(inputs.mask) if inputs.mask else None}
    raw = None if client is not None else _read(inputs.raw, config.image.axes)
    written = write_spots(labels, spots_path, labels_path=labels_path, image=inputs.raw, raw=raw, raw_path=inputs.raw,
                          mask=mask, mask_path=inputs.mask, axes=config.image.axes, calibration=meta["calibration"],
                          frame_interval=meta["frame_interval"], time_units=config.image.time_units,
                          parameters=parameters, client=client, on_frame=None if stream is None else stream.add)
    if stream is not None:             # the tracker took every frame in: what the track stage needs of the table
        stream.attrs = dict(read_spots_attrs(spots_path))
    return {"spots": written.n_spots, "inside tissue": written.n_inside, "frames": written.frames_with_spots}


def _track(config: RunConfig, spots_path: Path, xml_path: Path, stream=None) -> dict[str, Any]:
    """Track the spot table; with a ``stream`` the engine already holds (it took each frame's spots in as the
    cluster computed them, :mod:`volltrack.tracking.stream`), tracked without reading ``spots.csv`` back."""
    from volltrack.spots import read_spots_csv
    from volltrack.tracking import track

    if stream is not None and getattr(stream, "attrs", None) is not None:
        if spots_path.is_file():       # written frame by frame beside the stream: each row at most one XML spot
            from volltrack.io.disk_space import check_free_space

            check_free_space(xml_path, spots_path.stat().st_size, f"the TrackMate XML of {spots_path}", option="")
        tracks = stream.track(config.tracking, attrs=stream.attrs, xml_path=xml_path)
    else:
        spots = read_spots_csv(spots_path)
        _check_xml_space(xml_path, len(spots), len(spots.columns))
        tracks = track(spots, config.tracking, xml_path=xml_path)
    visible = tracks.tracks
    splits = int(visible["NUMBER_SPLITS"].sum()) if "NUMBER_SPLITS" in visible else 0
    return {"tracks": len(visible), "edges": len(tracks.edges), "divisions": splits}


def _analyze(inputs: RunInputs, config: RunConfig, xml_path: Path, labels_path: Path, out: Path,
             meta: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from volltrack.analysis.export import analysis_record
    from volltrack.analysis.stage import write_analysis

    data = parsed_tracks(xml_path)
    if data.edges.empty:  # one time point, or no cell linked: nothing to analyse, not an error
        logger.warning("%s holds no track (no link between spots): the analysis is skipped", xml_path)
        with analysis_record(out, {"xml": str(xml_path)}) as files:
            atomic_write_text(out / "NO_TRACKS.txt", f"{xml_path} holds no track (no link between spots); "
                              "nothing to analyse. A movie needs at least two time points.\n")
            files.append(out / "NO_TRACKS.txt")
        return {"tracks analysed": 0, "dividing": 0, "tracklets": 0}
    image, labels = _read(inputs.raw, config.image.axes), _read(labels_path)
    mask = read_mask(inputs.mask, meta["shape"])
    if image is not None and image.ndim == 3:
        image, labels = image[np.newaxis], labels if labels.ndim == 4 else labels[np.newaxis]
    written = write_analysis(xml_path, out, data=data, image=image, labels=labels, mask=mask,
                             calibration=meta["calibration"], frame_interval=meta["frame_interval"],
                             smoothing_window=config.analysis.smoothing_window, spot_features=True,
                             parameters={"xml": str(xml_path)},
                             figures="report", movie_track="auto" if config.analysis.movie else "none",
                             movie_projection=config.analysis.movie_projection)
    dividing = written.analysis.track_set.select("dividing")
    return {"tracks analysed": len(written.selected), "dividing": len(dividing),
            "tracklets": len(written.analysis.tracklets)}


_PARSED: dict[str, Any] = {}


def parsed_tracks(xml_path: Path) -> Any:
    """The run's tracks XML as :class:`~volltrack.trackmate.TrackMateData`, parsed once for the stages after
    tracking (parsed again only when the file changed: another path, size or modification time)."""
    from volltrack.trackmate import read_xml

    stat = Path(xml_path).stat()
    key = (str(Path(xml_path).resolve()), stat.st_size, stat.st_mtime_ns)
    if _PARSED.get("key") != key:
        _PARSED.clear()
        _PARSED.update(key=key, data=read_xml(xml_path))
    return _PARSED["data"]


def _evaluate(inputs: RunInputs, labels_path: Path, xml_path: Path, out: Path) -> dict[str, Any]:
    import numpy as np

    from volltrack.metrics.tracking import evaluate_ctc, export_ctc, read_ctc

    tracks = parsed_tracks(xml_path)
    labels = np.asarray(_read(labels_path))
    export_ctc(labels, out / "ctc_result", spots=tracks.spots, edges=tracks.edges, visible_only=True)
    scores = evaluate_ctc(inputs.ground_truth, out / "ctc_result")
    gt = read_ctc(inputs.ground_truth)
    scores.update(_segmentation_scores(np.asarray(gt.labels), labels))
    atomic_write_text(out / "metrics.json", json.dumps(scores, indent=2))
    return {k: scores[k] for k in ("SEG", "DET", "TRA", "F1@0.5", "division_f1", "division_f1_tol1")
            if scores.get(k) is not None}


def _evaluate_timed(inputs: RunInputs, labels_path: Path, xml_path: Path, out: Path) -> tuple[dict[str, Any],
                                                                                                float, float]:
    """:func:`_evaluate` and its wall and CPU seconds (run in a child process)."""
    start, cpu = time.perf_counter(), time.process_time()
    summary = _evaluate(inputs, labels_path, xml_path, out)
    return summary, time.perf_counter() - start, time.process_time() - cpu


class _Evaluation:
    """The evaluate stage in a second process, started before the analysis so that the two (each a single-threaded
    Python job reading the same labels and tracks) run side by side on two cores; the stage itself then waits for
    it. Without :meth:`start`, :meth:`result` evaluates here. A failure on either side stops the other."""

    def __init__(self) -> None:
        self._pool: Any = None
        self._pending: Any = None

    def __enter__(self) -> "_Evaluation":
        return self

    def start(self, *args: Any) -> None:
        import multiprocessing

        self._pool = multiprocessing.get_context("spawn").Pool(1)   # not fork: the JVM and TensorFlow run here
        self._pending = self._pool.apply_async(_evaluate_timed, args)

    def result(self, *args: Any) -> dict[str, Any]:
        if self._pending is None:
            return _evaluate(*args)
        summary, wall, cpu = self._pending.get()
        timings = current_timings()
        if timings is not None:
            timings.add("evaluate/in a second process", wall, cpu, child=True)
        return summary

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


def _segmentation_scores(gt, pred) -> dict[str, float]:
    from stardist.matching import matching_dataset

    stats = matching_dataset(list(gt), list(pred), thresh=0.5, show_progress=False)
    return {"F1@0.5": float(stats.f1), "precision@0.5": float(stats.precision), "recall@0.5": float(stats.recall)}


def run_pipeline(inputs: RunInputs, out: Path, config: RunConfig | None = None, *,
                 force: bool = False, cluster: str | None = None, worker_memory: str | None = None,
                 output_format: str | None = None) -> RunResult:
    """Run the whole pipeline on ``inputs`` into the folder ``out``; finished stages are not recomputed.

    Parameters
    ----------
    inputs : RunInputs
        Raw movie, optional tissue mask and optional ground truth.
    out : path
        Output folder (created when missing).
    config : RunConfig, optional
        Every parameter; default :class:`RunConfig` ().
    force : bool, optional
        Recompute every stage. Default False.
    cluster : str, optional
        ``--cluster`` value: segmentation and spots as Dask tasks (:mod:`volltrack.cluster`). Default: here.
    worker_memory : str, optional
        Memory limit per local Dask worker (``"2GB"``).
    output_format : {"tif", "zarr"}, optional
        Segmentation outputs as TIFF or OME-Zarr; default zarr for an OME-Zarr raw movie, else tif.

    The wall and CPU seconds of the stages and their parts (model loading, networks, post-processing, JVM start,
    figures, movie, report ...) are in the result's ``timings``, added to the caller's collection when there is
    one (:func:`volltrack.io.timing.collecting`).
    """
    caller = current_timings()
    with collecting(caller if caller is not None else Timings()) as timings:
        result = _run_pipeline(inputs, out, config, force=force, cluster=cluster, worker_memory=worker_memory,
                               output_format=output_format)
    result.timings = timings
    return result


def _run_pipeline(inputs: RunInputs, out: Path, config: RunConfig | None, *, force: bool, cluster: str | None,
                  worker_memory: str | None, output_format: str | None) -> RunResult:
    config = config or RunConfig()
    out = Path(out)
    from volltrack.io.sources import split_container

    container = split_container(inputs.raw)
    if not Path(inputs.raw).exists() and not (container is not None and container[0].exists()):
        raise FileNotFoundError(f"raw movie not found: {inputs.raw}")
    if output_format is None:
        from volltrack.io.sources import default_output_format

        output_format = default_output_format(inputs.raw)
    for name in ("mask", "ground_truth"):
        path = getattr(inputs, name)
        if path is not None and not Path(path).exists():
            raise FileNotFoundError(f"--{name.replace('_', '-')} not found: {path}")
    with timed("check inputs"):
        shape, raw_meta = read_raw_meta(Path(inputs.raw), axes=config.image.axes)
        from volltrack.segmentation.batch import check_input

        check_input(Path(inputs.raw), config.image.axes)   # every frame (NaN, inf) before any work
        read_mask(inputs.mask, shape)
        check_ground_truth(inputs.ground_truth, shape[0])
        check_models(config.segmentation.models)
        _check_disk_space(inputs, out, shape, force, output_format, denoised=config.segmentation.denoise_first)
    from volltrack.io.output_lock import output_lock

    with output_lock(out, "volltrack run"):   # one writer per folder
        return _run_stages(inputs, out, config, force, shape, raw_meta, cluster=cluster, worker_memory=worker_memory,
                           output_format=output_format)


def _check_disk_space(inputs: RunInputs, out: Path, shape, force: bool, output_format: str = "tif", *,
                      denoised: bool = False) -> None:
    """Refuse at once when the segmentation still to do (TIFF or OME-Zarr outputs) cannot fit on the disk of ``out``
    (the XML is checked before tracking, :func:`_track`)."""
    import numpy as np

    from volltrack.io.disk_space import check_free_space, frames_still_to_segment, segmentation_bytes
    from volltrack.io.sources import output_name

    if not force and (out / STAMP_DIR / "segment.json").is_file():
        return                                       # segmented already (a changed parameter may redo it)
    n_frames = int(shape[0])
    seg_out = out / "segmentation"
    left = n_frames if force else frames_still_to_segment(seg_out, output_name(Path(inputs.raw)), n_frames)
    check_free_space(out, segmentation_bytes(left * int(np.prod(shape[1:])), output_format,
                                             raw_itemsize=_raw_itemsize(inputs), denoised=denoised),
                     f"the segmentation of {left} frame(s) of {tuple(int(n) for n in shape[1:])} voxels")


def _raw_itemsize(inputs: RunInputs) -> int:
    """Bytes per voxel of the raw movie (opened lazily); 2 (uint16) when it cannot be told."""
    try:
        import numpy as np

        from volltrack.io import read_image

        image, _ = read_image(Path(inputs.raw), lazy=True)
        return int(np.dtype(image.dtype).itemsize)
    except Exception:  # noqa: BLE001 -- only an estimate; the checks before already read the movie
        return 2


def _check_xml_space(xml_path: Path, n_spots: int, n_columns: int) -> None:
    """Refuse before tracking when the TrackMate XML of ``n_spots`` spots cannot fit on the disk of ``xml_path``."""
    from volltrack.io.disk_space import check_free_space, xml_bytes

    check_free_space(xml_path, xml_bytes(n_spots, n_columns), f"the TrackMate XML of {n_spots} spots", option="")


def _run_stages(inputs: RunInputs, out: Path, config: RunConfig, force: bool, shape, raw_meta, *, cluster=None,
                worker_memory=None, output_format="tif") -> RunResult:
    """The stages of :func:`run_pipeline`, run with the lock of ``out`` held."""
    out.mkdir(parents=True, exist_ok=True)
    config.write_yaml(out / "run.yaml")
    meta = {**_image_meta(raw_meta, config), "shape": shape}
    runner = StageRunner(out, force=force)
    seg_dir = out / "segmentation"
    from volltrack.io.sources import output_name

    labels_path = seg_dir / "VollSeg" / f"{output_name(Path(inputs.raw))}.tif"
    if output_format == "zarr":
        from volltrack.segmentation.zarr_outputs import labels_path as zarr_labels_path

        labels_path = zarr_labels_path(seg_dir, output_name(Path(inputs.raw)))
    spots_path, xml_path, analysis_dir = out / "spots.csv", out / "tracks.xml", out / "analysis"
    params = config.model_dump(mode="json")
    optional = [p for p in (inputs.mask,) if p is not None]
    from volltrack.cluster.options import cluster_from_args

    stream = None
    if cluster is not None:
        # the tracker (one engine process, here) takes each frame's spots in as its task finishes
        from volltrack.tracking.stream import SpotStream

        stream = SpotStream()
    with cluster_from_args(argparse.Namespace(cluster=cluster, worker_memory=worker_memory)) as client:
        runner.run("segment", lambda: _segment(inputs, config, seg_dir, meta, fresh=force, client=client,
                                               output_format=output_format),
                   params={"image": params["image"], "segmentation": params["segmentation"],
                           **({"format": output_format} if output_format != "tif" else {})},
                   inputs=[inputs.raw], outputs=[labels_path])
        runner.run("spots", lambda: _spots(inputs, config, labels_path, spots_path, meta, client, stream),
                   params=params["image"], inputs=[labels_path, inputs.raw, *optional], outputs=[spots_path])
    runner.run("track", lambda: _track(config, spots_path, xml_path, stream), params=params["tracking"],
               inputs=[spots_path], outputs=[xml_path])
    metrics: dict[str, Any] = {}
    evaluate_inputs = [labels_path, xml_path, inputs.ground_truth]
    with _Evaluation() as evaluation:
        if inputs.ground_truth is not None and runner.needs_run("evaluate", params={}, inputs=evaluate_inputs,
                                                                outputs=[out / "metrics.json"]):
            evaluation.start(inputs, labels_path, xml_path, out)   # in a second process, beside the analysis
        runner.run("analyze", lambda: _analyze(inputs, config, xml_path, labels_path, analysis_dir, meta),
                   params=params["analysis"], inputs=[xml_path, labels_path, *optional], outputs=[analysis_dir])
        if inputs.ground_truth is not None:
            runner.run("evaluate", lambda: evaluation.result(inputs, labels_path, xml_path, out), params={},
                       inputs=evaluate_inputs, outputs=[out / "metrics.json"])
            metrics = json.loads((out / "metrics.json").read_text())
    outputs = {"labels": labels_path, "spots": spots_path, "tracks": xml_path, "analysis": analysis_dir}
    plots = sorted((analysis_dir / "plots").glob("*.png"))
    with timed("report"):
        report = write_report(out / "report.html", title=f"volltrack run: {Path(inputs.raw).name}",
                              records=runner.records,
                              params={"inputs": {k: str(v) for k, v in vars(inputs).items()}, **params},
                              metrics=metrics, plots=plots, outputs=outputs, analysis_dir=analysis_dir)
    outputs["report"] = report
    return RunResult(runner.records, outputs, metrics)
