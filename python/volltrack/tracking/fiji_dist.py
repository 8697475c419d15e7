"""BTrackmate's Fiji distribution: where the Fiji backend finds it, and the update site's index.

``make fiji-dist`` (Maven and a JDK only: ``java/fiji-dist``) writes two folders::

    dist/fiji/                 the files as they sit in Fiji.app (copy its folders into Fiji.app)
      plugins/BTrackmate_-<v>.jar          engine + ImageJ1 command (Plugins > Tracking > BTrackmate)
      jars/btrackmate-fiji-<v>.jar         TrackMate wizard modules (detector, analyzers, action)
      scripts/Plugins/BTrackmate/*.py      the Jython scripts of fiji-scripts/
      macros/BTrackmate_example.ijm        a macro calling the command
      README.txt, MANIFEST.json            how to install; every file with its SHA-256
    dist/fiji-update-site/     the same files as a Fiji update site: db.xml.gz + <path>-<timestamp>

Libraries Fiji ships (ImageJ1, commons-csv, jgrapht, gson) are not copied.

This module finds the distribution for the Fiji backend (:func:`find_distribution`: the one installed in the
Fiji.app, else the ``make fiji-dist`` output -- never the jars of a source tree's ``target/`` folders nor of
``~/.m2``), and reads and checks an update site by the ImageJ updater's rules (:func:`read_update_site`,
:func:`updater_checksum`; ``python -m volltrack.tracking.fiji_dist check dist/fiji-update-site``).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

VERSION = "0.1.0"
#: Environment variable naming a ``make fiji-dist`` output folder (``dist/fiji``).
DIST_ENV_VAR = "VOLLTRACK_FIJI_DIST"
INDEX_NAME = "db.xml.gz"
_ROOT = Path(__file__).resolve().parents[3]
ENGINE_PATTERN = "plugins/BTrackmate_-*.jar"
MODULES_PATTERN = "jars/btrackmate-fiji-*.jar"
#: Folder -> extensions the ImageJ updater manages there (the part of its list a plugin distribution uses).
MANAGED = {"jars": (".jar",), "plugins": (".jar", ".txt", ".ijm", ".py", ".js", ".bsh", ".groovy"),
           "scripts": (".ijm", ".py", ".js", ".bsh", ".groovy"), "macros": (".txt", ".ijm")}


class DistributionError(FileNotFoundError):
    """The distribution is missing or incomplete; the message says how to get it."""


@dataclass
class Distribution:
    """Where the backend takes BTrackmate's Fiji jars from.

    Attributes
    ----------
    folder : Path
        The Fiji.app (``installed``) or the ``make fiji-dist`` folder.
    installed : bool
        True when the Fiji.app holds the distribution (its own class path has the jars).
    jars : list of Path
        The jars to add to the class path (empty when installed).
    """

    folder: Path
    installed: bool
    jars: list[Path] = field(default_factory=list)


def _one(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern))
    if len(found) > 1:
        raise DistributionError(f"{folder}: {len(found)} versions of {pattern} ({', '.join(p.name for p in found)});"
                                " keep only the newest (SciJava would load both)")
    return found[0] if found else None


def _complete(folder: Path) -> list[Path] | None:
    """Return the two jars of a distribution in ``folder``, None when neither is there."""
    engine, modules = _one(folder, ENGINE_PATTERN), _one(folder, MODULES_PATTERN)
    if engine is None and modules is None:
        return None
    if engine is None or modules is None:
        missing = ENGINE_PATTERN if engine is None else MODULES_PATTERN
        raise DistributionError(f"{folder}: BTrackmate is only partly there ({missing} is missing); reinstall it "
                                "from the update site or copy all of dist/fiji/")
    return [engine, modules]


def default_dist_folder() -> Path | None:
    """Return the ``make fiji-dist`` output to use: ``VOLLTRACK_FIJI_DIST``, else this checkout's ``dist/fiji``."""
    configured = os.environ.get(DIST_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    candidate = _ROOT / "dist" / "fiji"
    return candidate if (_ROOT / "pom.xml").is_file() and candidate.is_dir() else None


def find_distribution(fiji_dir: str | os.PathLike | None, *, dist: str | os.PathLike | None = None) -> Distribution:
    """Find BTrackmate's Fiji jars: installed in ``fiji_dir``, else in the ``make fiji-dist`` output.

    Parameters
    ----------
    fiji_dir : str or PathLike or None
        The local Fiji.app, or None when Fiji comes from a Maven endpoint.
    dist : str or PathLike, optional
        A ``make fiji-dist`` folder; default :func:`default_dist_folder`.

    Raises
    ------
    DistributionError
        When neither holds the two jars; the message says how to install them.
    """
    if fiji_dir is not None:
        installed = _complete(Path(fiji_dir))
        if installed is not None:
            return Distribution(Path(fiji_dir), True, [])
    folder = Path(dist).expanduser() if dist is not None else default_dist_folder()
    if folder is not None:
        if not folder.is_dir():
            raise DistributionError(f"{DIST_ENV_VAR}={folder} is not a folder; expected the dist/fiji folder "
                                    "written by 'make fiji-dist'")
        jars = _complete(folder)
        if jars is not None:
            return Distribution(folder, False, jars)
        raise DistributionError(f"{folder} holds no BTrackmate jars ({ENGINE_PATTERN}, {MODULES_PATTERN}); "
                                "rerun 'make fiji-dist'")
    where = f"{fiji_dir} has" if fiji_dir is not None else "the Fiji of a Maven endpoint has"
    raise DistributionError(f"{where} no BTrackmate ({ENGINE_PATTERN}, {MODULES_PATTERN}): install it in Fiji "
                            "from the BTrackmate update site (README, 'BTrackmate in Fiji'), or run 'make fiji-dist' "
                            f"and set {DIST_ENV_VAR} to its dist/fiji folder")


# --------------------------------------------------------------------------- the update site's index


def is_managed(path: str) -> bool:
    """Tell whether the ImageJ updater manages a file at ``path`` inside Fiji.app (folder and extension)."""
    folder, slash, rest = path.partition("/")
    return (bool(slash) and bool(rest) and ".." not in path and "\\" not in path
            and Path(rest).suffix in MANAGED.get(folder, ()))


def _properties_for_digest(data: bytes) -> bytes:
    """The bytes of a ``.properties`` jar entry the updater digests (comment lines reduced to their line feed).

    The updater reads byte by byte with an "at line start" flag (initially set): any byte other than ``#``
    read while the flag is set clears it, a line feed read while it is clear sets it; a ``#`` read while it
    is set drops everything up to the next line feed (still updating the flag) and keeps only that line feed.
    """
    out = bytearray()
    at_start = True
    i, n = 0, len(data)
    while i < n:
        byte = data[i]
        i += 1
        if at_start and byte == 0x23:  # '#': a comment
            kept_newline = False
            while i < n:
                skipped = data[i]
                i += 1
                if at_start:
                    at_start = skipped == 0x23
                elif skipped == 0x0A:
                    at_start = True
                if skipped == 0x0A:
                    kept_newline = True
                    break
            if kept_newline:
                out.append(0x0A)
            continue
        if at_start:
            at_start = False
        elif byte == 0x0A:
            at_start = True
        out.append(byte)
    return bytes(out)


def updater_checksum(relative_path: str, file: str | os.PathLike) -> str:
    """Return the ImageJ updater's checksum of ``file`` installed at ``relative_path`` in Fiji.app.

    SHA-1 (hex). A ``.jar``: its entries sorted by name, each contributing its name (ASCII) and its content,
    ``*.properties`` with comment lines reduced to their line feed, the manifest's content left out (the
    updater's manifest filter keeps no line). Any other file: the relative path (ASCII), then the bytes.
    """
    digest = hashlib.sha1()
    if relative_path.endswith(".jar"):
        with zipfile.ZipFile(file) as jar:
            for info in sorted(jar.infolist(), key=lambda item: item.filename.encode("utf-16-be")):
                digest.update(info.filename.encode("ascii", errors="replace"))
                if info.filename == "META-INF/MANIFEST.MF":
                    continue
                content = jar.read(info)
                digest.update(_properties_for_digest(content) if info.filename.endswith(".properties") else content)
    else:
        digest.update(relative_path.encode("ascii", errors="replace"))
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


@dataclass
class SiteFile:
    """One ``<plugin>`` of an update-site index."""

    filename: str
    checksum: str
    timestamp: str
    filesize: int
    description: str | None
    previous: list[dict[str, str]]


class BadUpdateSite(ValueError):
    """The update site's index breaks the format's rules; the message names the file and the rule."""


def _timestamp(value: str | None, where: str) -> str:
    if value is None or not re.fullmatch(r"[0-9]{14}", value):
        raise BadUpdateSite(f"{where}: timestamp {value!r} is not yyyyMMddHHmmss")
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        raise BadUpdateSite(f"{where}: timestamp {value} is not a date") from None
    return value


def read_update_site(site: str | os.PathLike) -> list[SiteFile]:
    """Read ``site/db.xml.gz`` and check it by the updater's format rules.

    Checks: gzip of an XML document whose root is ``pluginRecords``, valid against its internal DTD when it has
    one (the updater itself does not validate); every ``plugin`` has a managed ``filename`` and one ``version`` with a 40-digit hex ``checksum``, a
    ``yyyyMMddHHmmss`` ``timestamp`` and an integer ``filesize``; previous versions have a checksum and a
    timestamp.

    Raises
    ------
    BadUpdateSite
        Naming the file and the broken rule.
    """
    from lxml import etree

    index = Path(site) / INDEX_NAME
    try:
        text = gzip.decompress(index.read_bytes())
    except FileNotFoundError:
        raise BadUpdateSite(f"{index}: missing; an update site has its index at the top") from None
    except (OSError, EOFError) as exc:
        raise BadUpdateSite(f"{index}: not gzip ({exc})") from None
    parser = etree.XMLParser(load_dtd=True, no_network=True, resolve_entities=False)
    try:
        tree = etree.ElementTree(etree.fromstring(text, parser))
    except etree.XMLSyntaxError as exc:
        raise BadUpdateSite(f"{index}: not well-formed XML ({exc})") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and not dtd.validate(tree):
        raise BadUpdateSite(f"{index}: not valid against its DTD ({dtd.error_log.filter_from_errors()[0]})")
    root = tree.getroot()
    if root.tag != "pluginRecords":
        raise BadUpdateSite(f"{index}: root element {root.tag!r}, expected 'pluginRecords'")
    files = []
    for plugin in root.iter("plugin"):
        name = plugin.get("filename", "")
        where = f"{index}: {name}"
        if not is_managed(name):
            raise BadUpdateSite(f"{where}: not a path the ImageJ updater manages")
        versions = plugin.findall("version")
        if len(versions) != 1:
            raise BadUpdateSite(f"{where}: {len(versions)} <version> elements, expected 1")
        version = versions[0]
        checksum = version.get("checksum", "")
        if not re.fullmatch(r"[0-9a-f]{40}", checksum):
            raise BadUpdateSite(f"{where}: checksum {checksum!r} is not 40 hex digits (SHA-1)")
        size = version.get("filesize", "")
        if not size.isdigit():
            raise BadUpdateSite(f"{where}: filesize {size!r} is not a number of bytes")
        previous = []
        for old in plugin.findall("previous-version"):
            if not re.fullmatch(r"[0-9a-f]{40}", old.get("checksum", "")):
                raise BadUpdateSite(f"{where}: a previous version's checksum is not 40 hex digits")
            _timestamp(old.get("timestamp"), where)
            previous.append(dict(old.attrib))
        files.append(SiteFile(name, checksum, _timestamp(version.get("timestamp"), where), int(size),
                              version.findtext("description"), previous))
    return files


def check_update_site(site: str | os.PathLike) -> list[SiteFile]:
    """Check a whole update site: the index (:func:`read_update_site`) and every file it serves.

    Every listed file must be served as ``<filename>-<timestamp>`` with the listed size and checksum, and
    every file of the folder but the index must be listed.

    Raises
    ------
    BadUpdateSite
        Naming the first file that breaks a rule.
    """
    site = Path(site)
    files = read_update_site(site)
    served = set()
    for entry in files:
        path = site / f"{entry.filename}-{entry.timestamp}"
        served.add(path.relative_to(site).as_posix())
        if not path.is_file():
            raise BadUpdateSite(f"{path}: missing (listed in {INDEX_NAME})")
        if path.stat().st_size != entry.filesize:
            raise BadUpdateSite(f"{path}: {path.stat().st_size} bytes, the index says {entry.filesize}")
        if updater_checksum(entry.filename, path) != entry.checksum:
            raise BadUpdateSite(f"{path}: checksum differs from the index's")
    extra = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    extra = [p for p in extra if p != INDEX_NAME and p not in served]
    if extra:
        raise BadUpdateSite(f"{site}: files not listed in {INDEX_NAME}: {', '.join(extra[:5])}")
    return files


# --------------------------------------------------------------------------- building (tests, convenience)


def build_distribution(out: str | os.PathLike, *, site: str | os.PathLike | None = None,
                       root: Path | None = None, env: dict[str, str] | None = None) -> Path:
    """Run the ``java/fiji-dist`` tool of a built checkout (what ``make fiji-dist`` runs after ``mvn package``).

    Raises
    ------
    DistributionError
        When the tool or a jar is not built (the message says how to build it).
    """
    base = root or _ROOT
    tool = base / "java" / "fiji-dist" / "target" / f"fiji-dist-{VERSION}.jar"
    if not tool.is_file():
        raise DistributionError(f"{tool} is missing; build it with 'mvn -B -DskipTests package'")
    site = site if site is not None else Path(out).with_name(Path(out).name + "-update-site")
    proc = subprocess.run(["java", "-jar", str(tool), "--root", str(base), "--out", str(out), "--site", str(site)],
                          capture_output=True, text=True, timeout=300, env=env)
    if proc.returncode != 0:
        raise DistributionError((proc.stderr.strip().splitlines() or ["fiji-dist failed"])[-1].removeprefix("error: "))
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m volltrack.tracking.fiji_dist check SITE``: check an update-site folder by the updater's rules."""
    parser = argparse.ArgumentParser(prog="python -m volltrack.tracking.fiji_dist",
                                     description="check a Fiji update-site folder (db.xml.gz and its files)")
    parser.add_argument("command", choices=["check"])
    parser.add_argument("site", help="the update-site folder, e.g. dist/fiji-update-site")
    args = parser.parse_args(argv)
    try:
        files = check_update_site(args.site)
    except BadUpdateSite as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for entry in files:
        print(f"OK  {entry.filename}  {entry.timestamp}  {entry.checksum}  {entry.filesize} bytes")
    print(f"{args.site}: {len(files)} files, index and files agree")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
