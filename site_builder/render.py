"""The budget every text, wording file and theme template renders within: steps, seconds and size.

Jinja's sandbox stops a template from reaching Python, but not from working forever: `{% for %}` loops nested
in each other, `{{ 'ab ' * 10**8 }}`, `{{ 'x'|center(10**9) }}` or a macro calling itself twice each take a
process to its time or memory limit. `BudgetedSandbox` counts as it renders:

- steps: every loop turn, call, filter and output is one; at most MAX_STEPS per render;
- seconds: checked every 1,024 steps, at most MAX_SECONDS per render (a backstop: steps decide first);
- size: every string or list that an output, a call, a filter or an operator makes or is given is counted,
  at most MAX_SIZE characters or items per render; `*`, `**`, `%`, `center`, `indent`, `replace`, `join`,
  `wordwrap`, `batch` and the like are refused before they run when their result would be larger.

Loops are counted by wrapping each `{% for %}`'s iterable, outputs by wrapping each output expression, both
when the template is compiled (`compile`): the template's own code cannot get around them. A budget that runs
out raises Exceeded, which the callers turn into one problem with file and line.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from functools import wraps
from typing import Any, Callable, Iterator

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

MAX_STEPS = 1_000_000
MAX_SECONDS = 5.0
MAX_SIZE = 32 * 1024 * 1024
_DIGITS = re.compile(r"\d+")


class Exceeded(Exception):
    """A render went over its budget: `key` is the catalogue entry, `fields` fill it."""

    def __init__(self, key: str, **fields: Any):
        super().__init__(key)
        self.key, self.fields = key, fields


class _Budget:
    __slots__ = ("steps", "size", "deadline")

    def __init__(self) -> None:
        self.steps, self.size, self.deadline = 0, 0, time.monotonic() + MAX_SECONDS


_STATE = threading.local()


@contextmanager
def budget() -> Iterator[None]:
    """A fresh budget for one render (renders may nest: a wording file inside a record)."""
    outer = getattr(_STATE, "budget", None)
    _STATE.budget = _Budget()
    try:
        yield
    finally:
        _STATE.budget = outer


def _current() -> _Budget:
    current = getattr(_STATE, "budget", None)
    if current is None:
        # compiling, not rendering: Jinja folds constants with the filters (refusing keeps them for render time)
        raise Exceeded("input.render_steps", limit=f"{MAX_STEPS:,}")
    return current


def step(size: int = 0) -> None:
    current = _current()
    current.steps += 1
    current.size += size
    if current.steps > MAX_STEPS:
        raise Exceeded("input.render_steps", limit=f"{MAX_STEPS:,}")
    if current.size > MAX_SIZE:
        raise Exceeded("input.render_size", limit=f"{MAX_SIZE // (1024 * 1024)} MB")
    if current.steps & 1023 == 0 and time.monotonic() > current.deadline:
        raise Exceeded("input.render_time", seconds=f"{MAX_SECONDS:g}")


def size_of(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set)) else 0


def _would_make(size: int) -> None:
    """Refuse an operation before it runs when its result would be larger than the whole budget."""
    if size > MAX_SIZE:
        raise Exceeded("input.render_size", limit=f"{MAX_SIZE // (1024 * 1024)} MB")


def _ints(values: Any) -> int:
    return sum(abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool))


def _format_widths(fmt: Any, args: Any) -> int:
    # widths in a format string ("%999999999d", "{:>999999999}") and those taken from the arguments ("%*d")
    return sum(int(d) for d in _DIGITS.findall(fmt) if len(d) < 12) + _ints(args) if isinstance(fmt, str) else 0


def predicted(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """An upper bound of the size a string filter or method makes, for those that can make much more than
    they are given (0: bounded by their input)."""
    every = list(args) + list(kwargs.values())
    length = size_of(value)
    strings = sum(size_of(a) for a in every if isinstance(a, str))
    if name in ("center", "ljust", "rjust", "zfill", "batch", "slice", "truncate", "filesizeformat"):
        return length + _ints(every)
    if name == "indent":
        return length + (str(value).count("\n") + 1) * (_ints(every) + strings)
    if name in ("replace", "join", "wordwrap"):
        return length + (length + 1) * (strings + 1) + _ints(every)
    if name == "expandtabs":
        return length * (1 + _ints(every))
    if name in ("format", "format_map"):
        return length + _format_widths(value, every) + strings
    return 0


class BudgetedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, counting every step and size against the render's budget (see the module)."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters = {name: _counted(name, f) for name, f in self.filters.items()}
        self.filters["_budget_iter"] = _iterate
        self.filters["_budget_out"] = _output
        self.filters["_budget_literal"] = _literal

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        self.filters[name] = _counted(name, function)

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        tree = self.parse(source, name, filename) if isinstance(source, str) else source
        self.check_tree(tree)
        _count_loops_and_outputs(tree)
        return super().compile(tree, name, filename, raw, defer_init)

    def check_tree(self, tree: nodes.Template) -> None:
        """What a kind of template may not do at all (texts: include other files); raise TemplateSyntaxError."""

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        step()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(n, int) and size_of(seq):
                    _would_make(size_of(seq) * max(n, 0))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            _would_make(max(abs(left), 2).bit_length() * max(right, 0) // 8)
        elif operator == "%" and isinstance(left, str):
            _would_make(len(left) + _format_widths(left, right if isinstance(right, tuple) else (right,)))
        result = super().call_binop(context, operator, left, right)
        step(size_of(result))
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's own)
        step(sum(size_of(a) for a in args) + sum(size_of(a) for a in kwargs.values()))
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _would_make(predicted(getattr(__obj, "__name__", ""), owner, args, kwargs))
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        step(size_of(result))
        return result

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # str.format would run outside the checks above (Jinja hands it to a formatter of its own)
        if isinstance(obj, str) and attr in ("format", "format_map"):
            return False
        return super().is_safe_attribute(obj, attr, value)


def _counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)  # keeps jinja_pass_arg (pass_context, pass_environment, ...)
    def counted(*args: Any, **kwargs: Any) -> Any:
        # with pass_context/pass_environment the first argument is Jinja's own; the value follows it
        value = args[1] if getattr(function, "jinja_pass_arg", None) is not None and len(args) > 1 else (
            args[0] if args else None)
        rest = args[2:] if getattr(function, "jinja_pass_arg", None) is not None else args[1:]
        step(size_of(value))
        _would_make(predicted(name, value, tuple(rest), kwargs))
        result = function(*args, **kwargs)
        step(size_of(result))
        return result

    return counted


def _iterate(iterable: Any) -> Iterator[Any]:
    for item in iterable:
        step()
        yield item


def _output(value: Any) -> Any:
    step(size_of(value) if isinstance(value, str) else 16)
    return value


def _literal(size: int) -> str:
    step(size)
    return ""


def _count_loops_and_outputs(tree: nodes.Template) -> None:
    """Wrap every loop's iterable and every output in the counting filters (a compiled template counts itself)."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, "_budget_iter", [], [], None, None, lineno=loop.lineno)
    for output in tree.find_all(nodes.Output):
        literal = sum(len(n.data) for n in output.nodes if isinstance(n, nodes.TemplateData))
        wrapped: list[nodes.Expr] = [nodes.Filter(nodes.Const(literal), "_budget_literal", [], [], None, None,
                                                  lineno=output.lineno)] if literal else []
        for node in output.nodes:
            wrapped.append(node if isinstance(node, nodes.TemplateData) else
                           nodes.Filter(node, "_budget_out", [], [], None, None, lineno=node.lineno))
        output.nodes = wrapped
