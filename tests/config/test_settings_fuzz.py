"""Hostile settings, generated: any value at any key gives problems in the one-line format, never an exception.

In-process and fast; `SETTINGS_FUZZ_EXAMPLES=2000` runs more examples than CI does.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from site_builder.config import SCHEMA, load_settings, validate
from site_builder.config.checks import BIDI

pytestmark = pytest.mark.slow  # hypothesis: many settings files

EXAMPLE = Path(__file__).resolve().parents[2] / "site_builder" / "example" / "site.toml"
RAW = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("SETTINGS_FUZZ_EXAMPLES", "150"))
LINE = re.compile(r"^(warning: )?[^:\n]+: [^:\n]+: [^\n]+ \([^\n]+\)$")


def _paths(schema, prefix=()):
    for key, opt in schema.items():
        yield prefix + (key,)
        if opt.kind == "table" and opt.children:
            yield from _paths(opt.children, prefix + (key,))


PATHS = sorted(_paths(SCHEMA))
scalars = st.one_of(
    st.text(max_size=80), st.text(alphabet=st.sampled_from("<>\"'\\;{}\n\t\u202e\u2066 @:/%ab.é"), max_size=40),
    st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(), st.just("<<fill in>>"),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(min_size=1, max_size=8), inner, max_size=4), max_leaves=8)


def _set(raw: dict, path: tuple[str, ...], value) -> dict:
    raw = copy.deepcopy(raw)
    table = raw
    for key in path[:-1]:
        if not isinstance(table.get(key), dict):
            table[key] = {}
        table = table[key]
    table[path[-1]] = value
    return raw


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=values)
def test_any_value_at_any_key_gives_messages_not_exceptions(path, value):
    result, problems = validate(_set(RAW, path, value), EXAMPLE)
    for problem in problems:
        assert LINE.match(str(problem)), str(problem)
    if result is not None:
        assert problems == [] or all(p.severity == "warning" for p in problems)


@settings(max_examples=EXAMPLES, deadline=None)
@given(url=st.text(max_size=60).map(lambda s: "https://www.example.de/" + s))
def test_an_accepted_base_url_has_nothing_a_server_config_could_misread(url):
    result, _ = validate(_set(RAW, ("site", "base_url"), url), EXAMPLE)
    if result is not None:
        accepted = result.base_url
        assert not any(c.isspace() or c in "\"'\\;{}<>`" or c in BIDI for c in accepted), accepted
        assert "@" not in accepted.split("/")[2]


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_as_settings_file_give_one_clear_problem(tmp_path_factory, data):
    file = tmp_path_factory.mktemp("fuzz") / "site.toml"
    file.write_bytes(data)
    result, problems = load_settings(file)
    assert result is None and problems
    assert all(LINE.match(str(p)) for p in problems)
