"""svglib's `svg2rlg` (an SVG logo as a ReportLab Drawing), imported without running two package __init__
modules that cost a cold build more than the logo's whole drawing. Measured 2026-12-02 (Python 3.11.7,
ReportLab 5.1.0, svglib 2.3.2, `python -X importtime`), importing svglib took ~80 ms, of which:

- ~45 ms `reportlab.platypus`: reportlab.graphics.shapes (which svglib and renderPDF import) needs one class
  of it, `Flowable` from platypus/flowables.py, but `from reportlab.platypus import Flowable` runs the
  package's __init__, which imports all of platypus; paragraph.py alone compiles a case-insensitive URL
  pattern over \\xa1-\\uffff at import (~35 ms). A logo lays out no paragraphs.
- ~12 ms `svglib/__init__.py`: the svg2pdf command line, which looks up its own version with
  importlib.metadata. The converter is svglib/svglib.py and does not need it.

Each of the two packages is put into sys.modules with its __init__ not yet run, and runs it the first time
anyone asks it for a name it does not have (`reportlab.platypus.Paragraph`, `svglib.__version__`), as a
plain import would have: nothing else in the process can tell the difference, except in the time. A package
already imported is left as it is. Importing this module does the deferring (imported only for SVG logos).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LOCK = threading.RLock()


def _deferred(name: str) -> ModuleType:
    """The package `name`, registered with its __init__ deferred (or as it is, if imported already)."""
    with _LOCK:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return importlib.import_module(name)  # not a package found on disk: a plain import
        package = importlib.util.module_from_spec(spec)
        loader = spec.loader

        def __getattr__(attr: str) -> Any:
            with _LOCK:
                if package.__dict__.pop("__getattr__", None) is not None:  # only once, never recursively
                    try:
                        loader.exec_module(package)
                    except BaseException:
                        sys.modules.pop(name, None)  # as a failed import leaves it
                        raise
            return getattr(package, attr)

        package.__getattr__ = __getattr__  # type: ignore[method-assign]
        sys.modules[name] = package
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(importlib.import_module(parent), child, package)
        return package


if "reportlab.graphics.shapes" not in sys.modules:
    _platypus = _deferred("reportlab.platypus")
    if "Flowable" not in vars(_platypus) and "__getattr__" in vars(_platypus):
        from reportlab.platypus.flowables import Flowable

        _platypus.Flowable = Flowable  # what `from reportlab.platypus import Flowable` in shapes/renderPDF finds
_deferred("svglib")

from svglib.svglib import svg2rlg  # noqa: E402  (after the deferring above, on purpose)

__all__ = ["svg2rlg"]
