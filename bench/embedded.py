"""Embedded mode (one uvicorn process, SQLite file store, in-memory bus): the board and a state change.

Board: 50 sagas x 9 stories + 50 top-level tasks for one person. First sequential requests (one
connection) for the server time and the end-to-end latency; then alternating fixed-length load
windows of the board and of `/healthz` (a trivial async view on the same server) on several
keep-alive connections, whose requests per second give the ratio.

State change: an HTMX POST end to end on the same seeded board: park/unpark a task from the board
(`POST /threads/<id>/transition/`, answered with the re-rendered board region as the board page
gets it), and quantum start/stop (`POST /timers/<id>/start/`, `/stop/`, answered with the card's
controls).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from bench import http_load
from bench.deploy import Person, embedded, seed_board, seed_task, sign_up
from bench.report import Figure, Target
from bench.runner import Context
from tests.support.servers import Server

CONNECTIONS = 4


def _seeded(ctx: Context, server: Server, env: dict[str, str], data_dir: Path) -> Person:
    """Sign up on the server and seed that person's board into the server's document file."""
    person = sign_up(server, data_dir)
    made = seed_board(env, person.owner)
    ctx.log(f"seeded {len(made)} threads for owner {person.owner}")
    return person


def run_board(ctx: Context) -> list[Figure]:
    sequential = 60 if ctx.quick else 300
    windows = 1 if ctx.quick else 4
    seconds = 1.0 if ctx.quick else 4.0
    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp, embedded(Path(tmp) / "server") as (server, env):
        person = _seeded(ctx, server, env, Path(tmp) / "server")
        board_headers = person.headers()
        conn = http_load.connect(server.port)
        first = http_load.send(conn, "GET", "/", board_headers)
        if first.status != 200 or b"Saga 50" not in first.body:
            raise RuntimeError(f"the board did not render the seeded threads (status {first.status})")
        ctx.log(f"board page: {len(first.body) / 1024:.0f} KiB")
        for _ in range(3 if ctx.quick else 10):  # warm-up
            http_load.send(conn, "GET", "/", board_headers)
        latencies: list[float] = []
        server_ms: list[float] = []
        deadline = time.monotonic() + (3 if ctx.quick else 40)
        for _ in range(sequential):
            if time.monotonic() > deadline:
                break
            reply = http_load.send(conn, "GET", "/", board_headers)
            if reply.status == 200:
                latencies.append(reply.latency_ms)
                if reply.server_ms is not None:
                    server_ms.append(reply.server_ms)
        conn.close()

        http_load.load(server.port, "/healthz", {}, connections=CONNECTIONS, duration=0.5)  # warm-up
        board_rps: list[float] = []
        health_rps: list[float] = []
        ratios: list[float] = []
        loaded_server_ms: list[float] = []
        for i in range(windows):
            board = http_load.load(server.port, "/", board_headers, connections=CONNECTIONS, duration=seconds)
            health = http_load.load(server.port, "/healthz", {}, connections=CONNECTIONS, duration=seconds)
            if board.errors or health.errors:
                ctx.log(f"window {i}: errors board={board.statuses} healthz={health.statuses}")
            board_rps.append(board.rps)
            health_rps.append(health.rps)
            loaded_server_ms += board.server_ms
            if health.rps > 0:
                ratios.append(board.rps / health.rps)
            ctx.log(f"window {i + 1}/{windows}: board {board.rps:.2f} req/s, healthz {health.rps:.0f} req/s")

    return [
        Figure.of(
            "board: server time",
            "ms",
            server_ms,
            [Target("p95", "<=", 50)],
            note=f"550 threads, one connection, {len(first.body) / 1024:.0f} KiB page; Server-Timing app;dur",
        ),
        Figure.of("board: end to end", "ms", latencies, note="client-side, one keep-alive connection"),
        Figure.of(
            "board: server time under load", "ms", loaded_server_ms, note=f"{CONNECTIONS} concurrent connections"
        ),
        Figure.of("board: requests/s", "req/s", board_rps, note=f"{windows} windows of {seconds:g} s"),
        Figure.of("healthz: requests/s", "req/s", health_rps, note="trivial async view, same server and windows"),
        Figure.of(
            "board rps / healthz rps",
            "ratio",
            ratios,
            [Target("median", ">=", 0.3, kind="goal")],
            note="per window pair",
        ),
    ]


def _post_rounds(
    conn: http_load.http.client.HTTPConnection,
    path_of: Callable[[int], tuple[str, bytes]],
    headers: dict[str, str],
    rounds: int,
    budget_s: float,
    warm_up: int,
) -> tuple[list[float], list[float]]:
    """POST `warm_up` then up to `rounds` times within `budget_s`, alternating in pairs as `path_of(i)` says."""
    latencies: list[float] = []
    server_ms: list[float] = []
    deadline = float("inf")
    for i in range(warm_up + rounds):
        if i == warm_up:
            deadline = time.monotonic() + budget_s
        if i % 2 == 0 and time.monotonic() > deadline:  # stop after a pair: the thread is as it was
            break
        path, body = path_of(i)
        reply = http_load.send(conn, "POST", path, headers, body)
        if reply.status != 200:
            raise RuntimeError(f"POST {path} answered {reply.status}: {reply.body[:300]!r}")
        if i >= warm_up:
            latencies.append(reply.latency_ms)
            if reply.server_ms is not None:
                server_ms.append(reply.server_ms)
    return latencies, server_ms


def run_state_change(ctx: Context) -> list[Figure]:
    """Park/unpark a story from the board (the board region comes back), and start/stop a quantum."""
    rounds = 40 if ctx.quick else 200
    with tempfile.TemporaryDirectory(prefix="bench-state-") as tmp, embedded(Path(tmp) / "server") as (server, env):
        person = _seeded(ctx, server, env, Path(tmp) / "server")
        parked = seed_task(env, person.owner, "Benchmark task to park and unpark")
        timed = seed_task(env, person.owner, "Benchmark task to start and stop")
        headers = person.headers(htmx=True, post=True)
        conn = http_load.connect(server.port)
        # As htmx sends it from the board: the page's URL tells the view which region to re-render.
        from_board = headers | {"HX-Current-URL": f"{server.url}/"}
        park = urlencode({"action": "park"}).encode()
        unpark = urlencode({"action": "unpark"}).encode()
        transitions = _post_rounds(
            conn,
            lambda i: (f"/threads/{parked.id}/transition/", park if i % 2 == 0 else unpark),
            from_board,
            rounds,
            3 if ctx.quick else 60,
            2 if ctx.quick else 4,
        )
        timers = _post_rounds(
            conn,
            lambda i: (f"/timers/{timed.id}/{'start' if i % 2 == 0 else 'stop'}/", b""),
            headers,
            rounds,
            3 if ctx.quick else 60,
            10,
        )
        conn.close()
    board = "on the board of 550 threads, one keep-alive connection"
    return [
        Figure.of(
            "state change: park/unpark from the board, end to end",
            "ms",
            transitions[0],
            [Target("p95", "<=", 30)],
            note=f"HTMX POST /threads/<id>/transition/ (park, unpark), answered with the board region, {board}",
        ),
        Figure.of("state change: park/unpark from the board, server time", "ms", transitions[1]),
        Figure.of(
            "state change: quantum start/stop, end to end",
            "ms",
            timers[0],
            note=f"HTMX POST /timers/<id>/start/ and /stop/, answered with the card's controls, {board}",
        ),
        Figure.of("state change: quantum start/stop, server time", "ms", timers[1]),
    ]
