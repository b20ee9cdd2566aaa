"""`site-builder init`: a new site folder whose site.toml is written from the settings schema.

The schema's docs become the comments (in the language of the messages), every value the owner must
give is a <<marker>> with a note on where to find it, and nothing of the example business is copied
except texts that are not its own (the purposes' wording and channels). `--trade NAME` takes those, the
landing page's heading, intro and first-screen texts, and the trade's look (colours, icon), from a preset
(site_builder/presets); site.toml records the preset as
`site.preset` so that `check` warns while its wording is unchanged. The data protection authority and the
transfer basis are not asked for: they follow from the facts the project keeps (site_builder/facts).
"""

from __future__ import annotations

import datetime as dt
import errno
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any, Mapping

from .config import SCHEMA, Opt, today
from .messages import current_language, t
from .presets import GENERIC, description, presets, resolve
from .problems import report
from .tomlparse import tomllib

EXAMPLE = Path(__file__).parent / "example"
WIDTH = 100


def toml_value(value: Any) -> str:
    """A value written as TOML (strings, numbers, booleans, dates, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text, WIDTH - 2, break_on_hyphens=False)] if text else []


# optional in the schema, yet every new site should give them: the Land (the authority follows from it)
_ASK_FOR = frozenset({"state"})


def _marker(key: str, opt: Opt, lang: str) -> str:
    inner = t("init.date_marker") if opt.kind == "date" else opt.help(lang)
    if not opt.required and key not in _ASK_FOR:
        inner += f"; {t('init.or_delete')}"
    inner = inner.replace('"', "'")
    # a date is written without quotes, so its marker is too (the loader reads it as a fill-in)
    return f"<<{inner}>>" if opt.kind == "date" else f'"<<{inner}>>"'


def _option(key: str, opt: Opt, example: Any, lang: str, now: dt.date) -> list[str]:
    if not opt.init or opt.init == "example" and example is None:
        return []
    lines = _comment(opt.help(lang))
    if opt.find:
        lines += _comment(t("init.find", where=opt.where_to_find(lang)))
    value = {"fill": lambda: _marker(key, opt, lang), "today": lambda: now.isoformat(),
             "example": lambda: toml_value(example),
             "value": lambda: opt.sample or toml_value(opt.default),
             "comment": lambda: opt.sample}[opt.init]()
    lines.append(f"{'# ' if opt.init == 'comment' else ''}{key} = {value}")
    return lines


def _placeholder(opt: Opt) -> str:
    if opt.default is not None:
        return toml_value(opt.default)
    return {"date": "2026-01-31", "int": "1", "bool": "false"}.get(opt.kind, '"..."')


def _commented_block(name: str, opt: Opt, lang: str) -> list[str]:
    """An optional table the owner adds when it applies, as a commented-out block with each key's doc."""
    header = f"[[{name}]]" if opt.kind == "tables" else f"[{name}]"
    lines = [""] + _comment(opt.help(lang)) + [f"# {header}"]
    for key, child in (opt.children or {}).items():
        lines.append(f"# {key} = {_placeholder(child)}  # {child.help(lang)}")
    return lines


def _table(name: str, opt: Opt, example: Any, lang: str, now: dt.date) -> list[str]:
    children: Mapping[str, Opt] = opt.children or {}
    if opt.kind == "tables":  # the example's entries, e.g. its purposes
        lines = _comment(opt.help(lang)) + _comment(t("init.starting_point"))
        for entry in example or []:
            lines += ["", f"[[{name}]]"] + [f"{k} = {toml_value(v)}" for k, v in entry.items()]
        return lines
    if opt.init == "example":  # a table of free keys, e.g. channels
        return [f"[{name}]"] + _comment(opt.help(lang)) + [f"{k} = {toml_value(v)}" for k, v in (example or {}).items()]
    body: list[str] = []
    blocks: list[str] = []
    for key, child in children.items():
        if child.init == "doc":
            blocks += _commented_block(f"{name}.{key}", child, lang)
        else:
            body += _option(key, child, (example or {}).get(key), lang, now)
    return [f"[{name}]"] + _comment(opt.help(lang)) + body + blocks if body else []


