"""A bounded load (50 simulated people, create / start / stop) against an embedded server on
127.0.0.1; afterwards every thread's state and session history is consistent and no answer was a
5xx. `make load` runs the same for 60 s; here it is shorter (PARALLEL_YOU_LOAD_SECONDS)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.load import run_load, verify
from tests.support.servers import Server, start_server

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_server(tmp_path)
    yield started
    started.stop()


def test_load_leaves_a_consistent_store_and_no_server_errors(server: Server) -> None:
    seconds = float(os.environ.get("PARALLEL_YOU_LOAD_SECONDS", "15"))
    result = run_load(server.url, people=50, seconds=seconds)
    cycles = sum(len(p.cycles) for p in result.people)
    assert result.server_errors == []
    assert result.unexpected == []
    assert cycles >= 50, f"only {cycles} cycles in {result.seconds:.1f} s"
    server.stop()
    assert verify(result, server) == []
