"""volltrack: segment, track and analyse membrane-labelled cells in 3D+t microscopy.

The pipeline has three stages, one subpackage each, in the order the data travels:

* :mod:`volltrack.segmentation` -- Noise2Void denoising and VollSeg (StarDist3D + U-Net seed pooling +
  marker-controlled watershed);
* :mod:`volltrack.spots` and :mod:`volltrack.tracking` -- label movies to TrackMate spot tables, and
  BTrackmate, the TrackMate-compatible LAP tracking engine (Java, driven through scyjava/JPype);
* :mod:`volltrack.analysis` -- tracklets, divisions, distance to the tissue boundary, intensity and FFT.

Importing this package is cheap: TensorFlow, the JVM and Qt are loaded on first use only.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
