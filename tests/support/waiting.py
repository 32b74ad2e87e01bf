"""Waiting on a loop for what another task does (a timer firing, a relay catching up): until a
condition holds, or a failure after a generous timeout. The timeout only says "it never came"; how
soon it came is a benchmark figure, never asserted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def eventually(condition: Callable[[], object], *, timeout: float = 10.0, failure: str = "") -> None:
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"{failure or 'the condition did not hold'} within {timeout} s") from None
