"""``import volltrack`` must stay cheap: no TensorFlow, JVM, napari or Qt at import time."""

import subprocess
import sys

HEAVY = ("tensorflow", "jpype", "_jpype", "scyjava", "imagej", "napari", "stardist", "csbdeep", "n2v",
         "PyQt6", "PyQt5", "qtpy", "keras")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in out.split()}


def test_import_volltrack_loads_no_heavy_library():
    loaded = _modules_after("import volltrack")
    assert not loaded & set(HEAVY), f"heavy modules imported by 'import volltrack': {loaded & set(HEAVY)}"


def test_cli_help_loads_no_heavy_library():
    loaded = _modules_after("import volltrack.cli as c; c.build_parser()")
    assert not loaded & set(HEAVY), f"heavy modules imported by the CLI parser: {loaded & set(HEAVY)}"


def test_every_subpackage_imports_cheaply():
    statement = ("import importlib, pkgutil, volltrack; "
                 "[importlib.import_module(m.name) for m in pkgutil.iter_modules(volltrack.__path__, 'volltrack.') "
                 "if m.ispkg and m.name not in ('volltrack.napari',)]")
    loaded = _modules_after(statement)
    assert not loaded & set(HEAVY), f"heavy modules imported by a subpackage: {loaded & set(HEAVY)}"
