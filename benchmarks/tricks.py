"""What a speed trick buys (or would buy) the command it serves, side by side in the same rounds: a trick
stays only if it saves more than 10 % of that command (issue 21).

Run: python benchmarks/tricks.py [--runs 21]   (on a quiet machine: under load, the tear-down and the imports
take longer and the shares come out larger)

Each row times, as new processes in rotating order, a command with and without the trick (median CPU and wall
milliseconds), and prints the share of the command the trick saves:

  quick exit        `build` (cold) and `check` leaving through os._exit, or through Python's tear-down
  fonts without RL  `check`'s work alone, and plus what it would do with ReportLab's metrics instead of
                    fonts/widths.json (importing ReportLab's TrueType module and parsing the two fonts)
  svglib deferred   importing svglib the plain way after ReportLab's canvas, and with the deferral that
                    printing/svgload.py did (its two package __init__ modules left unrun); against a cold build

The QR version written by hand (printing/symbol.py before issue 21) was measured the same way on the code
that had it (`check`'s work, and plus importing qrcode and letting it choose each code's version); the
figures are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import ENV, PYTHON, Figures, copy_example, timed  # noqa: E402

MAIN = "import sys; from site_builder.cli import main; sys.exit(main(sys.argv[1:]))"
QUICK = ("import os, sys; from site_builder.cli import main; code = main(sys.argv[1:]); sys.stdout.flush(); "
         "sys.stderr.flush(); os._exit(code)")
CHECK = ("from pathlib import Path; from site_builder.pipeline import check\n"
         "done = check(Path('site.toml')); assert done.site is not None, done.problems\n")
FONTS = "from site_builder.graphics.typefaces import register_fonts; register_fonts()\n"
SVGLIB_PLAIN = "import reportlab.pdfgen.canvas\nfrom svglib.svglib import svg2rlg\n"
# what printing/svgload.py did (before this issue): both package __init__ modules left unrun until asked
SVGLIB_DEFERRED = """import importlib.util, sys
import reportlab.pdfgen.canvas
def deferred(name):
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    parent, _, child = name.rpartition('.')
    if parent:
        setattr(importlib.import_module(parent), child, module)
    return module
import importlib
platypus = deferred('reportlab.platypus')
from reportlab.platypus.flowables import Flowable
platypus.Flowable = Flowable
deferred('svglib')
from svglib.svglib import svg2rlg
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-builder-tricks-") as tmp:
        work = Path(tmp)
        site = copy_example(work / "site")
        rows: dict[str, Figures] = {}

        def cold(argv: list[str], key: str, n: int) -> None:
            folder = copy_example(work / f"{key}-{n}")
            timed([PYTHON, *argv, "build", "-c", "site.toml", "-o", "out"], folder, ENV, rows.setdefault(key, Figures()) if n else None)
            shutil.rmtree(folder)

        commands = {
            "build, os._exit": lambda n: cold(["-c", QUICK], "build, os._exit", n),
            "build, tear-down": lambda n: cold(["-c", MAIN], "build, tear-down", n),
            "check, os._exit": lambda n: timed([PYTHON, "-c", QUICK, "check"], site, ENV,
                                               rows.setdefault("check, os._exit", Figures()) if n else None),
            "check, tear-down": lambda n: timed([PYTHON, "-c", MAIN, "check"], site, ENV,
                                                rows.setdefault("check, tear-down", Figures()) if n else None),
            "check's work": lambda n: timed([PYTHON, "-c", CHECK], site, ENV,
                                            rows.setdefault("check's work", Figures()) if n else None),
            "+ ReportLab fonts": lambda n: timed([PYTHON, "-c", CHECK + FONTS], site, ENV,
                                                 rows.setdefault("+ ReportLab fonts", Figures()) if n else None),
            "svglib plain": lambda n: timed([PYTHON, "-c", SVGLIB_PLAIN], site, ENV,
                                            rows.setdefault("svglib plain", Figures()) if n else None),
            "svglib deferred": lambda n: timed([PYTHON, "-c", SVGLIB_DEFERRED], site, ENV,
                                               rows.setdefault("svglib deferred", Figures()) if n else None),
        }
        keys = list(commands)
        for n in range(args.runs + 1):
            order = keys[n % len(keys):] + keys[:n % len(keys)]
            for key in order:
                commands[key](n)
            print(f"round {n}/{args.runs} done", file=sys.stderr, flush=True)
    ms = {key: figures.ms() for key, figures in rows.items()}
    print(f"median of {args.runs} rounds (wall ms / CPU ms)")
    for key, (wall, cpu) in ms.items():
        print(f"  {key:<22} {wall:7.0f} {cpu:7.0f}")

    def share(saved: float, of: float) -> str:
        return f"{saved:.0f} ms CPU = {saved / of:.1%} of {of:.0f} ms"

    print("what each trick buys (CPU):")
    print("  os._exit on build:  ", share(ms["build, tear-down"][1] - ms["build, os._exit"][1], ms["build, tear-down"][1]))
    print("  os._exit on check:  ", share(ms["check, tear-down"][1] - ms["check, os._exit"][1], ms["check, tear-down"][1]))
    print("  widths.json, check: ", share(ms["+ ReportLab fonts"][1] - ms["check's work"][1], ms["+ ReportLab fonts"][1]))
    print("  svgload, cold build:", share(ms["svglib plain"][1] - ms["svglib deferred"][1], ms["build, os._exit"][1]))


if __name__ == "__main__":
    main()
