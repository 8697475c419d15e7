"""The whole chain in one call: raw movie -> VollSeg labels -> spots -> BTrackmate tracks -> analysis -> report.

:func:`run_pipeline` runs the stages in order; each stage is skipped when its outputs exist and its inputs and
parameters are unchanged (see :mod:`volltrack.pipeline.stages`), so an interrupted run resumes where it stopped.
"""

from volltrack.pipeline.config import RunConfig

__all__ = ["RunConfig"]
