"""Build-speed and page-weight figures on this machine, as a table with the targets of issue 6.

Run: python benchmarks/bench.py [--runs 5] [--sites 100] [--quick]
Every figure is the median of --runs runs (the 100-site builds: of --site-runs runs), wall time of a
real `python -m site_builder` process unless it says "in-process". Like compare.py, it measures the
`site_builder` the running Python imports (PYTHONPATH first, else the installed one).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "site_builder" / "example"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "PYTHONUNBUFFERED": "1"}
PYTHON = sys.executable  # the interpreter itself: a pyenv shim alone adds ~200 ms per start


def copy_example(target: Path, name: str | None = None, number: int | None = None) -> Path:
    target.mkdir(parents=True)
    toml = (EXAMPLE / "site.toml").read_text(encoding="utf-8")
    if name:
        toml = toml.replace('name = "Schreinerei Muster"', f'name = "{name}"', 1)
        toml = toml.replace('short_name = "Schreinerei Muster"', f'short_name = "{name}"', 1)
    if number is not None:
        toml = toml.replace('number = "0170 1234567"', f'number = "0170 {1000000 + number}"', 1)
        toml = toml.replace('base_url = "https://www.schreinerei-muster.de/whatsapp/"',
                            f'base_url = "https://betrieb-{number}.example.de/whatsapp/"', 1)
    (target / "site.toml").write_text(toml, encoding="utf-8")
    shutil.copy(EXAMPLE / "logo.svg", target / "logo.svg")
    shutil.copytree(EXAMPLE / "content", target / "content")
    if (ROOT / "consent-versions").is_dir():
        shutil.copytree(ROOT / "consent-versions", target / "consent-versions")
    return target


INSIDE: list[float] = []  # build time the CLI reports ("built ... in N ms"), without start-up and imports
CPU: list[float] = []  # CPU seconds (user + system) of each command, its forked helper process included


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(*args: str, cwd: Path) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run([PYTHON, "-m", "site_builder", *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    CPU.append(_children_cpu() - cpu)
    if result.returncode != 0:
        raise SystemExit(f"site-builder {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if match := re.search(r"^built .* in (\d+) ms$", result.stdout, re.M):
        INSIDE.append(int(match.group(1)) / 1000)
    return seconds


def wall_and_inside(times: list[float]) -> str:
    inside, INSIDE[:] = INSIDE[:], []
    cpu, CPU[:] = CPU[:], []
    return (f"{statistics.median(times) * 1000:.0f} ms (build {statistics.median(inside) * 1000:.0f} ms, "
            f"CPU {statistics.median(cpu) * 1000:.0f} ms)")


def startup(runs: int) -> list[float]:
    """A bare interpreter start: the part of every command no build can save."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], env=ENV, check=True)
        times.append(time.perf_counter() - started)
    return times


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine runs Python right now (shared machines vary
    by a third within minutes; compare figures from different runs through this)."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return time.perf_counter() - started


def edit_heading(site: Path, text: str) -> None:
    path = site / "content/de/index.md"
    source = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^heading = "[^"]*"', f'heading = "{text}"', source, count=1, flags=re.M),
                    encoding="utf-8")


def cold_build(work: Path, runs: int) -> list[float]:
    times = []
    for run in range(runs):
        site = copy_example(work / f"cold-{run}")
        times.append(cli("build", cwd=site))
    return times


def text_edit_rebuild(work: Path, runs: int) -> list[float]:
    site = copy_example(work / "edit")
    cli("build", cwd=site)
    INSIDE.clear()
    CPU.clear()
    times = []
    for run in range(runs):
        edit_heading(site, f"Geänderte Überschrift {run}")
        times.append(cli("build", cwd=site))
    return times


def _rebuilds(build, site: Path, runs: int) -> list[float]:
    """Seconds of each in-process rebuild after a one-line heading edit (`build` is either version's)."""
    rebuilds = []
    for run in range(runs):
        edit_heading(site, f"Im Prozess {run}")
        started = time.perf_counter()
        build(site / "site.toml", site / "output")
        rebuilds.append(time.perf_counter() - started)
    return rebuilds


