"""The output folder: guarded, written whole into a fresh folder and swapped in, with one cache.

- `check_output_dir` refuses a folder that holds the sources or that this tool did not make.
- `recover` finishes or undoes a swap that a killed build left half done, and removes the leftovers
  this tool owns (`.<out>.tmp-<pid>`, `.<out>.old-<pid>` of processes that are gone).
- `NewOutput` writes the next output beside the old one and swaps it in whole by two renames; until the
  swap, and whatever fails, the old output stays exactly as it was.
- The manifest (`.site-builder-cache.json` in the output) records, for each unit of output, the digest
  of its inputs and its files: a unit whose digest is unchanged is linked from the previous output instead
  of being rendered again. Nothing else decides what is reused.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .messages import t
from .problems import Problem, report

if TYPE_CHECKING:
    from .units import Unit

MARKER = ".site-builder-output"
MANIFEST = ".site-builder-cache.json"
MANIFEST_VERSION = 1
SOURCES_NAMES = ("content", "wording", "themes", "consent-versions")


def check_output_dir(out: Path, config: Path) -> list[Problem]:
    """Refuse an output folder that holds the sources, or that this tool did not create."""
    root = config.resolve().parent
    if os.path.islink(out) and out.parent.resolve() == root:
        # output/ came with the site's folder (untrusted: an agency builds what a client sends) as a link: it
        # would send the build's writes elsewhere, even into another client's output made by this tool
        return [report(str(out), "-o/--out", "output.link_in_site", target=os.path.realpath(out))]
    out = out.resolve()
    for source in [config.resolve()] + [root / name for name in SOURCES_NAMES]:
        if source == out or out in source.parents or (source.is_dir() and source in out.parents):
            return [report(str(out), "-o/--out", "output.contains_sources", source=source)]
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        return [report(str(out), "-o/--out", "output.foreign_folder")]
    if not _existing_parent(out).is_dir():
        return [report(str(out), "-o/--out", "output.parent_is_file", path=_existing_parent(out))]
    if not os.access(out.parent if out.parent.exists() else _existing_parent(out), os.W_OK):
        return [report(str(out), "-o/--out", "output.not_writable")]
    return []


def _existing_parent(path: Path) -> Path:
    """The nearest folder (or file) above `path` that exists."""
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path("/")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path, kind: str) -> list[Path]:
    """`.<name>.<kind>-<pid>` folders beside `out` made by this tool whose process is gone."""
    found = []
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return []
    prefix = f".{out.name}.{kind}-"
    for path in siblings:
        pid = path.name[len(prefix):]
        if (path.name.startswith(prefix) and pid.isdigit() and not _pid_alive(int(pid))
                and path.is_dir() and not path.is_symlink() and (path / MARKER).is_file()):
            found.append(path)
    return sorted(found)


def recover(out: Path) -> list[str]:
    """Repair what a killed build left behind; return a sentence for each thing done."""
    out = out.resolve()
    done: list[str] = []
    olds, tmps = _leftovers(out, "old"), _leftovers(out, "tmp")
    if not out.exists() and olds:
        # killed between the two renames: the new output is complete in tmp (it is renamed only when whole)
        pid = olds[-1].name.rsplit("-", 1)[1]
        finished = out.parent / f".{out.name}.tmp-{pid}"
        if finished in tmps:
            finished.rename(out)
            tmps.remove(finished)
            done.append(t("output.recovered_finished", out=out))
        else:
            olds[-1].rename(out)
            olds.pop()
            done.append(t("output.recovered_restored", out=out))
    for leftover in olds + tmps:
        shutil.rmtree(leftover, ignore_errors=True)
        done.append(t("output.removed_leftover", path=leftover))
    return done


@dataclass
class Manifest:
    """What the previous build wrote: per unit its digest and files, and the whole input digest."""

    inputs: str = ""
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> Manifest:
        try:
            data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return cls()
            return cls(str(data.get("inputs", "")), dict(data.get("units", {})), dict(data.get("summary", {})))
        except (OSError, ValueError, AttributeError):
            return cls()

    def to_bytes(self) -> bytes:
        data = {"version": MANIFEST_VERSION, "inputs": self.inputs, "units": self.units, "summary": self.summary}
        return json.dumps(data, sort_keys=True, indent=0, ensure_ascii=False).encode("utf-8")

    def rewrite(self, out: Path, *, inputs: str) -> None:
        """Store another input digest in the manifest of `out` (written beside it, then renamed over it)."""
        self.inputs = inputs
        tmp = out / (MANIFEST + ".tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(out / MANIFEST)

    def files(self) -> dict[str, int]:
        return {rel: size for unit in self.units.values() for rel, size in unit.get("files", {}).items()}

    def intact(self, out: Path) -> bool:
        """The output holds exactly the files the manifest names, with their sizes (a cheap check)."""
        try:
            expected = self.files()
            disk = on_disk(out)
        except OSError:
            return False
        disk.pop(MARKER, None)
        disk.pop(MANIFEST, None)
        return bool(expected) and disk == expected


def on_disk(out: Path) -> dict[str, int]:
    """Every regular file below `out` with its size (links and other kinds count as size -1)."""
    found: dict[str, int] = {}
    for folder, dirs, files in os.walk(out):
        base = Path(folder)
        for name in files:
            path = base / name
            found[path.relative_to(out).as_posix()] = -1 if path.is_symlink() else path.stat().st_size
    return found


def strangers(out: Path, previous: Manifest) -> list[str]:
    """Files in `out` that no build made (a user put them there): the swap will remove them."""
    if not out.is_dir() or not previous.units:
        return []
    made = previous.files()
    return sorted(rel for rel in on_disk(out) if rel not in made and rel not in (MARKER, MANIFEST)
                  and not (rel.endswith("/.inputs.json") or rel.endswith("/.inputs.sha256")))


class NewOutput:
    """The next `out`, written file by file into a fresh folder beside it and swapped in whole by
    `commit`; until then, and whatever fails, `out` stays exactly as it was."""

    def __init__(self, out: Path, previous: Manifest | None = None) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        self.old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        for leftover in (self.tmp, self.old):
            if leftover.exists():
                shutil.rmtree(leftover)
        self.previous = previous or Manifest()
        self.manifest = Manifest()
        self.written: dict[str, int] = {}
        self._folders: set[Path] = set()
        try:
            self.tmp.mkdir()
            (self.tmp / MARKER).write_text("Made by site-builder; rebuilt whole on every build.\n", encoding="utf-8")
        except BaseException:
            self.discard()
            raise

    def _write(self, files: dict[str, bytes]) -> dict[str, int]:
        sizes = {}
        for rel, data in sorted(files.items()):
            target = self.tmp / rel
            if target.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            target.write_bytes(data)
            sizes[rel] = len(data)
        self.written.update(sizes)
        return sizes

    def reusable(self, unit: Unit) -> bool:
        """Whether the previous output holds this unit's files, made from the same inputs."""
        entry = self.previous.units.get(unit.name)
        return bool(entry) and entry.get("digest") == unit.key

    def link_unit(self, unit: Unit) -> bool:
        """Take a reusable unit's files from the previous output (hard links); False if that cannot be done."""
        if not self.reusable(unit):
            return False
        sizes = dict(self.previous.units[unit.name]["files"])
        if not self._link(sizes):
            return False
        self.written.update(sizes)
        self.manifest.units[unit.name] = {"digest": unit.key, "files": sizes}
        return True

    def add_unit(self, unit: Unit, files: dict[str, bytes]) -> None:
        """Write a unit's files, as drawn."""
        if unit.paths and set(files) != set(unit.paths):  # a stage that lists other files than it makes: a bug
            raise RuntimeError(f"{unit.name}: made {sorted(files)}, planned {sorted(unit.paths)}")
        self.manifest.units[unit.name] = {"digest": unit.key, "files": self._write(files)}

    def _link(self, files: dict[str, int]) -> bool:
        try:
            for rel in files:
                target = self.tmp / rel
                if target.parent not in self._folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self._folders.add(target.parent)
                source = self.out / rel
                if source.is_symlink():
                    return False
                try:
                    os.link(source, target)
                except OSError:  # another file system, or no hard links (FAT): copy
                    shutil.copyfile(source, target)
            return True
        except OSError:
            return False

    def commit(self, inputs: str = "", summary: dict[str, Any] | None = None) -> None:
        self.manifest.inputs = inputs
        self.manifest.summary = summary or {}
        try:
            (self.tmp / MANIFEST).write_bytes(self.manifest.to_bytes())
            if self.out.exists():
                self.out.rename(self.old)
            self.tmp.rename(self.out)
        except BaseException:
            if self.old.exists() and not self.out.exists():
                self.old.rename(self.out)
            self.discard()
            raise
        shutil.rmtree(self.old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
