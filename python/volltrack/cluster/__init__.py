"""Run volltrack's per-frame stages (segmentation, spot table) as Dask tasks on a cluster.

* :mod:`~volltrack.cluster.connect` -- ``--cluster local[:N] | SCHEDULER_ADDRESS | jobqueue:CONFIG`` to a
  :class:`distributed.Client` (local processes, a running scheduler, or SLURM/PBS/LSF/SGE through dask-jobqueue);
* :mod:`~volltrack.cluster.tasks` -- what runs on a worker: one frame segmented (models loaded once per worker)
  and written at once, one frame's spot table; each task reports its time and the worker's peak memory;
* :mod:`~volltrack.cluster.segment` and :mod:`~volltrack.cluster.spots` -- submit the tasks, show progress,
  collect the reports.
* :mod:`~volltrack.cluster.spot_stage` -- the spots stage of ``volltrack spots`` and ``volltrack run``, here or as
  those tasks.

Tracking stays one engine process (it needs every frame's spots at once).
"""

from volltrack.cluster.connect import open_cluster, parse_cluster_spec

__all__ = ["open_cluster", "parse_cluster_spec"]
