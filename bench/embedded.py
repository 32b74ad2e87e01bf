"""Embedded mode (one uvicorn process, SQLite file store, in-memory bus): the board and a state change.

Board: 50 sagas x 9 stories + 50 top-level tasks for one person. First sequential requests (one
connection) for the server time and the end-to-end latency; then alternating fixed-length load
windows of the board and of `/healthz` (a trivial async view on the same server) on several
keep-alive connections, whose requests per second give the ratio.

State change: an HTMX POST end to end on the same seeded board: park/unpark a task from the board
(`POST /threads/<id>/transition/`) and quantum start/stop from its card (`POST /timers/<id>/start/`,
`/stop/`), each sent with the board's keys as board.js sends them and answered with the changed
parts only (issue 15); then both without the keys (the whole board region; the controls alone).
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from bench import http_load
from bench.deploy import Person, embedded, seed_board, sign_up
from bench.report import Figure, Target
from bench.runner import Context
from tests.support.board_page import BoardPage
from tests.support.servers import Server

CONNECTIONS = 4
CROWD = 16


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
        cpu_ms: list[float] = []
        deadline = time.monotonic() + (3 if ctx.quick else 40)
        for _ in range(sequential):
            if time.monotonic() > deadline:
                break
            reply = http_load.send(conn, "GET", "/", board_headers)
            if reply.status == 200:
                latencies.append(reply.latency_ms)
                if reply.server_ms is not None:
                    server_ms.append(reply.server_ms)
                if reply.cpu_ms is not None:
                    cpu_ms.append(reply.cpu_ms)
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
        # Many tabs or people at once: one process serves them all on one event loop.
        crowd = http_load.load(server.port, "/", board_headers, connections=CROWD, duration=seconds * 2)
        if crowd.errors:
            ctx.log(f"{CROWD} connections: errors {crowd.statuses}")
        ctx.log(f"{CROWD} connections: board {crowd.rps:.2f} req/s")

    return [
        Figure.of(
            "board: server time",
            "ms",
            server_ms,
            [Target("p95", "<=", 20)],
            note=f"550 threads, one connection, {len(first.body) / 1024:.0f} KiB page; Server-Timing app;dur",
        ),
        Figure.of(
            "board: CPU time on the event loop",
            "ms",
            cpu_ms,
            note="Server-Timing cpu;dur, same requests: moves far less than wall time on a busy machine",
        ),
        Figure.of("board: end to end", "ms", latencies, note="client-side, one keep-alive connection"),
        Figure.of(
            f"board: server time, {CONNECTIONS} connections",
            "ms",
            loaded_server_ms,
            note=f"{CONNECTIONS} concurrent keep-alive connections, the board windows below",
        ),
        Figure.of(
            f"board: server time, {CROWD} connections",
            "ms",
            crowd.server_ms,
            note=f"{CROWD} concurrent keep-alive connections, one window of {seconds * 2:g} s",
        ),
        Figure.of("board: requests/s", "req/s", board_rps, note=f"{windows} windows of {seconds:g} s"),
        Figure.of(f"board: requests/s, {CROWD} connections", "req/s", [crowd.rps]),
        Figure.of("healthz: requests/s", "req/s", health_rps, note="trivial async view, same server and windows"),
        Figure.of(
            "board rps / healthz rps",
            "ratio",
            ratios,
            [Target("median", ">=", 0.3)],
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
    page: BoardPage | None = None,
) -> tuple[list[float], list[float], list[int]]:
    """POST `warm_up` then up to `rounds` times within `budget_s`, alternating in pairs as `path_of(i)` says.

    With `page` (the board's keys, as board.js holds them) each POST sends them (`X-Board-Shown`)
    and its narrow answer is applied to them, as the browser would. Also returns the answers' sizes."""
    latencies: list[float] = []
    server_ms: list[float] = []
    sizes: list[int] = []
    deadline = float("inf")
    for i in range(warm_up + rounds):
        if i == warm_up:
            deadline = time.monotonic() + budget_s
        if i % 2 == 0 and time.monotonic() > deadline:  # stop after a pair: the thread is as it was
            break
        path, body = path_of(i)
        sent = headers if page is None else headers | {"X-Board-Shown": page.header()}
        reply = http_load.send(conn, "POST", path, sent, body)
        if reply.status != 200:
            raise RuntimeError(f"POST {path} answered {reply.status}: {reply.body[:300]!r}")
        if page is not None:
            if b'id="board"' in reply.body:
                raise RuntimeError(f"POST {path} answered with the whole board region, not its changed parts")
            page.apply(reply.body.decode())
        if i >= warm_up:
            latencies.append(reply.latency_ms)
            sizes.append(len(reply.body))
            if reply.server_ms is not None:
                server_ms.append(reply.server_ms)
    return latencies, server_ms, sizes


def _ready_cards(region: str) -> list[str]:
    """The ids of the Ready cards the board region shows, in order."""
    return re.findall(r'<article [^>]*id="thread-([0-9a-f]+)" [^>]*data-state="ready"', region)


def run_state_change(ctx: Context) -> list[Figure]:
    """Park/unpark a task from the board and start/stop a quantum from its card, as the board page
    sends them (with its keys: the answer is the changed parts); then the same without the keys
    (the whole board region; the controls alone) for comparison."""
    rounds = 40 if ctx.quick else 200
    budget = 3 if ctx.quick else 60
    with tempfile.TemporaryDirectory(prefix="bench-state-") as tmp, embedded(Path(tmp) / "server") as (server, env):
        person = _seeded(ctx, server, env, Path(tmp) / "server")
        headers = person.headers(htmx=True, post=True)
        conn = http_load.connect(server.port)
        # As htmx sends it from the board: the page's URL tells the view which region it shows.
        from_board = headers | {"HX-Current-URL": f"{server.url}/"}
        region = http_load.send(conn, "GET", "/", person.headers(htmx=True))
        page = BoardPage.load(region.body.decode())
        ctx.log(f"board region: {len(region.body) / 1024:.0f} KiB, {len(page.lanes)} lanes")
        # Two cards the board shows (a seeded task of its own would land past the columns' limit).
        parked_id, timed_id = _ready_cards(region.body.decode())[:2]
        park = urlencode({"action": "park"}).encode()
        unpark = urlencode({"action": "unpark"}).encode()

        def park_unpark(i: int) -> tuple[str, bytes]:
            return f"/threads/{parked_id}/transition/", park if i % 2 == 0 else unpark

        def start_stop(i: int) -> tuple[str, bytes]:
            return f"/timers/{timed_id}/{'start' if i % 2 == 0 else 'stop'}/", b""

        warm = 2 if ctx.quick else 4
        transitions = _post_rounds(conn, park_unpark, from_board, rounds, budget, warm, page)
        timers = _post_rounds(conn, start_stop, from_board, rounds, budget, 10, page)
        whole = _post_rounds(conn, park_unpark, from_board, rounds // 2, budget / 2, warm)
        controls = _post_rounds(conn, start_stop, headers, rounds // 2, budget / 2, 10)
        conn.close()
    board = "on the board of 550 threads, one keep-alive connection"

    def size(reply: tuple[list[float], list[float], list[int]]) -> str:
        return f"answers {statistics.median(reply[2]) / 1024:.1f} KiB (median)" if reply[2] else "no answers"

    def changed_from_board(what: str, reply: tuple[list[float], list[float], list[int]], how: str) -> list[Figure]:
        """A change made from a card on the board: end to end (the figure with the target), then server time."""
        end_to_end = Figure.of(
            f"state change: {what} from the board, end to end",
            "ms",
            reply[0],
            [Target("p95", "<=", 15)],
            note=f"{how}, {size(reply)}, {board}",
        )
        return [end_to_end, Figure.of(f"state change: {what} from the board, server time", "ms", reply[1])]

    return [
        *changed_from_board(
            "park/unpark",
            transitions,
            "HTMX POST /threads/<id>/transition/ (park, unpark) with the board's keys, answered with the changed parts",
        ),
        *changed_from_board(
            "quantum start/stop",
            timers,
            "HTMX POST /timers/<id>/start/ and /stop/ from a card on the board with its keys, answered with "
            "the changed parts (the card in Now or its column, the counts)",
        ),
        Figure.of(
            "state change: park/unpark, whole region (no keys), end to end",
            "ms",
            whole[0],
            note=f"as before issue 15 item 3 (and a page without keys): the whole board region, {size(whole)}",
        ),
        Figure.of(
            "state change: quantum start/stop, controls only (no board), end to end",
            "ms",
            controls[0],
            note=f"as another page gets it: the card's controls, {size(controls)}",
        ),
    ]
