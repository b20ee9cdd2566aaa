"""Side by side with Hugo and MkDocs: the example's Markdown texts built by each, as new processes.

Run: scripts/bench.sh [--runs 7]   (or: python benchmarks/compare.py [--runs 7] [--baseline DIR])

The script makes, in a temporary folder, a Hugo site and an MkDocs site from
site_builder/example/content/<lang>/*.md (our TOML front matter kept for Hugo, turned into YAML for
MkDocs; `{{ placeholders }}` and `{% tags %}` reduced to plain text), each with a one-template theme,
and a copy of the example site for ours. One round runs, each as a new process and in an order that
rotates from round to round (so a burst of load on the shared machine hits every command alike):

  hugo           Hugo's build (`hugo`, Debian's package)
  mkdocs         MkDocs' build (`python -m mkdocs build`)
  cold           our build with no output/ (`python -m site_builder build -c site.toml -o out`)
  nochange       our build again, nothing changed
  check          `python -m site_builder check -c site.toml`
  privacy        our build after an edit of content/de/privacy.md
  serve          `site-builder serve` running: from saving content/de/privacy.md to the changed page being
                 served (wall time only; the server runs all rounds, its first answer is not counted)
  floor-check    a Python that only imports what any full `check` must import (below)
  floor-privacy  a Python that only imports what the rebuild after a privacy.md edit must import
                 (and reads the two fonts): no command can be faster than its floor, whatever it caches
  warm-check     check's work inside a process that has imported everything (timed by that process)
  warm-privacy   drawing the privacy notice's HTML and PDF the same way: the least a privacy.md rebuild
                 redoes; floor + warm work is a lower bound of each command

Ours is whatever `site_builder` the running Python imports (PYTHONPATH first). One round before the
measured ones fills the bytecode caches and the disk cache. Every figure is the median of --runs rounds:
wall time and CPU time (user + system, child processes included).
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
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "site_builder" / "example"
PYTHON = sys.executable  # the interpreter itself: a pyenv shim alone adds ~200 ms per start
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000"}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as a user has it after the first run
TARGETS = {"nochange": 1.5}  # at most this many times Hugo's build
SERVE_TARGET_MS = 100  # from saving a text to the new page being served
COLD_CPU_TARGET = 1.10  # a cold build's CPU time at most this many times the baseline's (same rounds)

LABELS = {
    "hugo": "Hugo build",
    "mkdocs": "MkDocs build",
    "cold": "ours: cold build (no output/)",
    "nochange": "ours: rebuild, nothing changed",
    "check": "ours: check",
    "privacy": "ours: rebuild after editing privacy.md",
    "serve": "ours: serve, saving privacy.md -> the new page served",
    "floor-check": "floor of check: Python and its libraries, nothing else",
    "floor-privacy": "floor of the privacy.md rebuild: Python, libraries, fonts",
    "warm-check": "warm: check's work with everything imported",
    "warm-privacy": "warm: drawing the privacy notice (HTML and PDF)",
}
# What a command cannot do without, as a new process, whatever it caches between runs (not even our CLI):
# - check validates the phone number (phonenumbers) and renders every text: Markdown (markdown), the
#   {{ placeholders }} in Jinja's sandbox (jinja2.sandbox), the sanitiser for their HTML (nh3) and the
#   pages, whose templates a site may override (Jinja);
# - a rebuild after a privacy.md edit renders that text (markdown, jinja2.sandbox, nh3) and the pages
#   showing its new consent version (Jinja), and draws the privacy notice's PDF, which holds the text
#   (ReportLab's canvas and the two DejaVu fonts). Finding what changed (hashing, or a stat of every input)
#   is left out: the floor is the libraries alone.
FLOORS = {
    "floor-check": "import jinja2.sandbox, markdown, nh3, phonenumbers",
    "floor-privacy": "import jinja2.sandbox, markdown, nh3, reportlab.pdfgen.canvas\n"
                     "from site_builder.graphics.typefaces import register_fonts\nregister_fonts()",
}
# The work that stays when nothing is left to import, timed inside one process after two warm-up runs
# (median of 5, printed as "wall_ms cpu_ms"): a floor plus this is a lower bound of the command.
# - check writes nothing and finds no earlier output here: it validates everything every time;
# - the privacy.md rebuild must at least draw the privacy notice again, whatever else it could reuse.
_WARM = """
import statistics, time
from pathlib import Path
def timed(work):
    for _ in range(2):
        work()
    walls, cpus = [], []
    for _ in range(5):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(statistics.median(walls) * 1000, statistics.median(cpus) * 1000)
