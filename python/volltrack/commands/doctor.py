"""``volltrack doctor``: check the installation, one OK/FAIL line per component, each FAIL with its fix."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from typing import Callable

from volltrack.io.versions import installed_version

HELP = "check the installation: Python packages, Java, the engine jar, TensorFlow and GPUs, napari, Fiji"

#: Required distributions; "a|b" accepts either (TensorFlow comes as tensorflow or tensorflow-cpu).
_PACKAGES = ("numpy", "scipy", "scikit-image", "pandas", "tifffile", "lxml", "tensorflow|tensorflow-cpu", "csbdeep",
             "stardist", "jpype1", "scyjava")


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack doctor``."""
    parser.add_argument("--skip-tensorflow", action="store_true", help="do not import TensorFlow (slow)")


def _check_python() -> tuple[bool, str]:
    versions, missing = [], []
    for choices in _PACKAGES:
        for name in choices.split("|"):
            version = installed_version(name)
            if version is not None:
                versions.append(f"{name} {version}")
                break
        else:
            missing.append(choices.split("|")[0])
    text = f"Python {platform.python_version()}; " + ", ".join(versions)
    if sys.version_info < (3, 11):
        return False, text + " -- fix: use Python 3.11, 3.12 or 3.13"
    if missing:
        return False, text + f" -- missing {', '.join(missing)}; fix: pip install -e '.[napari,fiji,dev]'"
    return True, text


def _check_java() -> tuple[bool, str]:
    from volltrack.tracking.jvm import JavaNotFound, find_java_home, java_version

    try:
        home = find_java_home()
    except JavaNotFound as exc:
        return False, str(exc)
    return True, f"Java {java_version(home / 'bin' / 'java')} at {home} (JAVA_HOME={os.environ.get('JAVA_HOME', 'unset')})"


