"""{{ placeholders }} in texts and wording files, filled in a sandbox that exposes only the values given.

Texts, wording files and themes are untrusted input (an agency builds what its clients send): they are
rendered with Jinja's SandboxedEnvironment, so a placeholder can read the settings' values but cannot
reach Python internals (`cycler.__init__.__globals__`, `''.__class__.__mro__`, ...). The environment
also carries none of Jinja's global helpers but `range`: a text has no use for `cycler` or `lipsum`.

Every unknown or forbidden placeholder of a text is reported, each with its own line: the text is
rendered with an Undefined that notes each use and carries on, instead of stopping at the first. A text
renders within the budget of render.py (steps, seconds, size), and cannot include, import or extend a file.

Compiled texts are kept in memory only (by the digest of their source): no bytecode cache on disk, so a
build writes nothing outside output/ and consent-versions/, and no file outside the site is ever loaded
and run as compiled code.
"""

from __future__ import annotations

import difflib
import hashlib
import sys
import threading
from collections import OrderedDict
from typing import Any, Iterator, Mapping

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError

from .problems import Problem, report
from .render import BudgetedSandbox, Exceeded, budget
from .template_cache import LazyCache

# --- sources by digest, bounded -----------------------------------------------------------------

MAX_SOURCES = 256  # a `serve` session edits texts for hours: old versions must not pile up
_SOURCES: OrderedDict[str, str] = OrderedDict()
_LOCK = threading.Lock()


def _by_digest(name: str) -> str | None:
    # a text is named by the digest of its source: the bytecode cache then finds it again across runs
    with _LOCK:
        return _SOURCES.get(name)


def _remember(name: str, source: str) -> None:
    with _LOCK:
        _SOURCES[name] = source
        _SOURCES.move_to_end(name)
        while len(_SOURCES) > MAX_SOURCES:
            _SOURCES.popitem(last=False)


# --- an Undefined that notes every use instead of stopping at the first -----------------------

_STATE = threading.local()  # .template (the one being rendered) and .found (what was noted)


def _current_line() -> int | None:
    """The template line being rendered, from the live frames of the compiled template."""
    template = getattr(_STATE, "template", None)
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == "<template>" and template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


class _Noted(jinja2.Undefined):
    """A missing or forbidden value: noted with its line when used, then treated as empty."""

    __slots__ = ()

    def _note(self) -> None:
        found = getattr(_STATE, "found", None)
        if found is None:
            # not rendering: Jinja is folding constants while compiling (`{{ ''.__class__ }}`); refusing
            # makes it evaluate the expression at render time, where it is noted
            raise _Stop()
        found.append((_current_line(), self))

    def __str__(self) -> str:
        self._note()
        return ""

    def __html__(self) -> str:
        self._note()
        return ""

    def __bool__(self) -> bool:
        self._note()
        return False

    def __iter__(self) -> Iterator[Any]:
        self._note()
        return iter(())

    def __len__(self) -> int:
        self._note()
        return 0

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return self  # `business.fax.number`: noted once, where the chain is used

    def __getitem__(self, key: Any) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._note()
        return self

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        self._note()
        raise _Stop()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = __pos__ = __neg__ = _fail_with_undefined_error


class _Stop(Exception):
    """An undefined value used in arithmetic or a comparison: rendering cannot go on."""


def _finalize(value: Any) -> Any:
    # `{{ "".format }}` would print a Python function's repr into the page
    if callable(value) and not isinstance(value, (jinja2.Undefined, str)):
        raise SecurityError("a function is not a value")
    return value


class _TextSandbox(BudgetedSandbox):
    """The sandbox of texts and wording files: no file tags (a text is the one file it is)."""

    def check_tree(self, tree: nodes.Template) -> None:
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            tag = {"Include": "include", "Import": "import", "FromImport": "from ... import",
                   "Extends": "extends"}[type(node).__name__]
            raise FileTag(f"{{% {tag} %}}", node.lineno)


class FileTag(jinja2.TemplateSyntaxError):
    """{% include %}, {% import %} or {% extends %} in a text."""

    def __init__(self, tag: str, lineno: int):
        super().__init__(tag, lineno)
        self.tag = tag


def _environment(autoescape: bool) -> BudgetedSandbox:
    # optimized=False: folding constants at compile time would hide `{{ "".__class__ }}` from the checks
    env = _TextSandbox(loader=jinja2.FunctionLoader(_by_digest), undefined=_Noted, autoescape=autoescape,
                       keep_trailing_newline=True, finalize=_finalize, optimized=False,
                       bytecode_cache=LazyCache("text-escaped" if autoescape else "text-plain"))
    env.globals = {"range": env.globals["range"]}  # no cycler, lipsum, joiner, namespace, dict
    return env


_ENV = _environment(True)  # Markdown bodies: values are escaped before Markdown sees them
_PLAIN = _environment(False)  # front matter: plain text, escaped once by the page template


# --- names and suggestions ----------------------------------------------------------------------


def _paths(context: Mapping[str, Any]) -> dict[int, str]:
    """id(value) -> its dotted name in the context, for the tables and lists a placeholder can reach."""
    names: dict[int, str] = {}

    def walk(value: Any, name: str, depth: int) -> None:
        if depth > 4 or id(value) in names:
            return
        if isinstance(value, Mapping):
            names[id(value)] = name
            for key in value:
                walk(value[key], f"{name}.{key}", depth + 1)
        elif isinstance(value, (list, tuple)):
            names[id(value)] = name
            for item in value:
                walk(item, f"{name}[]", depth + 1)

    for key, value in context.items():
        walk(value, key, 0)
    return names


