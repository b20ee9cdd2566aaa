"""The PostgreSQL cluster of the bot's end-to-end tests: one per session (with pytest-xdist, one per worker),
each test in a database of its own (`pg.new_database()`). test_faults.py makes its own, since it switches the
whole cluster to read-only for a while. Also the fake Graph API and the SMTP server every module starts per test."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot_support import FakeGraph, Postgres, fake_graph, postgres_bin, postgres_cluster
from handoff_servers import Mailbox, smtp_server


@pytest.fixture(scope="session")
def pg() -> Iterator[Postgres]:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (scripts/install.sh --test installs it)")
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with fake_graph() as g:
        yield g


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box
