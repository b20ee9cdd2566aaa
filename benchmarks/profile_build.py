"""Where the time of a rebuild goes: imports per package and the build's own functions, each command a new
process (as a user runs it), on a copy of the example site.

Run: python benchmarks/profile_build.py [--top 25] [--only nochange,check,privacy]

Commands: `build` with nothing changed, `check`, `build` after an edit of content/de/privacy.md.
For each, one process under `-X importtime` (import time per top-level package: the modules' own time,
summed, so a package is not charged for what it imports from others) and one under cProfile
(cumulative time of the site_builder functions, and the functions that cost most themselves).
Profiling slows everything down; compare the shares, not the absolute figures, with compare.py.
"""

from __future__ import annotations

import argparse
import cProfile  # noqa: F401 (used in the child processes; imported here so a missing module fails early)
import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import ENV, PYTHON, copy_example, edit_privacy  # noqa: E402

COMMANDS = {
    "nochange": ["build", "-c", "site.toml", "-o", "out"],
    "check": ["check", "-c", "site.toml"],
    "privacy": ["build", "-c", "site.toml", "-o", "out"],
}
# `main()` and not `run()`: run() leaves with os._exit, which would skip writing the profile.
# The import-time run also charges each regular expression compiled (a cache miss of re._compile) to the
# first module outside `re` that asked for it, and reports the sums on stderr as "regex: <ms> <module>".
DRIVER = """import sys, re, time, collections
spent = collections.Counter()
original = re._compile
def timed(pattern, flags):
    started = time.perf_counter()
    result = original(pattern, flags)
    took = time.perf_counter() - started
    if took > 20e-6:  # a cache hit takes a microsecond or two
        frame = sys._getframe(1)
        while frame and frame.f_globals.get("__name__", "").split(".")[0] in ("re", "sre_compile"):
            frame = frame.f_back
        spent[frame.f_globals.get("__name__", "?") if frame else "?"] += took
    return result
re._compile = timed
sys.argv = ["site-builder", *sys.argv[1:]]
from site_builder.cli import main
try:
    main()
finally:
    for module, seconds in spent.most_common(12):
        print(f"regex: {seconds * 1000:.1f} {module}", file=sys.stderr)
"""
PROFILED = ("import cProfile, sys; out = sys.argv.pop(1); sys.argv = ['site-builder', *sys.argv[1:]]\n"
            "cProfile.run('from site_builder.cli import main; main()', out)\n")


def run(argv: list[str], site: Path) -> str:
    # Its own cache folder, to see what a command writes there too (the Jinja bytecode cache)
    env = {**ENV, "XDG_CACHE_HOME": str(site.parent / "cache")}
    result = subprocess.run(argv, cwd=site, env=env, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stderr


def imports(stderr: str) -> tuple[dict[str, float], dict[str, float], float]:
    """{top-level package: ms of its own modules}, {package: ms of its first import, with what it pulled in},
    and the total."""
    own: dict[str, float] = defaultdict(float)
    whole: dict[str, float] = {}
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            name = match.group(4)
            own[name.split(".")[0]] += int(match.group(1)) / 1000
            if "." not in name:
                whole[name] = max(whole.get(name, 0), int(match.group(2)) / 1000)
    return dict(own), whole, sum(own.values())


HEAVY = ("jinja2", "markdown", "phonenumbers", "reportlab", "PIL", "svglib", "qrcode", "nh3", "pypdfium2",
         "zxingcpp", "lxml")


def imported_by(stderr: str) -> dict[str, str]:
    """{heavy package: the chain of site_builder modules that first imported it}. -X importtime prints a
    module after the ones it imported, one indentation step deeper than itself."""
    rows = [(len(m.group(1)), m.group(2)) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \| ( *)(\S+)$",
                                                             stderr, re.M)]
    out: dict[str, str] = {}
    for i, (indent, name) in enumerate(rows):
        if name not in HEAVY or name in out:
            continue
        chain, level = [], indent
        for later_indent, later in rows[i + 1:]:
            if later_indent < level:
                level = later_indent
                if later.startswith("site_builder."):
                    chain.append(later.removeprefix("site_builder."))
        out[name] = " <- ".join(chain[:4]) or "a function (imported when called)"
    return out


def regexes(stderr: str) -> list[tuple[float, str]]:
    return [(float(m.group(1)), m.group(2)) for m in re.finditer(r"^regex: ([\d.]+) (\S+)$", stderr, re.M)]


