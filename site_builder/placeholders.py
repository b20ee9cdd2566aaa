"""{{ placeholders }} in texts and wording files, filled in a sandbox that exposes only the values given.

Texts, wording files and themes are untrusted input (an agency builds what its clients send): they are
rendered with Jinja's SandboxedEnvironment, so a placeholder can read the settings' values but cannot
reach Python internals (`cycler.__init__.__globals__`, `''.__class__.__mro__`, ...).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Any, Mapping

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .problems import Problem


@functools.lru_cache(maxsize=1)
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (compiling is most of a small rebuild's time); None if unwritable."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "site-builder" / f"jinja-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


_SOURCES: dict[str, str] = {}


def _by_digest(name: str) -> str | None:
    # a text is named by the digest of its source: the bytecode cache then finds it again across runs
    return _SOURCES.get(name)


def _environment() -> jinja2.Environment:
    return SandboxedEnvironment(loader=jinja2.FunctionLoader(_by_digest), undefined=jinja2.StrictUndefined,
                                autoescape=True, keep_trailing_newline=True, bytecode_cache=bytecode_cache())


_ENV = _environment()


def _compile(source: str) -> jinja2.Template:
    # Jinja keeps compiled templates by name (in memory, and on disk through the bytecode cache)
    name = hashlib.sha256(source.encode("utf-8")).hexdigest()
    _SOURCES[name] = source
    return _ENV.get_template(name)


def _template_line(exc: BaseException) -> int | None:
    # Jinja rewrites tracebacks so that template frames carry the template's own line numbers.
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_placeholders(source: str, context: Mapping[str, Any], file: str, first_line: int,
                        problems: list[Problem]) -> str | None:
    """Fill {{ placeholders }}; an unknown one is a problem naming the file and line."""
    try:
        template = _compile(source)
    except jinja2.TemplateSyntaxError as exc:
        problems.append(Problem(file, f"line {first_line + (exc.lineno or 1) - 1}",
                                f"placeholder syntax error: {exc.message}",
                                "write placeholders as {{ business.name }}"))
        return None
    try:
        return template.render(context)
    except jinja2.UndefinedError as exc:
        line = _template_line(exc)
        where = f"line {first_line + line - 1}" if line else "body"
        name = re.sub(r"^'(.*)' is undefined$", r"\1", exc.message or "")
        problems.append(Problem(file, where, f"unknown placeholder: {name}",
                                "use a key from site.toml, e.g. {{ business.name }}, or remove the braces"))
        return None
    except jinja2.exceptions.SecurityError as exc:
        line = _template_line(exc)
        where = f"line {first_line + line - 1}" if line else "body"
        problems.append(Problem(file, where, f"placeholder not allowed: {exc}",
                                "placeholders may only name values from site.toml, e.g. {{ business.name }}"))
        return None
