"""Metrics: segmentation matching, image similarity and Cell Tracking Challenge tracking metrics.

Tracking: :mod:`volltrack.metrics.tracking` (TRA, DET, LNK, SEG) and :mod:`volltrack.metrics.ctc_format`
(Cell Tracking Challenge folders). Submodules are imported on use, so this package stays cheap to import.
"""
