"""Quantum expiry lateness: how late after its deadline a running quantum's expiry reaches a page.

50 quanta per mode, embedded (the in-process scheduler) and distributed (Celery native delayed
delivery on RabbitMQ, a Celery worker, two web processes and `run_consumers`). A "minute" lasts
0.2 s (`PARALLEL_YOU_SECONDS_PER_MINUTE`), so a 5-minute quantum runs 1 s. Five people work in
parallel, ten quanta each in turn: start a quantum over HTTP, wait on a live socket for its
`task.quantum_expired` fragment, and take the arrival time minus the `run.deadline` the server
set (the same machine's clock); then stop it and start the next. Distributed, the quantum is
started on web process A and the socket is on B. Also reported: the server-side lateness
(`run.expired_at - run.deadline`, when the expiry was written).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import http_load
from bench.deploy import Person, distributed, embedded, seed_task
from bench.report import Figure, Target
from bench.runner import Context
from tests.support.http import WebClient
from tests.support.servers import Server
from tests.support.services import rabbitmq_available, rabbitmq_url

QUANTA = 50
PEOPLE = 5
SECONDS_PER_MINUTE = "0.2"
QUANTUM_MINUTES = 5
TARGETS = (Target("p99", "<=", 1000), Target("p99", "<=", 100, kind="goal"))
_EVENT = re.compile(r'data-topic="([^"]+)" data-subject="([^"]*)" data-payload="([^"]*)"')


def lateness_ms(payload: dict[str, Any], received_at: datetime) -> float:
    """How late an expiry event arrived: its arrival time minus the quantum's deadline."""
    deadline = datetime.fromisoformat(payload["run"]["deadline"])
    return (received_at - deadline).total_seconds() * 1000


def written_late_ms(payload: dict[str, Any]) -> float | None:
    run = payload.get("run") or {}
    if not run.get("expired_at"):
        return None
    return (datetime.fromisoformat(run["expired_at"]) - datetime.fromisoformat(run["deadline"])).total_seconds() * 1000


def _sign_up(server: Server, data_dir: Path, username: str) -> Person:
    from bench.deploy import user_pk

    client = WebClient(server.url)
    client.sign_up(username)
    client.get("/")
    return Person(owner=user_pk(data_dir, username), client=client)


async def _person(
    post_to: Server, listen_on: Server, person: Person, task_id: str, count: int
) -> tuple[list[float], list[float]]:
    import websockets

    arrived: list[float] = []
    written: list[float] = []
    headers = person.headers(htmx=True, post=True)
    conn = http_load.connect(post_to.port)
    ws_headers = {"Cookie": person.cookie_header, "Origin": listen_on.url}
    try:
        async with websockets.connect(listen_on.ws_url + "/ws/live/", additional_headers=ws_headers) as socket:
            for _ in range(count):
                reply = await asyncio.to_thread(http_load.send, conn, "POST", f"/timers/{task_id}/start/", headers, b"")
                if reply.status != 200:
                    raise RuntimeError(f"start answered {reply.status}: {reply.body[:300]!r}")
                async with asyncio.timeout(QUANTUM_MINUTES * float(SECONDS_PER_MINUTE) + 15):
                    while True:
                        message = str(await socket.recv())
                        at = datetime.now(UTC)
                        match = _EVENT.search(message)
                        if match and match.group(1) == "task.quantum_expired" and match.group(2) == task_id:
                            payload = json.loads(html.unescape(match.group(3)))
                            arrived.append(lateness_ms(payload, at))
                            if (late := written_late_ms(payload)) is not None:
                                written.append(late)
                            break
                reply = await asyncio.to_thread(http_load.send, conn, "POST", f"/timers/{task_id}/stop/", headers, b"")
                if reply.status != 200:
                    raise RuntimeError(f"stop answered {reply.status}: {reply.body[:300]!r}")
    finally:
        conn.close()
    return arrived, written


async def _measure(post_to: Server, listen_on: Server, people: list[tuple[Person, str]], per_person: int):  # type: ignore[no-untyped-def]
    results = await asyncio.gather(*(_person(post_to, listen_on, p, t, per_person) for p, t in people))
    arrived = [x for a, _ in results for x in a]
    written = [x for _, w in results for x in w]
    return arrived, written


def _figures(mode: str, arrived: list[float], written: list[float], note: str) -> list[Figure]:
    return [
        Figure.of(f"quantum expiry lateness ({mode}, {len(arrived)} quanta)", "ms", arrived, TARGETS, note=note),
        Figure.of(f"quantum expiry written late ({mode})", "ms", written, note="run.expired_at - run.deadline"),
    ]


def run(ctx: Context) -> list[Figure]:
    quanta = 10 if ctx.quick else QUANTA
    per_person = quanta // PEOPLE
    figures: list[Figure] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-expiry-") as tmp:
        data = Path(tmp) / "embedded"
        with embedded(data, PARALLEL_YOU_SECONDS_PER_MINUTE=SECONDS_PER_MINUTE) as (server, env):
            people = []
            for i in range(PEOPLE):
                person = _sign_up(server, data, f"bench{i}")
                people.append((person, seed_task(env, person.owner, "Expiring task", QUANTUM_MINUTES).id))
            arrived, written = asyncio.run(_measure(server, server, people, per_person))
        figures += _figures(
            "embedded", arrived, written, f"{PEOPLE} people in parallel, 1 s quanta, in-process scheduler"
        )
        ctx.log(f"embedded: {len(arrived)} quanta in {time.monotonic() - started:.0f} s")

        url = rabbitmq_url()
        if ctx.quick:
            reason = "skipped by --quick (starts a whole distributed deployment)"
            figures.append(Figure("quantum expiry lateness (distributed)", "ms", targets=TARGETS, not_run=reason))
            return figures
        if not rabbitmq_available(url):
            figures.append(
                Figure("quantum expiry lateness (distributed)", "ms", targets=TARGETS, not_run="no RabbitMQ")
            )
            return figures
        data = Path(tmp) / "distributed"
        prefix = f"py_bench_{uuid.uuid4().hex[:8]}"
        with distributed(
            data, url, prefix, celery_worker=True, PARALLEL_YOU_SECONDS_PER_MINUTE=SECONDS_PER_MINUTE
        ) as deployment:
            people = []
            for i in range(PEOPLE):
                person = _sign_up(deployment.a, data, f"bench{i}")
                people.append((person, seed_task(deployment.env, person.owner, "Expiring task", QUANTUM_MINUTES).id))
            arrived, written = asyncio.run(_measure(deployment.a, deployment.b, people, per_person))
        figures += _figures(
            "distributed",
            arrived,
            written,
            f"{PEOPLE} people in parallel, 1 s quanta, Celery delayed delivery; started on A, socket on B",
        )
    return figures