def in_process(work: Path, runs: int) -> tuple[list[float], dict[str, list[float]], tuple[int, int]]:
    """Text-edit rebuilds inside one process (the whole build and writing), and each step's time
    without caches (what every site of a batch pays, imports already done)."""
    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    import site_builder

    # The build since issue 10 (pipeline.py: units with digests). Looked up next to the package rather
    # than imported: an editable install elsewhere would otherwise lend its modules to an older checkout.
    if not (Path(site_builder.__file__).parent / "pipeline.py").is_file():
        return in_process_before_issue_10(work, runs)
    if not (Path(site_builder.__file__).parent / "site" / "loading.py").is_file():
        return in_process_before_issue_21(work, runs)
    from site_builder.outcome import build
    from site_builder.pipeline import STAGES
    from site_builder.site import load_site

    site = copy_example(work / "inproc")
    weight = build(site / "site.toml", site / "output").page_weight
    rebuilds = _rebuilds(build, site, runs)
    steps: dict[str, list[float]] = {"pages": []}
    for run in range(runs):
        other = copy_example(work / f"steps-{run}", f"Betrieb Schritt {run}", run)
        started = time.perf_counter()
        loaded, _ = load_site(other / "site.toml")
        units = [unit for stage in STAGES for unit in stage.plan(loaded).units]
        steps["pages"].append(time.perf_counter() - started)
        spent: dict[str, float] = {}  # a step's units summed: print/..., records/...
        for unit in units:
            if unit.name == "site/pages":
                continue
            started = time.perf_counter()
            unit.render()
            step = unit.name.split("/")[0]
            spent[step] = spent.get(step, 0.0) + time.perf_counter() - started
        for step, seconds in spent.items():
            steps.setdefault(step, []).append(seconds)
    return rebuilds, steps, weight


def in_process_before_issue_21(work: Path, runs: int) -> tuple[list[float], dict[str, list[float]], tuple[int, int]]:
    """The same for the build between issues 10 and 21 (reading.read_site, stages.site_units)."""
    from site_builder import stages
    from site_builder.pipeline import build  # type: ignore[attr-defined]
    from site_builder.reading import read_site

    site = copy_example(work / "inproc")
    weight = build(site / "site.toml", site / "output").page_weight
    rebuilds = _rebuilds(build, site, runs)
    steps: dict[str, list[float]] = {"pages": []}
    for run in range(runs):
        other = copy_example(work / f"steps-{run}", f"Betrieb Schritt {run}", run)
        started = time.perf_counter()
        units, _ = stages.site_units(read_site(other / "site.toml"))  # type: ignore[attr-defined]
        steps["pages"].append(time.perf_counter() - started)
        spent: dict[str, float] = {}
        for unit in units:
            if unit.name == "site/pages":
                continue
            started = time.perf_counter()
            unit.render()
            step = unit.name.split("/")[0]
            spent[step] = spent.get(step, 0.0) + time.perf_counter() - started
        for step, seconds in spent.items():
            steps.setdefault(step, []).append(seconds)
    return rebuilds, steps, weight


def in_process_before_issue_10(work: Path, runs: int) -> tuple[list[float], dict[str, list[float]], tuple[int, int]]:
    from site_builder.build import STAGES, build, page_weight, plan_build

    site = copy_example(work / "inproc")
    result = build(site / "site.toml", site / "output")
    weight = page_weight(result.plan.files)
    rebuilds = _rebuilds(build, site, runs)
    steps: dict[str, list[float]] = {"pages": []}
    for run in range(runs):
        other = copy_example(work / f"steps-{run}", f"Betrieb Schritt {run}", run)
        started = time.perf_counter()
        plan = plan_build(other / "site.toml")
        steps["pages"].append(time.perf_counter() - started)
        for name, stage in STAGES:
            started = time.perf_counter()
            stage(plan.settings, plan, None)
            steps.setdefault(name, []).append(time.perf_counter() - started)
    return rebuilds, steps, weight


