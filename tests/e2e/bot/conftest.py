"""The PostgreSQL cluster of the bot's end-to-end tests: one per session (with pytest-xdist, one per worker),
each test in a database of its own (`pg.new_database()`). test_faults.py makes its own, since it switches the
whole cluster to read-only for a while."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot_support import Postgres, postgres_bin, postgres_cluster


@pytest.fixture(scope="session")
def pg() -> Iterator[Postgres]:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (scripts/install.sh --test installs it)")
    with postgres_cluster() as cluster:
        yield cluster
