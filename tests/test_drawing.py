"""Drawing on several cores (site_builder.drawing, a process pool beside the build's own process): the same
files as one process, every unit drawn once, problems come back, and a worker that dies leaves its units to the
build."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, run_cli, tree_digest

from site_builder.drawing import cores

pytestmark = pytest.mark.slow  # drawing pools in new Pythons


def test_a_pool_gives_the_same_files_as_one_process(site):
    assert cores() >= 2, "this machine has one core: the test cannot show two processes drawing"
    one = run_cli("build", "-o", "one", cwd=site, env={"SITE_BUILDER_JOBS": "1"})
    two = run_cli("build", "-o", "two", cwd=site)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert tree_digest(site / "one") == tree_digest(site / "two")


# A renderer module of its own, so that the workers (started by fork, or by spawn elsewhere) can find it.
RENDERER = textwrap.dedent("""
    import os, time
    from site_builder.problems import InputError, Problem

    def render(model):
        number, mode = model
        if number == 3:
            raise InputError([Problem("site.toml", "x", f"problem of unit {number}", "fix it")])
        if mode == "die" and number == 5 and str(os.getpid()) != os.environ["BUILD_PID"]:
            os._exit(9)  # a worker killed (out of memory, a signal)
        time.sleep(0.05)  # long enough that every worker takes units
        return {f"u{number}.txt": str(os.getpid()).encode()}
""")

SCRIPT = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from site_builder.drawing import draw
    from site_builder.units import Unit

    os.environ["BUILD_PID"] = str(os.getpid())
    units = [Unit(f"u{i}", "k", (f"u{i}.txt",), "fake_renderer", (i, sys.argv[1])) for i in range(12)]
    drawn = draw(units, Path(sys.argv[2]), parallel=True)
    plain = {name: [p.what for p in v] if isinstance(v, list) else {f: b.decode() for f, b in v.items()}
             for name, v in drawn.items()}
    print(json.dumps({"parent": os.getpid(), "drawn": plain}))
""")


def _draw(mode: str, tmp_path) -> dict:
    (tmp_path / "fake_renderer.py").write_text(RENDERER, encoding="utf-8")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(tmp_path)], capture_output=True, text=True,
                            timeout=120, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_unit_is_drawn_once_by_the_build_or_a_worker_and_problems_come_back(tmp_path):
    answer = _draw("ok", tmp_path)
    drawn = answer["drawn"]
    assert sorted(drawn) == sorted(f"u{i}" for i in range(12))
    assert drawn["u3"] == ["problem of unit 3"]  # problems come back, wherever the unit was drawn
    pids = {int(files[f"{name}.txt"]) for name, files in drawn.items() if name != "u3"}
    assert len(pids) == cores() and answer["parent"] in pids  # every core drew, the build's own process too


def test_a_worker_that_dies_leaves_its_units_to_the_build(tmp_path):
    answer = _draw("die", tmp_path)
    drawn = answer["drawn"]
    # every unit is answered: the broken pool's units are drawn in the build's own process
    assert sorted(drawn) == sorted(f"u{i}" for i in range(12))
    assert drawn["u3"] == ["problem of unit 3"]