def _source(trade: str | None) -> dict[str, Any]:
    """What init copies: the example's texts that are not its own, or a trade preset's purposes and channels."""
    with (EXAMPLE / "site.toml").open("rb") as f:
        example = tomllib.load(f)
    example.setdefault("site", {})["preset"] = trade or GENERIC  # check warns while its wording is unchanged
    if trade:
        preset = presets()[trade]
        example["purposes"] = preset["purposes"]
        example["channels"] = preset["channels"]
        example["theme"] = {**example.get("theme", {}), **preset.get("theme", {})}  # the trade's colours and icon
        # a trade whose customers may be under 16 says so (records.minors); the others keep the example's
        example.setdefault("records", {}).update(preset.get("records") or {})
    return example


def settings_template(now: dt.date | None = None, trade: str | None = None) -> str:
    """The text of a new site.toml: every key from the schema, its doc as the comment, in the messages' language.

    `trade` is a preset's name (see site_builder/presets): its purposes and channels replace the example's.
    """
    lang = current_language()
    now = now or today()
    example = _source(trade)
    out = [f"# {line}".rstrip() for line in t("init.header").strip().splitlines()]
    for name, opt in SCHEMA.items():
        if opt.init == "doc":
            out += _commented_block(name, opt, lang)
        elif opt.init:
            block = _table(name, opt, example.get(name), lang, now)
            if block:
                out += [""] + block
    return "\n".join(out) + "\n"


def _front_matter_line(text: str, key: str, value: str) -> str:
    """`text` with the front matter's `key = "..."` line set to `value` (only the first +++ block)."""
    head, sep, rest = text.partition("\n+++")
    line = re.compile(rf'^{key}\s*=\s*".*"\s*$', re.M)
    return line.sub(lambda _: f"{key} = {toml_value(value)}", head, count=1) + sep + rest


def apply_preset(content: Path, trade: str) -> None:
    """Give content/<lang>/index.md the preset's heading, intro and first-screen texts (first_layer,
    withdraw_note), for each language the preset has."""
    index = presets()[trade].get("index") or {}
    for lang_dir in sorted(p for p in content.iterdir() if p.is_dir()):
        page = lang_dir / "index.md"
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        for key, texts in index.items():
            if isinstance(texts, dict) and isinstance(texts.get(lang_dir.name), str):
                text = _front_matter_line(text, key, texts[lang_dir.name])
        page.write_text(text, encoding="utf-8")


def init_site(target: Path, trade: str | None = None) -> list[Path]:
    """Create site.toml and content/ in `target`; refuse to overwrite anything (also a dangling symlink)."""
    settings, content = target / "site.toml", target / "content"
    existing = [p for p in (settings, content) if p.exists() or p.is_symlink()]
    if existing:
        raise FileExistsError(", ".join(str(p) for p in existing))
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(target))
    target.mkdir(parents=True, exist_ok=True)
    text = settings_template(trade=trade)
    with settings.open("x", encoding="utf-8") as f:  # "x": never follows a symlink planted meanwhile
        f.write(text)
    try:
        shutil.copytree(EXAMPLE / "content", content)
        if trade:
            apply_preset(content, trade)
    except BaseException:
        settings.unlink()  # leave the folder as it was
        if not content.is_symlink():
            shutil.rmtree(content, ignore_errors=True)
        raise
    return [settings, content]


def list_trades() -> int:
    """`site-builder init --list-trades`: each preset's name and description in the messages' language."""
    lang = current_language()
    print(t("init.trades_heading"))
    for name in presets():
        print(f"  {name:<16} {description(name, lang)}")  # a layout line: the words come from the preset
    print(t("init.trades_use"))
    return 0


def init_command(target: Path, trade: str | None = None) -> int:
    """`site-builder init DIR [--trade NAME]`: create the site, print what was made, or one line saying why not."""
    if trade is not None:
        name = resolve(trade)
        if name is None:
            print(report(trade, "--trade", "init.unknown_trade", known=", ".join(presets())), file=sys.stderr)
            return 1
        trade = name
    try:
        created = init_site(target, trade)
    except FileExistsError as exc:
        print(report(str(exc), t("config.where_file"), "init.exists"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(report(str(exc.filename or target), t("config.where_file"), "init.cannot_write",
                     reason=exc.strerror or exc.__class__.__name__), file=sys.stderr)
        return 1
    for path in created:
        print(t("init.created", path=path))
    if trade:
        print(t("init.preset_used", name=trade, description=description(trade, current_language())))
        print(t("init.next"))
    else:
        print(t("init.next"))
        print(t("init.next_trades"))
    return 0
