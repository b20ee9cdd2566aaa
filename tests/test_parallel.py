"""Drawing on two cores (site_builder.parallel): the same files as one process, every unit drawn once,
problems and a failing worker handled."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import run_cli, tree_digest

from site_builder.parallel import cores


def test_two_cores_give_the_same_files_as_one(site):
    assert cores() >= 2, "this machine has one core: the test cannot show two processes drawing"
    one = run_cli("build", "-o", "one", cwd=site, env={"SITE_BUILDER_JOBS": "1"})
    two = run_cli("build", "-o", "two", cwd=site)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert tree_digest(site / "one") == tree_digest(site / "two")
    assert not list((site / "two").rglob(".worker-*")), "the worker's answer file is left in the output"


SCRIPT = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    from site_builder.parallel import draw
    from site_builder.problems import InputError, Problem
    from site_builder.units import Unit

    parent = os.getpid()

    def make(i):
        def render():
            if i == 3:
                raise InputError([Problem("site.toml", "x", f"problem of unit {i}", "fix it")])
            if os.getpid() != parent and sys.argv[1] == "crash":
                raise RuntimeError("a bug in the worker")
            time.sleep(0.05)  # long enough that both processes take units
            return {f"u{i}.txt": str(os.getpid()).encode()}
        return render

    units = [Unit(f"u{i}", "d", make(i)) for i in range(12)]
    drawn = draw(units, Path(sys.argv[2]), Path(sys.argv[2]))
    plain = {name: [p.what for p in v] if isinstance(v, list) else {f: b.decode() for f, b in v.items()}
             for name, v in drawn.items()}
    print(json.dumps({"parent": parent, "drawn": plain, "left": sorted(os.listdir(sys.argv[2]))}))
""")


def _draw(mode: str, tmp_path) -> dict:
    result = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(tmp_path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_unit_is_drawn_once_by_one_of_two_processes(tmp_path):
    answer = _draw("ok", tmp_path)
    drawn = answer["drawn"]
    assert sorted(drawn) == sorted(f"u{i}" for i in range(12))
    assert drawn["u3"] == ["problem of unit 3"]  # problems come back, wherever the unit was drawn
    pids = {int(files[f"{name}.txt"]) for name, files in drawn.items() if name != "u3"}
    assert len(pids) == 2 and answer["parent"] in pids
    assert answer["left"] == []  # the worker's answer file is removed


def test_a_worker_that_fails_leaves_its_units_to_the_parent(tmp_path):
    answer = _draw("crash", tmp_path)
    drawn = answer["drawn"]
    # The worker crashes on every unit it takes: nothing of it is delivered, the parent's units are, and
    # the units the worker took are missing from the answer (build() then draws them in its own process).
    pids = {int(files[f"{name}.txt"]) for name, files in drawn.items() if name != "u3"}
    assert pids == {answer["parent"]}
    assert 0 < len(drawn) < 12
    assert answer["left"] == []
