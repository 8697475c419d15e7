"""Read back an ``.mp4`` written by volltrack, in the tests, without leaving pipes open.

imageio-ffmpeg's ``read_frames`` (also behind imageio's ``imiter`` of an .mp4) closes its ffmpeg child's pipes only
when the child still runs as the generator ends; when ffmpeg has already exited they stay open, a ResourceWarning
that the suite's warnings-as-errors turns into a failure. Here ffmpeg (imageio-ffmpeg's binary) runs through
``subprocess.run``.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np


def movie_frames(path: Path | str) -> np.ndarray:
    """The decoded RGB frames of the video stream of ``path``, shape (frames, height, width, 3), uint8."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    probe = subprocess.run([ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True, timeout=120)
    found = re.search(r"Video: .*?, (\d+)x(\d+)[\s,\[]", probe.stderr)
    assert found, f"no video stream in {path}: {probe.stderr[-500:]}"
    width, height = int(found[1]), int(found[2])
    decoded = subprocess.run([ffmpeg, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True, timeout=300)
    frame_bytes = width * height * 3
    assert len(decoded.stdout) % frame_bytes == 0, f"{path}: decoded bytes are not whole {width}x{height} frames"
    return np.frombuffer(decoded.stdout, np.uint8).reshape(-1, height, width, 3)


def movie_size_and_frames(path: Path | str) -> tuple[tuple[int, int], int]:
    """((width, height), number of decoded frames) of the video stream of ``path``."""
    frames = movie_frames(path)
    return (frames.shape[2], frames.shape[1]), frames.shape[0]
