"""``volltrack doctor``'s GPU line: the GPUs TensorFlow uses, or what to install when a GPU sits unused."""

import pytest

from volltrack.commands import doctor
from volltrack.commands.doctor import gpu_report


def test_gpus_in_use_are_listed():
    ok, text = gpu_report(["NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-40GB"], built_with_cuda=True,
                          nvidia_present=True, system="Linux", machine="x86_64")
    assert ok and text == "TensorFlow uses 2 GPUs: NVIDIA A100-SXM4-40GB, NVIDIA A100-SXM4-40GB"


def test_nvidia_gpu_with_cpu_build_says_to_install_the_cuda_build():
    ok, text = gpu_report([], built_with_cuda=False, nvidia_present=True, system="Linux", machine="x86_64",
                          tf_version="2.15.1")
    assert not ok
    assert "CPU build" in text and "uninstall -y tensorflow-cpu" in text
    assert "pip install 'tensorflow[and-cuda]==2.15.1'" in text      # the CUDA build of the same version


def test_nvidia_gpu_unseen_by_a_cuda_build_points_to_the_cuda_libraries():
    ok, text = gpu_report([], built_with_cuda=True, nvidia_present=True, system="Linux", machine="x86_64",
                          tf_version="2.21.0")
    assert not ok
    assert "sees none" in text and "tensorflow[and-cuda]==2.21.0" in text and "nvidia-smi" in text


def test_no_gpu_is_fine():
    ok, text = gpu_report([], built_with_cuda=False, nvidia_present=False, system="Linux", machine="x86_64")
    assert ok and text.startswith("no GPU found: CPU only")


def test_apple_silicon_mentions_metal():
    ok, text = gpu_report([], built_with_cuda=False, nvidia_present=False, system="Darwin", machine="arm64")
    assert ok and "tensorflow-metal" in text


def test_nvidia_detection_reads_the_driver_and_nvidia_smi(monkeypatch):
    monkeypatch.setattr(doctor.os.path, "exists", lambda path: False)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    assert not doctor.nvidia_gpu_present()
    monkeypatch.setattr(doctor.shutil, "which", lambda name: "/usr/bin/nvidia-smi" if name == "nvidia-smi" else None)
    assert doctor.nvidia_gpu_present()
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    monkeypatch.setattr(doctor.os.path, "exists", lambda path: path == "/proc/driver/nvidia/version")
    assert doctor.nvidia_gpu_present()


def test_gpu_check_on_this_machine_matches_what_tensorflow_sees():
    tf = pytest.importorskip("tensorflow")
    ok, text = doctor._check_gpu()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        assert ok and text.startswith(f"TensorFlow uses {len(gpus)} GPU")
    elif doctor.nvidia_gpu_present():
        assert not ok and "fix:" in text
    else:
        assert ok and "CPU only" in text
