"""A unit of output: files made by one renderer from one model, reused while its key is unchanged.

A stage turns the SiteModel into units. A unit either names its renderer (a module with `render(model) ->
{path below output/: bytes}`) and the frozen model it draws, or holds files already made (the pages, the
hosting configs: cheaper to make than to key). Its key is a digest of what its files are made of:

    drawn unit   digest(model, the renderer's code)   the code: its module and every module of the package it
                                                      imports, read from disk (`code_digest`), so an edited or
                                                      upgraded renderer redraws what it draws, nothing else
    made unit    digest(its files)

The build reuses a unit's files from the previous output while its key is unchanged; nothing else decides.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, fields, is_dataclass
from importlib import import_module
from pathlib import Path, PurePath
from typing import Any, Mapping

from . import __version__
from .problems import Problem

PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Unit:
    name: str  # unique in the build, e.g. "records/de/risk-assessment" or "print/poster-a4-de"
    key: str  # digest of what its files are made of
    paths: tuple[str, ...]  # the files it makes, below output/ (known before drawing: `check` counts them)
    renderer: str = ""  # the module that draws it: render(model) -> files; may raise problems.InputError
    model: Any = None  # what the renderer draws from: frozen, picklable (a worker process may draw it)
    files: Mapping[str, bytes] | None = None  # the files, when made already

    def render(self) -> dict[str, bytes]:
        if self.files is not None:
            return dict(self.files)
        files: dict[str, bytes] = import_module(self.renderer).render(self.model)
        return files


@dataclass(frozen=True)
class StagePlan:
    """What a stage makes of the SiteModel: its units (in order) and the problems it found (none drawn yet)."""

    units: tuple[Unit, ...] = ()
    problems: tuple[Problem, ...] = ()


def drawn_unit(name: str, renderer: str, model: Any, paths: tuple[str, ...]) -> Unit:
    """A unit its renderer draws later (or never, while its key is unchanged)."""
    return Unit(name, digest(model, code_digest(renderer)), paths, renderer, model)


def made_unit(name: str, files: Mapping[str, bytes]) -> Unit:
    """A unit whose files are made already."""
    return Unit(name, digest(sorted(files.items())), tuple(files), files=dict(files))


def digest(*parts: Any) -> str:
    """A stable digest of plain values: str, bytes, numbers, lists, dicts, frozen dataclasses (field by field,
    without those marked UNKEYED), paths by their name only (a model holds the digest of a file's content
    beside its path: the same site gives the same keys wherever it is built from)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(b"b" + len(part).to_bytes(8, "big") + part)
        else:
            text = json.dumps(_plain(part), sort_keys=True, default=repr, ensure_ascii=False)
            h.update(b"j" + text.encode("utf-8") + b"\0")
    return h.hexdigest()


UNKEYED = {"unkeyed": True}  # field metadata: a value that only names things in messages (a settings file's path)


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is tuple or kind is list:
        return [_plain(item) for item in value]
    names = _keyed_fields(kind)
    if names is not None:
        return [kind.__qualname__, *[_plain(getattr(value, name)) for name in names]]
    if isinstance(value, PurePath):
        return {"@path": value.name}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return {"@bytes": hashlib.sha256(value).hexdigest()}
    return value


@functools.cache
def _keyed_fields(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass that its key covers (None for anything else)."""
    if not is_dataclass(kind):
        return None
    return tuple(f.name for f in fields(kind) if not f.metadata.get("unkeyed"))


@functools.cache
def code_digest(module: str) -> str:
    """A digest of the code that runs when `module` renders: its file and the files of every module of this
    package it imports, directly or not (read from disk, once per process), and the package's version."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(code_files(module)):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def code_files(module: str) -> set[Path]:
    """The files of `module` and of the package's modules it imports (imports inside functions count)."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        path = _file_of(name)
        if path is None or path in seen:
            continue
        seen.add(path)
        todo += _imported(name, path)
    return seen


def _file_of(module: str) -> Path | None:
    parts = module.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


# An import statement, wherever it stands: `from .x import (a, b)` (names on several lines too) or `import a.b`.
# A line in a string that looks like one only adds a file to the digest, which is safe; reading the source
# this way costs a small part of parsing it.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)|import[ \t]+([\w., \t]+))", re.M)


@functools.cache
def _imported(name: str, path: Path) -> list[str]:
    """The package's modules that the module `name` (file `path`) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    source = path.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for level, module, names, plain in _IMPORT.findall(source):
        if plain:
            found += [part.split()[0] for part in plain.split(",") if part.strip()]
            continue
        if level:
            base = package.rsplit(".", len(level) - 1)[0] if len(level) > 1 else package
            target = f"{base}.{module}" if module else base
        else:
            target = module
        imported = [part.split()[0] for part in names.strip("()").split(",") if part.strip()]
        submodules = [f"{target}.{leaf}" for leaf in imported if _file_of(f"{target}.{leaf}")]
        found += submodules
        if len(submodules) < len(imported):
            found.append(target)  # names defined in that module itself
    return found
