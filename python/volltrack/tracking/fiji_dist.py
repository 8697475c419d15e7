"""Assemble the Fiji distribution of BTrackmate: a folder laid out like a Fiji update site.

``make fiji-dist`` runs ``python -m volltrack.tracking.fiji_dist --out dist/fiji``. The folder holds
everything a Fiji user copies into ``Fiji.app``::

    plugins/BTrackmate_-<v>.jar          engine + ImageJ1 command (Plugins > Tracking > BTrackmate)
    jars/btrackmate-fiji-<v>.jar         TrackMate wizard modules (detector, analyzers, action)
    jars/commons-csv-<v>.jar             engine dependency Fiji does not ship
    scripts/Plugins/BTrackmate/*.py      the Jython scripts of fiji-scripts/ (Plugins > BTrackmate menu)
    macros/BTrackmate_example.ijm        a macro calling the command
    README.txt, MANIFEST.json            how to install; every file with its SHA-256 and the versions

ImageJ1 (``ij``), jgrapht and gson are not copied: Fiji ships them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)

VERSION = "0.1.0"
_ROOT = Path(__file__).resolve().parents[3]
#: Third-party jars the engine needs at run time and Fiji does not ship: (group path, artifact, pom property).
BUNDLED_DEPENDENCIES = (("org/apache/commons", "commons-csv", "commons-csv.version"),)

EXAMPLE_MACRO = """// BTrackmate example: track the cells of a label image and save a TrackMate XML file.
// Recorded by Plugins > Macros > Record... when you run Plugins > Tracking > BTrackmate.
// Headless: java ... HeadlessMacro BTrackmate_example.ijm /path/labels.tif (or ImageJ -batch with an argument).
labels = getArgument();
if (labels == "") labels = File.openDialog("Label image (TIFF, XYZT)");
xml = File.getDirectory(labels) + File.getNameWithoutExtension(labels) + "_tracks.xml";
run("BTrackmate", "labels=[" + labels + "] xml=[" + xml + "] linking_max_distance=15 allow_gap_closing "
    + "gap_closing_max_distance=15 max_frame_gap=2 min_tracklet_length=0 prune_mode=BRANCH");
"""

README = """BTrackmate {version} for Fiji
==========================

Install: copy the folders jars/, plugins/, scripts/ and macros/ into your Fiji.app folder (merge them with the
existing folders), then restart Fiji. TrackMate 8 is needed for the wizard modules only; the BTrackmate command
and the scripts work in any Fiji or ImageJ 1.54+.

Menu:    Plugins > Tracking > BTrackmate          (label image or CSV spot table -> TrackMate XML)
         Plugins > BTrackmate > <script>          (headless run, batch run, print tracks)
Macro:   run("BTrackmate", "labels=[/path/labels.tif] xml=[/path/tracks.xml] linking_max_distance=15 allow_gap_closing");
TrackMate: the detector "BTrackmate spots (label image or CSV)", the spot features INSIDE_TISSUE, TISSUE_FRACTION,
         DISTANCE_TO_BOUNDARY, the track features N_TRACKLETS / SHORTEST_TRACKLET and the action
         "Prune short tracklets (BTrackmate)" appear in TrackMate's wizard.
"""


class DistributionError(FileNotFoundError):
    """Raised when a built artefact is missing; the message says how to build it."""


def _pom_property(name: str) -> str:
    text = (_ROOT / "pom.xml").read_text(encoding="utf-8")
    match = re.search(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", text)
    if match is None:
        raise DistributionError(f"pom.xml: property <{name}> not found")
    return match.group(1).strip()


def _maven_repository() -> Path:
    return Path(os.environ.get("MAVEN_REPO_LOCAL", Path.home() / ".m2" / "repository"))


def _built_jar(module: str, name: str) -> Path:
    path = _ROOT / "java" / module / "target" / name
    if not path.is_file():
        raise DistributionError(f"{path} is missing; build it first with 'mvn -B -DskipTests package' "
                                "(or 'make setup')")
    return path


def distribution_files(*, root: Path | None = None) -> dict[str, Path]:
    """Return the files of the distribution: relative destination path -> source file.

    Parameters
    ----------
    root : Path, optional
        Source checkout; default the checkout this module lives in.

    Raises
    ------
    DistributionError
        When a jar has not been built or a dependency is not in the local Maven repository.
    """
    base = root or _ROOT
    files = {
        f"plugins/BTrackmate_-{VERSION}.jar": _built_jar("btrackmate", f"btrackmate-{VERSION}.jar"),
        f"jars/btrackmate-fiji-{VERSION}.jar": _built_jar("btrackmate-fiji", f"btrackmate-fiji-{VERSION}.jar"),
    }
    for group, artifact, prop in BUNDLED_DEPENDENCIES:
        version = _pom_property(prop)
        jar = _maven_repository() / group / artifact / version / f"{artifact}-{version}.jar"
        if not jar.is_file():
            raise DistributionError(f"{jar} is missing from the local Maven repository; run 'mvn -B package'")
        files[f"jars/{artifact}-{version}.jar"] = jar
    scripts = sorted((base / "fiji-scripts").glob("*.py"))
    if not scripts:
        raise DistributionError(f"no Jython scripts in {base / 'fiji-scripts'}")
    for script in scripts:
        files[f"scripts/Plugins/BTrackmate/{script.name}"] = script
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_distribution(out: str | os.PathLike, *, root: Path | None = None) -> Path:
    """Write the Fiji distribution folder ``out`` (replacing it as a whole, atomically).

    Parameters
    ----------
    out : str or PathLike
        Destination folder, e.g. ``dist/fiji``; created with its parents.
    root : Path, optional
        Source checkout; default the checkout this module lives in.

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> build_distribution("dist/fiji")  # doctest: +SKIP
    PosixPath('dist/fiji')
    """
    out = Path(out)
    files = distribution_files(root=root)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for relative, source in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, staging / relative)
        (staging / "macros").mkdir(exist_ok=True)
        (staging / "macros" / "BTrackmate_example.ijm").write_text(EXAMPLE_MACRO, encoding="utf-8")
        (staging / "README.txt").write_text(README.format(version=VERSION), encoding="utf-8")
        manifest = {"name": "BTrackmate", "version": VERSION, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                    time.gmtime()), "python": sys.version.split()[0],
                    "files": {str(p.relative_to(staging)): _sha256(p)
                              for p in sorted(staging.rglob("*")) if p.is_file()}}
        (staging / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("wrote the Fiji distribution to %s (%d files)", out, len(files) + 3)
    return out


def _swap_in(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m volltrack.tracking.fiji_dist --out dist/fiji``."""
    parser = argparse.ArgumentParser(prog="python -m volltrack.tracking.fiji_dist", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="dist/fiji", help="destination folder (default dist/fiji)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        path = build_distribution(args.out)
    except DistributionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Fiji distribution written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
