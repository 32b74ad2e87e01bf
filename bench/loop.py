"""Is the event loop free while the store is slow? One embedded server whose every store call takes
50 ms (PARALLEL_YOU_REPO_LATENCY_MS, a far-away MongoDB), 20 board requests at once, and meanwhile
WebSocket pings to the same process, timed. Beside it the same with a store that answers at once
(what rendering 20 boards costs the loop on this machine) and the control: the 50 ms calls kept on
the event loop, as before the store was served off it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.deploy import embedded, sign_up
from bench.report import Figure, Target
from bench.runner import Context
from tests.support.loopprobe import pings_while_boards_load

BOARD_REQUESTS = 20
LATENCY_MS = 50


def _pings(ctx: Context, latency_ms: int, off_loop: str, rounds: int) -> list[float]:
    samples: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-loop-") as tmp:
        data = Path(tmp) / "server"
        overrides = {"PARALLEL_YOU_REPO_LATENCY_MS": str(latency_ms), "PARALLEL_YOU_STORE_OFF_LOOP": off_loop}
        with embedded(data, **overrides) as (server, _env):
            person = sign_up(server, data)
            for n in range(3):
                person.client.post(
                    "/threads/new/", {"kind": "task", "title": f"Task {n}", "energy_band": "deep", "quantum": "25"}
                )
            cookie = person.cookie_header
            for _ in range(rounds):
                round_trips, boards = pings_while_boards_load(server, cookie, BOARD_REQUESTS)
                if any(status != 200 for status, _ in boards):
                    raise RuntimeError(f"a board request failed: {sorted({s for s, _ in boards})}")
                samples += round_trips
    ctx.log(f"store {latency_ms} ms, off loop {off_loop}: {len(samples)} pings")
    return samples


def run(ctx: Context) -> list[Figure]:
    rounds = 1 if ctx.quick else 5
    note = f"{BOARD_REQUESTS} board requests at once, WebSocket ping round trips on the same process"
    return [
        Figure.of(
            f"loop: ping while boards load, {LATENCY_MS} ms store (off the loop)",
            "ms",
            _pings(ctx, LATENCY_MS, "auto", rounds),
            [Target("p99", "<=", 20)],
            note=note,
        ),
        Figure.of("loop: ping while boards load, instant store", "ms", _pings(ctx, 0, "on", rounds), note=note),
        Figure.of(
            f"loop: ping while boards load, {LATENCY_MS} ms store on the loop (control)",
            "ms",
            _pings(ctx, LATENCY_MS, "off", rounds),
            note="what the same load did before store calls left the loop",
        ),
    ]