"""
WARM = {
    "warm-check": _WARM + """
from site_builder.pipeline import check
def checked():
    result = check(Path('site.toml'))
    assert result.site is not None and not [p for p in result.problems if p.severity == 'error'], result.problems
timed(checked)
""",
    "warm-privacy": _WARM + """
from site_builder.pipeline import check
unit = next(unit for unit in check(Path('site.toml')).units if unit.name == 'records/de/privacy-notice')
timed(unit.render)
""",
}
FRONT_MATTER = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)


# --- the same texts for Hugo and MkDocs ---------------------------------------------------------------

def plain(markdown: str) -> str:
    """Our Jinja-flavoured Markdown as plain Markdown: `{{ x.y }}` -> `x.y`, `{% ... %}` dropped."""
    text = re.sub(r"\{%-?.*?-?%\}", "", markdown, flags=re.S)
    return re.sub(r"\{\{-?\s*(.*?)\s*-?\}\}", r"\1", text, flags=re.S)


def texts() -> dict[str, dict[str, tuple[str, str]]]:
    """{lang: {file name: (TOML front matter, body)}} of the example."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for folder in sorted((EXAMPLE / "content").iterdir()):
        for path in sorted(folder.glob("*.md")):
            source = path.read_text(encoding="utf-8")
            match = FRONT_MATTER.match(source)
            front, body = (match.group(1), source[match.end():]) if match else ("", source)
            out.setdefault(folder.name, {})[path.name] = (plain(front), plain(body))
    return out


def title(front: str, fallback: str) -> str:
    match = re.search(r'^title = "([^"]*)"', front, re.M)
    return match.group(1) if match else fallback


