"""Convert an AceTree / StarryNite lineage (a folder of per-timepoint ``tNNN-nuclei`` files) to a TrackMate XML.

Each line of ``tNNN-nuclei`` (comma-separated) starts with: index, status (1 = valid nucleus, 0 = deleted),
predecessor index (in t-1), successor 1 and successor 2 (indices in t+1, -1 = none), x, y, z, size (diameter),
cell name, ... Only valid nuclei become spots (``FRAME`` = N - 1, ``POSITION_X/Y/Z`` = x, y, z times the
scales, ``RADIUS`` = size / 2 times the x scale); every successor link between two valid nuclei becomes an
edge. Positions stay in the file's units unless scales are given (WormGUIDES' atlas embryo declares
X/Y/Z scale 1).

Usage::

    python bench/divisions/acetree.py NUCLEI_FOLDER OUT.xml [--scale X,Y,Z]

The data is not part of volltrack; keep it and the converted file outside the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

_NAME = re.compile(r"^t(\d+)-nuclei$")


def read_nuclei(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (spots, edges) of the valid nuclei of ``folder``'s ``tNNN-nuclei`` files."""
    files = sorted((int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.match(p.name)))
    if not files:
        raise SystemExit(f"{folder}: no tNNN-nuclei files")
    rows, links = [], []
    for number, path in files:
        frame = number - 1
        for line_no, line in enumerate(path.read_text().splitlines(), 1):
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 9 or not parts[0]:
                continue
            try:
                index, status, _pred, s1, s2 = (int(v) for v in parts[:5])
                x, y, z, size = (float(v) for v in parts[5:9])
            except ValueError:
                raise SystemExit(f"{path}:{line_no}: expected index, status, predecessor, successor 1, "
                                 "successor 2, x, y, z, size") from None
            if status != 1:
                continue
            rows.append((frame, index, x, y, z, size))
            for successor in (s1, s2):
                if successor > 0:
                    links.append((frame, index, successor))
    spots = pd.DataFrame(rows, columns=["FRAME", "INDEX", "POSITION_X", "POSITION_Y", "POSITION_Z", "SIZE"])
    spots["ID"] = spots["FRAME"].astype(np.int64) * 100_000 + spots["INDEX"]
    ids = set(spots["ID"].tolist())
    edges = [(f * 100_000 + i, (f + 1) * 100_000 + s) for f, i, s in links]
    edges = [(a, b) for a, b in edges if a in ids and b in ids]
    return spots, pd.DataFrame(edges, columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", default="1,1,1", help="X,Y,Z scale of the positions (default 1,1,1)")
    args = parser.parse_args(argv)
    from volltrack.trackmate.writer import write_xml

    sx, sy, sz = (float(v) for v in args.scale.split(","))
    spots, edges = read_nuclei(args.folder)
    spots["POSITION_X"] *= sx
    spots["POSITION_Y"] *= sy
    spots["POSITION_Z"] *= sz
    spots["RADIUS"] = spots.pop("SIZE") * sx / 2
    spots["POSITION_T"] = spots["FRAME"].astype(float)
    spots["QUALITY"] = 1.0
    spots["VISIBILITY"] = 1
    spots = spots.drop(columns=["INDEX"])
    n_div = int((edges.groupby("SPOT_SOURCE_ID").size() >= 2).sum())
    write_xml(args.out, spots, edges, space_units="pixel", time_units="frame",
              n_frames=int(spots["FRAME"].max()) + 1)
    print(f"{args.out}: {len(spots)} spots, {len(edges)} links, {n_div} divisions, "
          f"{spots['FRAME'].nunique()} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