def serve_latency(work: Path, runs: int) -> list[float]:
    """From saving a text to the changed page being served by `site-builder serve`."""
    site = copy_example(work / "serve")
    proc = subprocess.Popen([PYTHON, "-m", "site_builder", "serve", "--port", "0"], cwd=site, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        for line in proc.stdout:
            if match := re.search(r"http://127\.0\.0\.1:\d+/", line):
                url = match.group(0)
                break
        if url is None:
            raise SystemExit("serve did not start")
        times = []
        for run in range(runs + 1):
            marker = f"Serve-Messung {run} {time.time_ns()}"
            time.sleep(0.3)  # let the watcher settle between edits
            started = time.perf_counter()
            edit_heading(site, marker)
            while True:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if marker in response.read().decode():
                        break
                if time.perf_counter() - started > 20:
                    raise SystemExit("serve never showed the change")
                time.sleep(0.002)
            if run:  # the first one also pays for the watcher's start
                times.append(time.perf_counter() - started)
        return times
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def many_sites(work: Path, count: int, jobs: int, runs: int) -> list[float]:
    folder = work / f"agency-{jobs}"
    names = [f"site{n:03d}" for n in range(count)]
    for n, name in enumerate(names):
        copy_example(folder / name, f"Betrieb Nummer {n}", n)
    times = []
    for run in range(runs):
        out = folder / f"out-{run}"
        times.append(cli("build", *names, "--jobs", str(jobs), "--out", str(out), cwd=folder))
        INSIDE.clear()
        CPU.clear()
        shutil.rmtree(out)
    return times


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else 'unknown CPU'."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def machine() -> str:
    return f"{os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--site-runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3 runs, 20 sites, 1 run each: a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.sites, args.site_runs = 3, 20, 1
    ms = lambda values: f"{statistics.median(values) * 1000:.0f} ms"  # noqa: E731
    rows: list[tuple[str, str, str]] = []
    reference = [cpu_reference()]
    with tempfile.TemporaryDirectory(prefix="site-builder-bench-") as tmp:
        work = Path(tmp)
        rows.append(("Python start-up alone (python -c pass), for comparison", ms(startup(args.runs)), ""))
        rows.append(("cold build of the example (new process, no output/)",
                     wall_and_inside(cold_build(work, args.runs)), "< 350 ms"))
        INSIDE.clear()
        rows.append(("rebuild after a text edit (new process, print files cached)",
                     wall_and_inside(text_edit_rebuild(work, args.runs)), "< 150 ms"))
        rebuilds, steps, (raw, gz) = in_process(work, args.runs)
        rows.append(("rebuild after a text edit, in-process (build + write)", ms(rebuilds), "< 150 ms"))
        rows.append(("rebuild latency inside serve (save -> new page served)", ms(serve_latency(work, args.runs)),
                     "< 150 ms"))
        for jobs in (1, 2):
            seconds = statistics.median(many_sites(work, args.sites, jobs, args.site_runs))
            rows.append((f"{args.sites} generated sites, --jobs {jobs}", f"{seconds:.1f} s",
                         "< 15 s" if jobs == 2 and args.sites == 100 else ""))
        rows.append(("landing page with everything it loads", f"{raw / 1024:.1f} KB raw, {gz / 1024:.1f} KB gzip",
                     "< 14 KB gzip"))
        for name, values in steps.items():
            label = {"pages": "step: pages (validate, texts, render)",
                     "print": "step: print (QR codes, posters, invoice blocks)"}.get(name, f"step: {name}")
            rows.append((label + ", uncached, in-process", ms(values), ""))
    reference.append(cpu_reference())
    width = max(len(r[0]) for r in rows)
    print(f"machine: {machine()}")
    print(f"median of {args.runs} runs ({args.site_runs} for the site batches)\n")
    print(f"{'figure':<{width}}  {'measured':>28}  target")
    print(f"{'-' * width}  {'-' * 28}  {'-' * 12}")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>28}  {target}")
    print(f"\nload average during the run: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")
    print(f"CPU reference (a fixed Python loop) before / after: {reference[0] * 1000:.0f} / {reference[1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
