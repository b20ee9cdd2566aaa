"""What each output unit of a cold build costs: read the example site, make its units, render each once, in
one process, in the build's order (the first unit to need a library pays for importing it).

Run: python benchmarks/unit_times.py [--runs 5] [--units]

Each run is a new process (bytecode cached) on a fresh copy of the example; the table shows the median CPU
milliseconds of load_site, the stages' plans and each group of units (print/qr, print/posters, print/invoice,
records, site/media, ...) over the runs; --units lists every unit. CPU time, not wall time: on a shared
machine it varies less. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import ENV, PYTHON  # noqa: E402

CHILD = """
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {bench!r})
from compare import copy_example
from site_builder.pipeline import STAGES
from site_builder.site import load_site

with tempfile.TemporaryDirectory() as tmp:
    times = {{}}
    start = time.process_time()
    site, _ = load_site(copy_example(Path(tmp) / "site") / "site.toml")
    times["load_site"] = time.process_time() - start
    start = time.process_time()
    units = [unit for stage in STAGES for unit in stage.plan(site).units]
    times["plan"] = time.process_time() - start
    for unit in units:
        start = time.process_time()
        unit.render()
        times[unit.name] = time.process_time() - start
print(json.dumps(times))
"""


def group(name: str) -> str:
    """print/poster-a4-de -> print/posters, records/de/consent -> records."""
    if name.startswith("records"):
        return "records"
    for prefix, label in (("print/poster-", "print/posters"), ("print/qr-", "print/qr"),
                          ("print/invoice-block-", "print/invoice")):
        if name.startswith(prefix):
            return label
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", action="store_true", help="every unit, not only the groups")
    args = parser.parse_args()
    code = CHILD.format(bench=str(Path(__file__).resolve().parent))
    # run outside the checkout: `python -c` puts the working folder first on sys.path, before PYTHONPATH
    where = tempfile.gettempdir()
    subprocess.run([PYTHON, "-c", code], env=ENV, cwd=where, check=True, capture_output=True)  # bytecode cache
    runs: list[dict[str, float]] = []
    for _ in range(args.runs):
        done = subprocess.run([PYTHON, "-c", code], env=ENV, cwd=where, check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        sums: dict[str, float] = defaultdict(float)
        for name, seconds in run.items():
            sums[name if args.units else group(name)] += seconds
        sums["all units"] = sum(s for n, s in run.items() if n not in ("load_site", "plan"))
        for name, seconds in sums.items():
            rows[name].append(seconds * 1000)
    print(f"median CPU ms of {args.runs} runs (new process each)")
    for name, values in rows.items():
        print(f"{name:36s} {statistics.median(values):7.0f}")


if __name__ == "__main__":
    main()
