"""The package's shape: no import cycles (imports inside functions count too), no oversized modules, stages that
are siblings, nothing below the command line importing it, module and class names that say one thing each."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "site_builder"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's own modules that `name` imports anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            subs = {f"{target}.{alias.name}" for alias in node.names} & modules.keys()
            found |= subs
            if len(subs) < len(node.names) and target in modules:
                found.add(target)  # names defined in that module (not submodules of it)
    found.discard(name)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles_counting_imports_inside_functions():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_is_over_the_size_limit():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _stage(module: str) -> str | None:
    """The stage a module belongs to (site_builder.stages.<stage>...), or None."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["site_builder", "stages"] else None


def test_a_stage_imports_no_other_stage():
    crossing = {(name, target) for name, targets in _graph().items() for target in targets
                if _stage(name) and _stage(target) and _stage(name) != _stage(target)}
    assert crossing == set()
    assert {_stage(name) for name in _modules()} >= {"pages", "printing", "records", "link_previews", "hosting"}


def test_nothing_below_the_command_line_imports_it():
    upward = {(name, target) for name, targets in _graph().items() for target in targets
              if target.startswith("site_builder.commands") and not name.startswith("site_builder.commands")
              and name != "site_builder.cli"}
    assert upward == set()


def test_the_cycle_and_stage_rules_see_imports_inside_functions(tmp_path):
    tree = tmp_path / "site_builder"
    (tree / "stages" / "a").mkdir(parents=True)
    (tree / "stages" / "a" / "__init__.py").write_text("def f():\n    from ..b import x\n")
    modules = {"site_builder.stages.a": tree / "stages" / "a" / "__init__.py", "site_builder.stages.b": tree}
    found = _imports("site_builder.stages.a", tree / "stages" / "a" / "__init__.py", modules)
    assert found == {"site_builder.stages.b"} and _stage("site_builder.stages.b") == "b"


# Module names taken twice, each for a reason: a package's __init__ and __main__; bot/ keeps its own cli, settings
# and load while it is rewritten (issue 25).
SHARED_MODULE_NAMES = {"__init__", "__main__", "cli", "settings", "load"}


def test_module_names_are_unique_across_the_package():
    seen: dict[str, list[str]] = {}
    for path in _modules().values():
        seen.setdefault(path.stem, []).append(path.relative_to(ROOT).as_posix())
    assert {stem: paths for stem, paths in seen.items() if len(paths) > 1 and stem not in SHARED_MODULE_NAMES} == {}


def test_class_names_are_unique_across_the_package():
    seen: dict[str, list[str]] = {}
    for name, path in _modules().items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                seen.setdefault(node.name, []).append(name)
    assert {cls: where for cls, where in seen.items() if len(where) > 1} == {}


# --- the tests' own shape ----------------------------------------------------------------------------------

TESTS = ROOT / "tests"
TEST_DATA = {"golden", "invalid_sites", "data"}  # data the tests read, not code


def test_test_modules_keep_the_size_limit_too():
    sizes = {str(p.relative_to(TESTS)): len(p.read_text(encoding="utf-8").splitlines())
             for p in TESTS.rglob("*.py") if not TEST_DATA & set(p.relative_to(TESTS).parts)}
    assert len(sizes) > 50 and {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_the_tests_mirror_the_package():
    """tests/<package>/... holds the tests of site_builder/<package>/...; tests/e2e/ what needs a real browser, real
    servers, the README's commands or a new process; the package's top-level modules have theirs at tests/."""
    folders = {p.relative_to(TESTS) for p in TESTS.rglob("__init__.py")}
    folders = {f.parent for f in folders}
    assert Path("e2e") in folders and Path("stages/pages") in folders
    assert {f for f in folders if f.parts[0] != "e2e" and not (PACKAGE / f).is_dir()} == set()
