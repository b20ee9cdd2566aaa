"""Problems found in the input: one line each, `<file>: <where>: <what> (<fix>)`."""

from __future__ import annotations

from dataclasses import dataclass

from .messages import fix, t


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input, reported without a traceback."""

    file: str
    where: str
    what: str
    fix: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{self.file}: {self.where}: {self.what}"
        if self.fix:
            text += f" ({self.fix})"
        if self.severity == "warning":
            text = f"{t('common.warning')}: {text}"
        return text


def report(file: str, where: str, key: str, /, *, warning: bool = False, **fields: object) -> Problem:
    """A problem worded by the message catalogue entry `key` (its what/fix pair, fields filled in)."""
    return Problem(str(file), where, t(key, **fields), fix(key, **fields), "warning" if warning else "error")


class InputError(Exception):
    """Raised with every problem found, so all are reported at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def errors(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that stop a build (warnings too, with --strict)."""
    return [p for p in problems if strict or p.severity == "error"]
