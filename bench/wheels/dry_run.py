"""Check that every dependency of volltrack has wheels for Python 3.11-3.13 on Linux x86-64 and macOS arm64.

For each (Python, platform) pair, pip resolves volltrack's dependencies (``pyproject.toml``, with the extras
given) accepting binary wheels only, for that interpreter version and platform, without installing anything
(``pip install --dry-run --only-binary=:all: --python-version V --platform P --target DIR --report R``; pip reads
the wheels' metadata from the index). Prints one line per pair: resolved or the first error line, and the
versions picked for the key packages; ``--json`` writes the full picks. Needs network access to the index.

    python bench/wheels/dry_run.py --extras napari,fiji,dev
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORMS = {
    "linux-x86_64": ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64",
                     "manylinux2014_x86_64", "linux_x86_64"],
    "macos-arm64": ["macosx_14_0_arm64", "macosx_13_0_arm64", "macosx_12_0_arm64", "macosx_11_0_arm64",
                    "macosx_11_0_universal2", "macosx_10_9_universal2"],
}
KEY = ("tensorflow", "tf-keras", "numpy", "scipy", "pandas", "scikit-image", "stardist", "csbdeep", "numba",
       "jpype1", "napari", "pyqt6", "n2v", "h5py", "nvidia-cudnn-cu12")


def requirements(extras: list[str], *, linux: bool) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        for req in project["optional-dependencies"][extra]:
            if "sys_platform == 'linux'" in req and not linux:
                continue
            reqs.append(req.split(";")[0].strip())
    return reqs


def dry_run(python: str, platform: str, reqs: list[str], extra_files: list[Path]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
               "--python-version", python, "--implementation", "cp", "--target", str(Path(tmp) / "t"),
               "--report", str(report), "--quiet"]
        for tag in PLATFORMS[platform]:
            cmd += ["--platform", tag]
        for path in extra_files:
            cmd += ["-r", str(path)]
        proc = subprocess.run(cmd + reqs, capture_output=True, text=True)
        if proc.returncode != 0:
            errors = [line for line in proc.stderr.splitlines() if line.startswith("ERROR")] or \
                proc.stderr.strip().splitlines()[-1:]
            return {"ok": False, "error": " | ".join(errors)[:600]}
        picks = {item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
                 for item in json.loads(report.read_text())["install"]}
        return {"ok": True, "packages": len(picks), "picks": picks}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", default="3.11,3.12,3.13")
    parser.add_argument("--platforms", default=",".join(PLATFORMS))
    parser.add_argument("--extras", default="napari,fiji,dev", help="extras to include (gpu: Linux only)")
    parser.add_argument("--with-n2v", action="store_true", help="also resolve n2v 0.3.3 in its own dry run "
                        "(--no-deps, as make setup installs it)")
    parser.add_argument("--requirements", help="resolve this requirements file (e.g. requirements-lock.txt) "
                        "instead of pyproject.toml's ranges")
    parser.add_argument("--json", help="write every result to this file")
    args = parser.parse_args(argv)
    extras = [e for e in args.extras.split(",") if e]
    results = {}
    for platform in args.platforms.split(","):
        for python in args.pythons.split(","):
            if args.requirements:
                result = dry_run(python, platform, [], [Path(args.requirements)])
            else:
                result = dry_run(python, platform, requirements(extras, linux=platform.startswith("linux")), [])
            results[f"{python} {platform}"] = result
            if result["ok"]:
                keys = ", ".join(f"{k} {result['picks'][k]}" for k in KEY if k in result["picks"])
                print(f"OK   Python {python} {platform}: {result['packages']} wheels; {keys}", flush=True)
            else:
                print(f"FAIL Python {python} {platform}: {result['error']}", flush=True)
            if args.with_n2v:
                n2v = dry_run(python, platform, ["--no-deps", "n2v==0.3.3"], [])
                print(f"     n2v 0.3.3 (--no-deps): {'OK' if n2v['ok'] else 'FAIL ' + n2v['error']}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