def _known_keys(context: Mapping[str, Any]) -> list[str]:
    keys: list[str] = []
    for key, value in context.items():
        keys.append(key)
        if isinstance(value, Mapping):
            keys += [f"{key}.{sub}" for sub in value]
    return keys


def _describe(undefined: _Noted, context: Mapping[str, Any], names: dict[int, str]) -> tuple[str, str, str]:
    """(catalogue key, the placeholder's name, a hint) for a noted value."""
    name = str(undefined._undefined_name)
    obj = undefined._undefined_obj
    parent = _label(obj, names)
    full = f"{parent}.{name}" if parent else name
    if undefined._undefined_exception is SecurityError:
        return "content.placeholder_forbidden", full, ""
    if obj is jinja2.utils.missing:
        candidates = _known_keys(context)
    else:
        keys = [str(k) for k in obj] if isinstance(obj, Mapping) else []
        candidates = [f"{parent}.{k}" if parent else k for k in keys]
    return "content.placeholder_unknown", full, ", ".join(_closest(full, candidates))


def _label(obj: Any, names: dict[int, str]) -> str:
    """How the text named the value a placeholder reached into ('' when it cannot be said)."""
    if obj is jinja2.utils.missing:
        return ""
    if isinstance(obj, _Noted):  # `cycler.__init__`: the unknown `cycler` first
        inner = _label(obj._undefined_obj, names)
        return f"{inner}.{obj._undefined_name}" if inner else str(obj._undefined_name)
    if id(obj) in names:
        return names[id(obj)]
    if isinstance(obj, (str, int, float)) and len(repr(obj)) <= 20:
        return repr(obj)
    return ""


def _closest(name: str, candidates: list[str]) -> list[str]:
    """The known keys nearest to a typo: the best match, and any about as near (at most three)."""
    scored = sorted(((difflib.SequenceMatcher(None, name, c).ratio(), c) for c in candidates), reverse=True)
    best = scored[0][0] if scored else 0.0
    return [c for score, c in scored[:3] if score >= 0.6 and score >= best - 0.03]


# --- rendering ----------------------------------------------------------------------------------


def render_placeholders(source: str, context: Mapping[str, Any], file: str, first_line: int,
                        problems: list[Problem], *, autoescape: bool = True) -> str | None:
    """Fill {{ placeholders }}; each unknown or forbidden one is a problem naming the file and line.

    autoescape=False for plain-text values (front matter), which the page template escapes itself."""
    env = _ENV if autoescape else _PLAIN
    # the same source compiles differently with and without escaping: two names, two cache entries
    name = hashlib.sha256(source.encode("utf-8")).hexdigest() + ("" if autoescape else "-plain")
    _remember(name, source)
    try:
        template = env.get_template(name)
    except FileTag as exc:
        problems.append(report(file, f"line {first_line + (exc.lineno or 1) - 1}", "input.render_include",
                               tag=exc.tag))
        return None
    except RecursionError:  # a text nested deeper than the parser's own recursion goes
        problems.append(report(file, f"line {first_line}", "input.render_deep"))
        return None
    except jinja2.TemplateSyntaxError as exc:
        problems.append(report(file, f"line {first_line + (exc.lineno or 1) - 1}", "content.placeholder_syntax",
                               error=exc.message or ""))
        return None
    _STATE.template, _STATE.found = template, []
    stopped: BaseException | None = None
    try:
        with budget():
            text = template.render(context)
    except Exceeded as exc:
        text, stopped = None, exc
    except RecursionError as exc:
        text, stopped = None, Exceeded("input.render_deep")
        stopped.__traceback__ = exc.__traceback__
    except MemoryError as exc:
        text, stopped = None, Exceeded("input.render_size", limit="memory")
        stopped.__traceback__ = exc.__traceback__
    # AssertionError: Jinja's own filters check their arguments with assert (`truncate(-1)`)
    except (_Stop, jinja2.UndefinedError, jinja2.TemplateError, SecurityError, TypeError, ValueError,
            ArithmeticError, LookupError, AttributeError, AssertionError) as exc:
        text, stopped = None, exc
    finally:
        found, _STATE.template, _STATE.found = _STATE.found, None, None
    before = len(problems)
    names = _paths(context) if found else {}
    seen: set[tuple[str, int | None]] = set()
    for line, undefined in found:
        key, what, hint = _describe(undefined, context, names)
        if (what, line) in seen:
            continue
        seen.add((what, line))
        where = f"line {first_line + line - 1}" if line else f"line {first_line}"
        if hint:
            problems.append(report(file, where, "content.placeholder_unknown_near", name=what, near=hint))
        else:
            problems.append(report(file, where, key, name=what))
    if stopped is not None and len(problems) == before:
        line = _traceback_line(stopped)
        where = f"line {first_line + line - 1}" if line else f"line {first_line}"
        if isinstance(stopped, Exceeded):
            problems.append(report(file, where, stopped.key, **stopped.fields))
        else:
            detail = str(stopped) if not isinstance(stopped, _Stop) else ""
            key = "content.placeholder_forbidden" if isinstance(stopped, SecurityError) else "content.placeholder_failed"
            problems.append(report(file, where, key, name=detail, error=detail))
    return None if len(problems) > before else text


def _traceback_line(exc: BaseException) -> int | None:
    # Jinja rewrites tracebacks so that template frames carry the template's own line numbers.
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
