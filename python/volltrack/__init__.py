"""volltrack: segment, track and analyse membrane-labelled cells in 3D+t microscopy.

The pipeline has three stages, one subpackage each, in the order the data travels:

* :mod:`volltrack.segmentation` -- Noise2Void denoising and VollSeg (StarDist3D + U-Net seed pooling +
  marker-controlled watershed);
* :mod:`volltrack.spots` and :mod:`volltrack.tracking` -- label movies to TrackMate spot tables, and
  BTrackmate, the TrackMate-compatible LAP tracking engine (Java, driven through scyjava/JPype);
* :mod:`volltrack.analysis` -- tracklets, divisions, distance to the tissue boundary, intensity and FFT.

Importing this package is cheap: TensorFlow, the JVM and Qt are loaded on first use only.
"""

import importlib.util as _importlib_util
import os as _os

# TensorFlow >= 2.16 ships Keras 3 as tf.keras; StarDist, CSBDeep and the saved models need Keras 2, which the
# tf-keras package provides when TF_USE_LEGACY_KERAS=1 is set before TensorFlow is first imported (volltrack
# imports TensorFlow lazily, always after this package). Only set when tf-keras is installed (older TensorFlow
# has Keras 2 built in and fails with the variable set); an explicit setting by the user wins.
if _importlib_util.find_spec("tf_keras") is not None:
    _os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

# TensorFlow's oneDNN kernels run the 3D convolutions of StarDist and the U-Net 2-4x faster on CPU (measured on the
# bundled models, bench/README.md), but TensorFlow turns them on by default only on CPUs with AVX-512 VNNI and
# newer. Same labels up to float round-off (probabilities within 1e-6). TF_ENABLE_ONEDNN_OPTS=0 turns them off.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

__version__ = "0.1.0"

__all__ = ["__version__"]