def state(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of every file: a file written again, or replaced, shows up."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            out[f"{folder.name}/{path.relative_to(folder)}"] = (st.st_ino, st.st_mtime_ns)
    return out


def profile_lines(path: Path, top: int) -> list[str]:
    stats = pstats.Stats(str(path), stream=io.StringIO())
    total = stats.total_tt
    lines = [f"  profiled total {total * 1000:.0f} ms; site_builder functions by cumulative time:"]
    rows = []
    for (file, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():
        if "site_builder" in file and cumtime >= total * 0.02:
            module = Path(file).stem
            rows.append((cumtime, tottime, calls, f"{module}.{name}"))
    for cumtime, tottime, calls, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"    {cumtime * 1000:7.0f} ms cum {tottime * 1000:6.0f} ms own {calls:6d}x  {name}")
    lines.append("  most time spent in the function itself (any package):")
    own = sorted(((tt, calls, f"{Path(f).parent.name}/{Path(f).name}:{n}")
                  for (f, _, n), (_, calls, tt, _, _) in stats.stats.items()), reverse=True)[:12]
    for tt, calls, name in own:
        lines.append(f"    {tt * 1000:7.0f} ms own {calls:6d}x  {name}")
    return lines


# What a no-change rebuild cannot save: the interpreter's start, the CLI's own import, reading and
# hashing every input (site.toml, content/, the theme, consent-versions/, the logo) with nothing else.
HASH_INPUTS = """import hashlib, sys
from pathlib import Path
import site_builder
site = Path(".")
theme = Path(site_builder.__file__).parent / "themes"
digest = hashlib.sha256()
for folder in (site / "site.toml", site / "logo.svg", site / "content", site / "consent-versions", theme):
    for path in sorted([folder] if folder.is_file() else folder.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
print(digest.hexdigest())
"""
FLOOR = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "python -c 'import site_builder.cli'": [PYTHON, "-c", "import site_builder.cli"],
    "python: read and hash every input": [PYTHON, "-c", HASH_INPUTS],
    "python -m site_builder --version": [PYTHON, "-m", "site_builder", "--version"],
}


def floor(site: Path, runs: int) -> None:
    """Median wall and CPU ms of FLOOR's commands, interleaved with Hugo's --version (not a build)."""
    from compare import Figures, timed

    results = {name: Figures() for name in FLOOR}
    for n in range(runs + 1):
        for name, argv in FLOOR.items():
            timed(argv, site, ENV, results[name] if n else None)
    print(f"\n== the floor of a new process (median of {runs})")
    for name, figures in results.items():
        wall, cpu = figures.ms()
        print(f"    {wall:7.0f} ms wall {cpu:7.0f} ms CPU  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default=",".join(COMMANDS))
    parser.add_argument("--floor", type=int, default=5, metavar="N",
                        help="runs of the floor figures (start-up, import, hashing the inputs; 0: none)")
    args = parser.parse_args()
    print(f"load average before: {'/'.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="site-builder-profile-") as tmp:
        site = copy_example(Path(tmp) / "site")
        run([PYTHON, "-m", "site_builder", *COMMANDS["nochange"]], site)  # output/ and the bytecode caches
        for n, name in enumerate(args.only.split(",")):
            argv = COMMANDS[name]
            if name == "privacy":
                edit_privacy(site, 2 * n)
            before = state(site.parent / "cache") | state(site)
            stderr = run([PYTHON, "-X", "importtime", "-c", DRIVER, *argv], site)
            after = state(site.parent / "cache") | state(site)
            own, whole, total = imports(stderr)
            if name == "privacy":
                edit_privacy(site, 2 * n + 1)  # changed again: the profiled run must rebuild too
            prof = Path(tmp) / f"{name}.prof"
            run([PYTHON, "-c", PROFILED, str(prof), *argv], site)
            print(f"\n== {name}: site-builder {' '.join(argv)}")
            changed = sorted(k for k in after if before.get(k) != after[k])
            gone = sorted(set(before) - set(after))
            print(f"  files written or replaced: {len(changed)} of {len(after)}"
                  + (f": {', '.join(changed[:8])}" if changed else "") + (f"; removed {len(gone)}" if gone else ""))
            print(f"  imports {total:.0f} ms in all; by package: own modules / first import with what it pulled in")
            for package, ms in sorted(own.items(), key=lambda kv: -kv[1])[:16]:
                print(f"    {ms:7.1f} ms / {whole.get(package, 0):7.1f} ms  {package}")
            for package, chain in imported_by(stderr).items():
                print(f"    {package} first imported by: {chain}")
            found = regexes(stderr)
            print(f"  regular expressions compiled: {sum(ms for ms, _ in found):.0f} ms; by the module asking:")
            for ms, module in found[:8]:
                print(f"    {ms:7.1f} ms  {module}")
            print("\n".join(profile_lines(prof, args.top)))
        if args.floor:
            floor(site, args.floor)
    print(f"\nload average after: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