def _check_engine() -> tuple[bool, str]:
    from volltrack.tracking.engine_jar import EngineJarNotFound, find_engine_jar

    try:
        jar = find_engine_jar()
    except EngineJarNotFound as exc:
        return False, str(exc)
    heap = os.environ.get("VOLLTRACK_JVM_HEAP")
    if heap is not None and not re.fullmatch(r"[1-9][0-9]*[kKmMgGtT]?", heap.strip()):
        return False, (f"VOLLTRACK_JVM_HEAP={heap!r} is not a Java heap size -- fix: a number with a unit, "
                       "e.g. 8g or 8192m, or unset it (default 4g)")
    code = ("from volltrack.tracking.jvm import jimport; "
            "print(jimport('org.volltrack.btrackmate.cli.Main').__name__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return False, f"the JVM did not start with {jar}: {last} -- fix: 'make setup', check JAVA_HOME"
    return True, f"JVM starts with the engine jar {jar}"


def _check_tensorflow() -> tuple[bool, str]:
    try:
        import tensorflow as tf
    except Exception as exc:  # noqa: BLE001 -- any import failure is reported, not raised
        return False, f"TensorFlow does not import ({exc}) -- fix: reinstall volltrack ('pip install volltrack' " \
                      "or 'make setup')"
    gpus = tf.config.list_physical_devices("GPU")
    build = "CUDA build" if tf.test.is_built_with_cuda() else "CPU build"
    return True, f"TensorFlow {tf.__version__} ({build}, {len(gpus)} GPU{'s' if len(gpus) != 1 else ''}, " \
                 f"{'GPU' if gpus else 'CPU only'})"


def nvidia_gpu_present() -> bool:
    """Return True when the machine shows an NVIDIA GPU driver (``/proc/driver/nvidia`` or ``nvidia-smi``)."""
    return os.path.exists("/proc/driver/nvidia/version") or shutil.which("nvidia-smi") is not None


def gpu_report(gpu_names: list[str], *, built_with_cuda: bool, nvidia_present: bool,
               system: str, machine: str, tf_version: str = "") -> tuple[bool, str]:
    """Say which GPUs TensorFlow uses, or what to install when a GPU is present but unused.

    Parameters
    ----------
    gpu_names : list of str
        The GPUs TensorFlow sees (``tf.config.list_physical_devices("GPU")``), by name.
    built_with_cuda : bool
        ``tf.test.is_built_with_cuda()``: False for the CPU build (``tensorflow-cpu``, macOS).
    nvidia_present : bool
        Whether an NVIDIA driver is visible on this machine.
    system, machine : str
        ``platform.system()`` and ``platform.machine()``.
    tf_version : str, optional
        The installed TensorFlow version, so the fix installs the matching CUDA build.

    Returns
    -------
    (bool, str)
        False only when a GPU is present that TensorFlow does not use; the text then gives the fix.
    """
    if gpu_names:
        return True, f"TensorFlow uses {len(gpu_names)} GPU{'s' if len(gpu_names) != 1 else ''}: " + \
            ", ".join(gpu_names)
    cuda_build = f"tensorflow[and-cuda]=={tf_version}" if tf_version else "tensorflow[and-cuda]"
    if nvidia_present:
        if not built_with_cuda:
            return False, ("an NVIDIA GPU is present but TensorFlow is the CPU build -- fix: "
                           f"pip uninstall -y tensorflow-cpu tensorflow && pip install '{cuda_build}' "
                           "(TensorFlow with CUDA, Linux x86-64; see docs/install.md)")
        return False, ("an NVIDIA GPU is present but TensorFlow sees none (CUDA libraries or driver missing) -- "
                       f"fix: pip install '{cuda_build}' (brings the CUDA libraries) and check that "
                       "'nvidia-smi' works; see docs/install.md")
    if system == "Darwin" and machine == "arm64":
        return True, ("no GPU in use: CPU only (on Apple Silicon 'pip install tensorflow-metal' lets TensorFlow "
                      "use the GPU; optional)")
    return True, "no GPU found: CPU only (fine for the demo; training and large movies are faster on a GPU)"


def _check_gpu() -> tuple[bool, str]:
    try:
        import tensorflow as tf
    except Exception:  # noqa: BLE001 -- reported by the tensorflow check
        return False, "TensorFlow does not import (see above)"
    names = []
    for device in tf.config.list_physical_devices("GPU"):
        try:
            details = tf.config.experimental.get_device_details(device)
        except Exception:  # noqa: BLE001 -- the name is a nicety
            details = {}
        names.append(str(details.get("device_name") or device.name))
    return gpu_report(names, built_with_cuda=tf.test.is_built_with_cuda(), nvidia_present=nvidia_gpu_present(),
                      system=platform.system(), machine=platform.machine(), tf_version=tf.__version__)


def _check_n2v() -> tuple[bool, str]:
    from volltrack.segmentation.n2v_package import N2V_INSTALL

    version = installed_version("n2v")
    if version is None:
        return False, ("n2v is not installed (optional: only Noise2Void denoising and 'volltrack train n2v' need it) "
                       f"-- fix: {N2V_INSTALL}")
    return True, f"n2v {version} (Noise2Void)"


def _check_napari() -> tuple[bool, str]:
    version = installed_version("napari")
    if version is None:
        return False, "napari is not installed -- fix: pip install -e '.[napari]'"
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    note = "" if display else " (no DISPLAY: the viewer needs a display or Xvfb)"
    return True, f"napari {version} available{note}"


_DESCRIBE_FIJI = ("import json, logging; logging.disable(logging.CRITICAL); "
                  "from volltrack.tracking.fiji_backend import describe_fiji; "
                  "print('VOLLTRACK_FIJI_REPORT ' + json.dumps(describe_fiji()))")


def _check_fiji(timeout: float = 300.0) -> tuple[bool, str]:
    """Start ImageJ2 in a child process as the Fiji backend does; report its version, TrackMate's, BTrackmate."""
    import json

    fiji = os.environ.get("VOLLTRACK_FIJI")
    if not fiji:
        return False, ("no Fiji configured (optional: only the 'fiji' tracking backend needs one) -- fix: "
                       "set VOLLTRACK_FIJI to a local Fiji.app folder or a Maven endpoint such as "
                       "'sc.fiji:fiji:2.16.0'")
    try:
        proc = subprocess.run([sys.executable, "-c", _DESCRIBE_FIJI], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, (f"ImageJ2 did not start within {timeout:.0f} s from VOLLTRACK_FIJI={fiji} -- fix: a local "
                       "Fiji.app starts offline; a Maven endpoint needs the network")
    report = next((line.split(" ", 1)[1] for line in proc.stdout.splitlines()
                   if line.startswith("VOLLTRACK_FIJI_REPORT ")), None)
    if proc.returncode != 0 or report is None:
        last = [line for line in proc.stderr.strip().splitlines() if line.strip()] or ["no output"]
        return False, (f"ImageJ2 did not start from VOLLTRACK_FIJI={fiji}: {last[-1].strip()} -- fix: see the "
                       "message; VOLLTRACK_FIJI must name a Fiji.app with TrackMate (README, 'BTrackmate in Fiji')")
    info = json.loads(report)
    text = (f"ImageJ2 {info['imagej']} started headless in {info['seconds']} s (Java {info['java']}) from "
            f"{info['fiji']}; {'TrackMate ' + info['trackmate'] if info['trackmate'] else 'no TrackMate'}; "
            f"BTrackmate {info['btrackmate']}")
    if info["trackmate"] is None:
        return False, text + " -- fix: enable TrackMate in Fiji (Help > Update...)"
    if not info["btrackmate_ok"]:
        return False, text + " -- fix: add the BTrackmate update site in Fiji, or run 'make fiji-dist'"
    if not info["commons_csv"]:
        text += " (warning: no commons-csv in this Fiji: the BTrackmate command cannot read CSV spot tables)"
    return True, text


def run(args: argparse.Namespace) -> int:
    """Run every check and print one line each; exit code 1 if a required check failed."""
    checks: list[tuple[str, Callable[[], tuple[bool, str]], bool]] = [
        ("python", _check_python, True),
        ("java", _check_java, True),
        ("engine", _check_engine, True),
        ("n2v", _check_n2v, False),
        ("napari", _check_napari, False),
        ("fiji", _check_fiji, False),
    ]
    if not args.skip_tensorflow:
        checks.insert(3, ("tensorflow", _check_tensorflow, True))
        checks.insert(4, ("gpu", _check_gpu, False))
    failed = False
    for name, check, required in checks:
        ok, text = check()
        print(f"{'OK  ' if ok else 'FAIL'} {name:<10} {text}", flush=True)
        failed |= required and not ok
    return 1 if failed else 0
