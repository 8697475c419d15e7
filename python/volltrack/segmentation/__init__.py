"""VollSeg segmentation: N2V denoising, StarDist3D + U-Net seed pooling, masked watershed, label-safe tiling.

Nothing here imports TensorFlow, StarDist or CSBDeep at import time; models load on first use.
"""

from volltrack.segmentation.models import DEMO_MODELS, Models, load_models
from volltrack.segmentation.pipeline import VollSegResult, segment_from_predictions, vollseg
from volltrack.segmentation.seed_pool import SeedPool, seed_pool
from volltrack.segmentation.watershed import masked_watershed, paint_markers

__all__ = ["DEMO_MODELS", "Models", "SeedPool", "VollSegResult", "load_models", "masked_watershed",
           "paint_markers", "seed_pool", "segment_from_predictions", "vollseg"]
