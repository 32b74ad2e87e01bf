"""Child process of `bench.profile`: time and profile the board view in-process (no network).

Run with a server's environment (its own data folder): migrates, creates one person, seeds their
board with the board benchmark's 550 threads, then GETs `/` through Django's AsyncClient, first
unprofiled (timings), then under pyinstrument. Prints the timings as JSON on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import django


async def main(out: Path, count: int) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import AsyncClient
    from pyinstrument import Profiler

    from bench.deploy import seed_board

    user = await get_user_model().objects.acreate(username="bench")
    seed_board(dict(os.environ), str(user.pk))
    client = AsyncClient()
    await client.aforce_login(user)
    for _ in range(5):
        response = await client.get("/")
        assert response.status_code == 200, response.status_code
    plain: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        await client.get("/")
        plain.append((time.perf_counter() - started) * 1000)
    profiler = Profiler(interval=0.0005, async_mode="enabled")
    with profiler:
        for _ in range(count):
            await client.get("/")
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    out.with_suffix(".html").write_text(profiler.output_html())
    return {"board_ms": plain}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    result = asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
    print(json.dumps(result))
