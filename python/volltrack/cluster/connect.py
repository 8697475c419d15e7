"""``--cluster`` values to a Dask :class:`distributed.Client`.

* ``local`` or ``local:N`` -- N worker processes on this machine (default: one per core), one thread each;
* ``tcp://HOST:PORT`` (or ``HOST:PORT``) -- a running Dask scheduler;
* ``jobqueue:CONFIG.yaml`` -- a dask-jobqueue cluster (SLURM, PBS, LSF, SGE, HTCondor); the YAML holds
  ``kind`` (``slurm`` ...), ``jobs`` (how many batch jobs to start) and the keyword arguments of the
  dask-jobqueue class (``cores``, ``memory``, ``queue``, ``walltime``, ``job_extra_directives`` ...).
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

__all__ = ["open_cluster", "parse_cluster_spec", "JOBQUEUE_KINDS"]

logger = logging.getLogger(__name__)

#: ``kind`` in a jobqueue configuration -> dask_jobqueue class name.
JOBQUEUE_KINDS = {"slurm": "SLURMCluster", "pbs": "PBSCluster", "lsf": "LSFCluster", "sge": "SGECluster",
                  "htcondor": "HTCondorCluster", "oar": "OARCluster", "moab": "MoabCluster"}
#: Dask memory settings of local workers: no spilling, no pausing; restart above 95 % of the limit.
LOCAL_WORKER_MEMORY = {"distributed.worker.memory.target": False, "distributed.worker.memory.spill": False,
                       "distributed.worker.memory.pause": False, "distributed.worker.memory.terminate": 0.95}
_EXPECTED = "expected local, local:N, a scheduler address tcp://HOST:PORT, or jobqueue:CONFIG.yaml"


def parse_cluster_spec(spec: str) -> tuple[str, object]:
    """Parse a ``--cluster`` value into ``(kind, argument)``.

    Returns
    -------
    tuple
        ``("local", n_workers or None)``, ``("address", "tcp://...")`` or ``("jobqueue", Path)``.

    Raises
    ------
    ValueError
        For anything else, naming the value and what is expected.
    """
    text = (spec or "").strip()
    if text == "local":
        return "local", None
    if text.startswith("local:"):
        count = text.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"--cluster {spec!r}: the number of local workers must be a whole number >= 1; "
                             f"{_EXPECTED}")
        return "local", int(count)
    if text.startswith("jobqueue:"):
        config = Path(text.split(":", 1)[1])
        if not config.is_file():
            raise FileNotFoundError(f"--cluster {spec!r}: jobqueue configuration {config} not found")
        return "jobqueue", config
    if "://" in text or (":" in text and text.rsplit(":", 1)[1].isdigit()):
        return "address", text if "://" in text else f"tcp://{text}"
    raise ValueError(f"--cluster {spec!r}: {_EXPECTED}")


def _jobqueue_cluster(config_path: Path):
    from volltrack.io.yaml_files import read_yaml_mapping

    config = dict(read_yaml_mapping(config_path, expected="a mapping with kind, jobs and the dask-jobqueue options"))
    kind = str(config.pop("kind", "")).lower()
    jobs = config.pop("jobs", 1)
    if kind not in JOBQUEUE_KINDS:
        raise ValueError(f"{config_path}: kind {kind!r} is not one of {', '.join(JOBQUEUE_KINDS)}")
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"{config_path}: jobs must be a whole number >= 1, got {jobs!r}")
    try:
        import dask_jobqueue
    except ImportError:
        raise ValueError("--cluster jobqueue:... needs dask-jobqueue: pip install 'volltrack[cluster]'") from None
    try:
        cluster = getattr(dask_jobqueue, JOBQUEUE_KINDS[kind])(**config)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{config_path}: {JOBQUEUE_KINDS[kind]} refused the options: {exc}") from None
    cluster.scale(jobs=jobs)
    return cluster


@contextlib.contextmanager
def open_cluster(spec: str, *, memory_limit: str | None = None, quiet: bool = False,
                 worker_threads: int | None = None):
    """Start or connect to the cluster ``spec`` and yield a :class:`distributed.Client`; close it afterwards.

    Parameters
    ----------
    spec : str
        A ``--cluster`` value (see :func:`parse_cluster_spec`).
    memory_limit : str, optional
        Memory limit per worker of a local cluster (e.g. ``"2GB"``): a worker above 95 % of it is restarted
        (Dask's nanny) and its task retried elsewhere. Default: the machine's memory divided among the workers.
    quiet : bool, optional
        Do not print the dashboard link. Default False.
    worker_threads : int, optional
        Threads each local worker's TensorFlow may use for one operation (``TF_NUM_INTRAOP_THREADS`` in the
        worker's environment), e.g. 1 to give each of N workers one of N cores. Default: TensorFlow's own
        choice (every core of the machine, in each worker).

    Notes
    -----
    The client is not made the default Dask scheduler: dask arrays opened in this process (lazy inputs) are
    still computed here, and only the submitted per-frame tasks run on the workers.

    Local workers neither spill nor pause (:data:`LOCAL_WORKER_MEMORY`): volltrack's tasks write their results
    to disk and return small reports, so a worker holds no Dask data to spill, and most of its memory is the
    models it keeps (TensorFlow alone is several hundred MB). Pausing at 80 % of the limit would stall a worker
    whose models fill that much for good; the limit is enforced by the restart at 95 %.
    """
    from distributed import Client, LocalCluster

    kind, argument = parse_cluster_spec(spec)
    cluster = None
    if kind == "local":
        workers = argument or os.cpu_count() or 1
        import dask

        with dask.config.set(LOCAL_WORKER_MEMORY):      # the nannies pass this configuration to their workers
            threads = {} if worker_threads is None else {"env": {"TF_NUM_INTRAOP_THREADS": str(int(worker_threads)),
                                                                  "TF_NUM_INTEROP_THREADS": "1"}}
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   memory_limit=memory_limit or "auto", dashboard_address=":0",
                                   silence_logs=logging.ERROR, **threads)
        client = Client(cluster, set_as_default=False)
    elif kind == "jobqueue":
        cluster = _jobqueue_cluster(argument)
        client = Client(cluster, set_as_default=False)
    else:
        try:
            client = Client(argument, set_as_default=False, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"--cluster {spec!r}: no Dask scheduler answers at {argument} ({exc})") from None
    if not quiet:
        print(f"Dask cluster {spec}: dashboard {client.dashboard_link}", flush=True)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