HUGO_PAGE = """<!doctype html><html lang="{{ .Lang }}"><meta charset="utf-8"><title>{{ .Title }}</title>
<body><main>{{ .Content }}</main></body></html>
"""
HUGO_HOME = """<!doctype html><html lang="{{ .Lang }}"><meta charset="utf-8"><title>{{ .Site.Title }}</title>
<body><main>{{ .Content }}</main><ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>
"""
MKDOCS_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>{{ page.title }}</title>
<body><main>{{ page.content }}</main></body></html>
"""


def make_hugo(folder: Path, pages: dict[str, dict[str, tuple[str, str]]]) -> Path:
    languages = "".join(f'[languages.{lang}]\ncontentDir = "content/{lang}"\nweight = {n + 1}\n'
                        for n, lang in enumerate(pages))
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "hugo.toml").write_text(
        'baseURL = "https://www.schreinerei-muster.de/whatsapp/"\ntitle = "Schreinerei Muster"\n'
        f'defaultContentLanguage = "{next(iter(pages))}"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n' + languages,
        encoding="utf-8")
    (folder / "layouts" / "_default" / "single.html").write_text(HUGO_PAGE, encoding="utf-8")
    (folder / "layouts" / "index.html").write_text(HUGO_HOME, encoding="utf-8")
    for lang, files in pages.items():
        (folder / "content" / lang).mkdir(parents=True)
        for name, (front, body) in files.items():
            # Hugo reads +++ TOML front matter as is; goldmark writes heading ids as {#id}, not {: #id }
            text = f"+++\n{front}\n+++\n" + re.sub(r"\{:\s*", "{", body)
            # index.md would make the folder a leaf bundle (the other texts its resources); _index.md is the home
            target = "_index.md" if name == "index.md" else name
            (folder / "content" / lang / target).write_text(text, encoding="utf-8")
    return folder


def make_mkdocs(folder: Path, pages: dict[str, dict[str, tuple[str, str]]]) -> Path:
    (folder / "theme").mkdir(parents=True)
    (folder / "theme" / "main.html").write_text(MKDOCS_PAGE, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Schreinerei Muster\nsite_url: https://www.schreinerei-muster.de/whatsapp/\n"
        "docs_dir: docs\ntheme:\n  name: null\n  custom_dir: theme\nplugins: []\n"
        "markdown_extensions: [attr_list]\n", encoding="utf-8")
    for lang, files in pages.items():
        (folder / "docs" / lang).mkdir(parents=True)
        for name, (front, body) in files.items():
            yaml = f'---\ntitle: "{title(front, name)}"\n---\n'
            (folder / "docs" / lang / name).write_text(yaml + body, encoding="utf-8")
    return folder


# --- our site -------------------------------------------------------------------------------------------

def copy_example(target: Path, example: Path = EXAMPLE) -> Path:
    """The example site as a user has it: site.toml, logo, texts and the archived consent versions."""
    target.mkdir(parents=True)
    for name in ("site.toml", "logo.svg"):
        shutil.copy(example / name, target / name)
    for name in ("content", "consent-versions"):
        if (example / name).is_dir():
            shutil.copytree(example / name, target / name)
    return target


def edit_privacy(site: Path, run: int) -> None:
    """A one-sentence change to the German privacy policy: what an owner does most."""
    path = site / "content" / "de" / "privacy.md"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n\nStand der Messung \d+\.\n\Z", "\n", text)
    path.write_text(text.rstrip("\n") + f"\n\nStand der Messung {run}.\n", encoding="utf-8")


# --- running and timing ----------------------------------------------------------------------------------

@dataclass
class Figures:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def ms(self) -> tuple[float, float]:
        """Median wall and CPU milliseconds (CPU: nan where it is not measured)."""
        return statistics.median(self.wall) * 1000, statistics.median(self.cpu) * 1000 if self.cpu else float("nan")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], cwd: Path, env: dict[str, str], figures: Figures | None) -> None:
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} (in {cwd}) failed:\n{result.stdout}\n{result.stderr}")
    if figures is not None:
        figures.wall.append(wall)
        figures.cpu.append(_children_cpu() - cpu)


def reported(argv: list[str], cwd: Path, env: dict[str, str], figures: Figures | None) -> None:
    """A figure the process measures itself and prints as 'wall_ms cpu_ms' (see WARM)."""
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} (in {cwd}) failed:\n{result.stdout}\n{result.stderr}")
    if figures is not None:
        wall, cpu = map(float, result.stdout.split()[-2:])
        figures.wall.append(wall / 1000)
        figures.cpu.append(cpu / 1000)


class Serving:
    """`site-builder serve` on its own copy of the example, running for all rounds: each round saves
    content/de/privacy.md with a new sentence and asks the server for the privacy page until it shows it."""

    def __init__(self, work: Path, env: dict[str, str], example: Path) -> None:
        self.site = copy_example(work, example)
        self.proc = subprocess.Popen([PYTHON, "-m", "site_builder", "serve", "-c", "site.toml", "--port", "0"],
                                     cwd=self.site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        url = None
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if match := re.search(r"http://127\.0\.0\.1:\d+/", line):
                url = match.group(0)
                break
        if url is None:
            raise SystemExit(f"serve did not start in {self.site}")
        # the server's log is drained, so that it never blocks on a full pipe
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        slug = re.search(r'^slug = "([^"]+)"', (self.site / "content" / "de" / "privacy.md").read_text(encoding="utf-8"),
                         re.M)
        self.page = url + (slug.group(1) if slug else "privacy") + ".html"
        self.fetch()  # the first build is done

    def fetch(self) -> str:
        with urllib.request.urlopen(self.page, timeout=10) as response:
            return response.read().decode("utf-8")

    def measure(self, n: int, figures: Figures | None) -> None:
        time.sleep(0.5)  # the watcher settles after the previous round
        marker = f"Stand der Messung {n}."
        started = time.perf_counter()
        edit_privacy(self.site, n)
        while marker not in self.fetch():
            if time.perf_counter() - started > 30:
                raise SystemExit("serve never showed the change")
            time.sleep(0.001)
        if figures is not None:
            figures.wall.append(time.perf_counter() - started)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@dataclass
class Ours:
    """The commands of one site-builder (the importable one, or the one in --baseline)."""

    work: Path
    env: dict[str, str]
    prefix: str = ""
    example: Path = EXAMPLE  # a baseline checkout builds its own example: its settings may differ
    site: Path = field(init=False)
    serving: Serving | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.site = copy_example(self.work / "site", self.example)
        self.run("build", None)  # output/ for the rebuilds

    def serve(self, n: int, figures: Figures | None) -> None:
        if self.serving is None:
            self.serving = Serving(self.work / "serve", self.env, self.example)
        self.serving.measure(n, figures)

    def run(self, verb: str, figures: Figures | None, cwd: Path | None = None) -> None:
        args = ["build", "-c", "site.toml", "-o", "out"] if verb == "build" else ["check", "-c", "site.toml"]
        timed([PYTHON, "-m", "site_builder", *args], cwd or self.site, self.env, figures)

    def commands(self, n: int) -> dict[str, Callable[[Figures | None], None]]:
        def cold(figures: Figures | None) -> None:
            self.run("build", figures, copy_example(self.work / f"cold-{n}", self.example))
            shutil.rmtree(self.work / f"cold-{n}")

        def privacy(figures: Figures | None) -> None:
            edit_privacy(self.site, n)
            self.run("build", figures)

        return {self.prefix + "cold": cold,
                self.prefix + "nochange": lambda figures: self.run("build", figures),
                self.prefix + "check": lambda figures: self.run("check", figures),
                self.prefix + "privacy": privacy,
                self.prefix + "serve": lambda figures: self.serve(n, figures)}


def version(argv: list[str]) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    except OSError:
        return "missing"
    return (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else "missing"


def machine(load_before: tuple[float, float, float]) -> list[str]:
    from bench import cpu_model  # benchmarks/bench.py, next to this script

    after = os.getloadavg()
    import site_builder

    return [f"machine: {os.cpu_count()} cores ({cpu_model()}), {platform.system()} {platform.release()}",
            f"load average (1/5/15 min): before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
            f"after {after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f}",
            f"Python {platform.python_version()} ({PYTHON}); site_builder from {Path(site_builder.__file__).parent}",
            f"Hugo: {version(['hugo', 'version'])}",
            f"MkDocs: {version([PYTHON, '-m', 'mkdocs', '--version'])}"]


def table(results: dict[str, Figures], runs: int, baseline: bool) -> list[str]:
    hugo_wall, hugo_cpu = results["hugo"].ms()
    lines = [f"median of {runs} rounds; ratio = our wall time / Hugo's wall time (CPU ratio in brackets)", "",
             f"{'command':<56} {'wall ms':>8} {'CPU ms':>8} {'x Hugo':>14}  target"]
    lines.append("-" * len(lines[-1]) + "-" * 24)
    for key, figures in results.items():
        wall, cpu = figures.ms()
        name = key.removeprefix("base-")
        label = LABELS[name] + (" [baseline]" if key.startswith("base-") else "")
        ratio = f"{wall / hugo_wall:.2f} ({cpu / hugo_cpu:.2f})" if cpu == cpu else f"{wall / hugo_wall:.2f}"
        ours = not key.startswith("base-")
        if name.startswith("floor-"):
            aim = name.removeprefix("floor-")
            target = "a lower bound of the command"
            if "warm-" + aim in results:  # no run of the command can take less than both together
                bound = (wall + results["warm-" + aim].ms()[0]) / hugo_wall
                target += f"; with the warm work {bound:.2f}x Hugo"
        elif name.startswith("warm-"):
            target = "inside one process, nothing to import"
        elif name in TARGETS and ours:
            target = f"<= {TARGETS[name]}x Hugo: " + ("met" if wall / hugo_wall <= TARGETS[name] else "NOT met")
        elif name == "serve" and ours:
            target = f"<= {SERVE_TARGET_MS} ms: " + ("met" if wall <= SERVE_TARGET_MS else "NOT met")
        elif name == "cold" and ours and "base-cold" in results:
            share = cpu / results["base-cold"].ms()[1]
            target = (f"CPU {share:.2f}x the baseline's (<= {COLD_CPU_TARGET}x): "
                      + ("met" if share <= COLD_CPU_TARGET else "NOT met"))
        else:
            target = ""
        shown_cpu = f"{cpu:>8.0f}" if cpu == cpu else f"{'-':>8}"
        lines.append(f"{label:<56} {wall:>8.0f} {shown_cpu} {ratio:>14}  {target}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured rounds (default 7); the median is shown")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also time the site_builder of this checkout (e.g. the main branch) in the same rounds")
    parser.add_argument("--only", metavar="ROWS", help="comma-separated rows to run, of " + ",".join(LABELS) +
                        " (Hugo's build always runs: the ratios need it)")
    args = parser.parse_args()
    wanted = set(LABELS) if not args.only else {"hugo", *args.only.split(",")}
    if wanted - set(LABELS):
        parser.error(f"--only: unknown rows {','.join(sorted(wanted - set(LABELS)))} (choose from {','.join(LABELS)})")
    if shutil.which("hugo") is None:
        raise SystemExit("hugo: not found (install it: apt-get install -y hugo, or run scripts/bench.sh)")
    if "mkdocs" in wanted and version([PYTHON, "-m", "mkdocs", "--version"]) == "missing":
        raise SystemExit(f"mkdocs: not importable by {PYTHON} (install it: {PYTHON} -m pip install -e '.[bench]')")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="site-builder-compare-") as tmp:
        work = Path(tmp)
        pages = texts()
        hugo = make_hugo(work / "hugo", pages)
        mkdocs = make_mkdocs(work / "mkdocs", pages)
        hugo_env = {**ENV, "HUGO_CACHEDIR": str(work / "hugo-cache")}
        others: dict[str, Callable[[Figures | None], None]] = {
            "hugo": lambda f: timed(["hugo", "--quiet", "--source", str(hugo), "--destination", "public"], hugo,
                                    hugo_env, f),
            "mkdocs": lambda f: timed([PYTHON, "-m", "mkdocs", "build", "--quiet", "--site-dir", "site"], mkdocs,
                                      ENV, f),
        }
        ours = [Ours(work / "ours", ENV)]
        for key, code in FLOORS.items():
            others[key] = lambda f, code=code: timed([PYTHON, "-c", code], ours[0].site, ENV, f)
        for key, code in WARM.items():
            others[key] = lambda f, code=code: reported([PYTHON, "-c", code], ours[0].site, ENV, f)
        if args.baseline:
            base_env = {**ENV, "PYTHONPATH": str(args.baseline.resolve())}
            example = args.baseline.resolve() / "site_builder" / "example"
            ours.append(Ours(work / "baseline", base_env, "base-", example))
        results: dict[str, Figures] = {}
        for n in range(args.runs + 1):  # round 0 fills the caches and is not counted
            commands = dict(others)
            for one in ours:
                commands.update(one.commands(n))
            order = [key for key in commands if key.removeprefix("base-") in wanted]
            order = order[n % len(order):] + order[:n % len(order)]
            for key in order:
                commands[key](results.setdefault(key, Figures()) if n else None)
            print(f"round {n}/{args.runs} done", file=sys.stderr, flush=True)
        for one in ours:
            if one.serving is not None:
                one.serving.close()
        # What each wrote: the same texts as pages (ours also writes print files and records)
        written = (f"HTML pages written: Hugo {len(list((hugo / 'public').rglob('*.html')))}, "
                   f"MkDocs {len(list((mkdocs / 'site').rglob('*.html')))}, ours "
                   f"{len(list((ours[0].site / 'out' / 'site').rglob('*.html')))} "
                   f"(and {sum(1 for p in (ours[0].site / 'out').rglob('*') if p.is_file())} files in all)")
        ordered = {key: results[key] for key in ["hugo", "mkdocs"] + [k for k in results if k not in others]
                   + list(FLOORS) + list(WARM) if key in results}
    print("\n".join(machine(load_before)))
    print(written)
    print()
    print("\n".join(table(ordered, args.runs, bool(args.baseline))))


if __name__ == "__main__":
    main()
