"""Training of VollSeg's networks: patch datasets with augmentation, StarDist3D / U-Net / N2V training, thresholds.

Modules (TensorFlow, StarDist and CSBDeep are imported only inside the functions that train or predict):

* :mod:`~volltrack.training.pairs` -- find and read ``Raw/`` + ``RealMask/`` image pairs;
* :mod:`~volltrack.training.augmentation` -- flips, 90° rotations, Poisson/Gaussian noise, normalisation;
* :mod:`~volltrack.training.patches` -- patch sampling, streamed .npz datasets with a validation split;
* :mod:`~volltrack.training.parameters` -- hyper-parameters with the paper's defaults;
* :mod:`~volltrack.training.stardist_training`, :mod:`~volltrack.training.unet_training`,
  :mod:`~volltrack.training.n2v_training` -- the three trainers, saving StarDist/CSBDeep model folders;
* :mod:`~volltrack.training.thresholds` -- probability/NMS threshold optimisation -> ``thresholds.json``.
"""

from volltrack.training.augmentation import AugmentationSettings, normalize_percentile
from volltrack.training.pairs import TrainingPair, find_training_pairs
from volltrack.training.parameters import PAPER_DEFAULTS, TrainingParameters
from volltrack.training.patches import TrainingData, load_training_data, prepare_training_data

__all__ = [
    "AugmentationSettings", "normalize_percentile", "TrainingPair", "find_training_pairs", "PAPER_DEFAULTS",
    "TrainingParameters", "TrainingData", "load_training_data", "prepare_training_data",
]
