"""Waiting for what another task or process does (a timer firing, a relay catching up, a server
writing to its store): until it shows, or a failure after a generous timeout. The timeout only says
"it never came"; how soon it came is a benchmark figure, never asserted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(condition: Callable[[], object], *, timeout: float = 10.0, failure: str = "") -> None:
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"{failure or 'the condition did not hold'} within {timeout} s") from None


def wait_for(read: Callable[[], T | None], *, timeout: float, failure: str) -> T:
    """The first thing `read()` gives that is not None (what another process wrote, read from
    where it wrote it); an AssertionError saying `failure` "within `timeout` s" when none comes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if value is not None:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{failure} within {timeout} s")
