"""Child process of `bench.profile`: time and profile the board view and a state change in-process.

Run with a server's environment (its own data folder): migrates, runs the web process's start-up
hooks (bus, realtime bridge), creates one person, seeds their board with the board benchmark's 550
threads, then through Django's AsyncClient (no network) GETs `/` and POSTs quantum start/stop
(HTMX), each first unprofiled (timings), then under pyinstrument. Prints the timings as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import django


async def _measure(call: Callable[[int], Awaitable[Any]], count: int, out: Path) -> list[float]:
    from pyinstrument import Profiler

    for i in range(6):
        response = await call(i)
        assert response.status_code == 200, response.status_code
    plain: list[float] = []
    for i in range(count):
        started = time.perf_counter()
        await call(i)
        plain.append((time.perf_counter() - started) * 1000)
    profiler = Profiler(interval=0.0005, async_mode="enabled")
    with profiler:
        for i in range(count):
            await call(i)
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    out.with_suffix(".html").write_text(profiler.output_html())
    profiler.last_session.save(str(out.with_suffix(".pyisession")))
    return plain


async def main(out: Path, count: int) -> dict[str, list[float]]:
    """`count` board requests (each timed, then each profiled) and five times as many state changes."""
    from django.contrib.auth import get_user_model
    from django.test import AsyncClient

    from bench.deploy import seed_board, seed_task
    from parallel_you.bootstrap import current_adapters

    await current_adapters().start()
    try:
        user = await get_user_model().objects.acreate(username="bench")
        seed_board(dict(os.environ), str(user.pk))
        task = seed_task(dict(os.environ), str(user.pk))
        client = AsyncClient()
        await client.aforce_login(user)

        def board(i: int) -> Awaitable[Any]:
            return client.get("/")

        def state_change(i: int) -> Awaitable[Any]:
            action = "start" if i % 2 == 0 else "stop"
            return client.post(f"/timers/{task.id}/{action}/", headers={"HX-Request": "true"})

        return {
            "board_ms": await _measure(board, count, out / "profile-board"),
            "state_ms": await _measure(state_change, count * 5, out / "profile-state-change"),
        }
    finally:
        await current_adapters().stop()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    result = asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
    print(json.dumps(result))
