"""Bundled demo models (StarDist3D, U-Net, N2V) trained on simulator data; see README.md beside this file.

:data:`DEMO_MODELS` is the folder holding ``stardist/``, ``unet/`` and ``n2v/``.
"""

from pathlib import Path

#: Folder of the bundled demo model folders.
DEMO_MODELS = Path(__file__).resolve().parent
