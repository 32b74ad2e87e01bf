"""Live update in distributed mode: a POST on web process A until the fragment reaches 200 sockets.

The deployment: two uvicorn web processes and one `manage.py run_consumers` on the shared RabbitMQ
(bus on a topic exchange, channels-rabbitmq channel layer), every broker object under a per-run
prefix and deleted afterwards. 200 WebSocket clients of one person, half on each web process, all
in this process's event loop. Each round POSTs a quantum start (then stop) on A and records, per
socket, the time from just before the POST to the arrival of that round's event (matched on
`data-topic` and `data-subject`). Every socket x round is one sample.

The floor, in the same run: a raw aio-pika round trip on a temporary topic exchange (confirmed
publish, one consumer), which no live update can beat.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import http_load
from bench.deploy import Distributed, distributed, seed_task, sign_up
from bench.report import Figure, Target
from bench.runner import Context
from tests.support.servers import ROOT, Server
from tests.support.services import rabbitmq_available, rabbitmq_url

SOCKETS = 200
# (first socket's latency, last minus first) per round of the last run, for the figure's note.
_SPANS: list[tuple[float, float]] = []
_EVENT = re.compile(r'data-topic="([^"]+)" data-subject="([^"]*)"')


class Round:
    """What one round waits for, and when each socket saw it."""

    def __init__(self, topic: str, subject: str, sockets: int) -> None:
        self.topic = topic
        self.subject = subject
        self.sent_at = 0.0
        self.arrived: dict[int, float] = {}
        self.all_arrived = asyncio.Event()
        self.sockets = sockets

    def seen(self, socket: int, at: float) -> None:
        if socket not in self.arrived:
            self.arrived[socket] = at
            if len(self.arrived) == self.sockets:
                self.all_arrived.set()


class Listeners:
    def __init__(self) -> None:
        self.current: Round | None = None
        self.unmatched = 0

    async def listen(self, index: int, server: Server, cookie: str, opened: asyncio.Queue[int | Exception]) -> None:
        import websockets

        headers = {"Cookie": cookie, "Origin": server.url}
        try:
            socket = await websockets.connect(
                server.ws_url + "/ws/live/", additional_headers=headers, open_timeout=20, max_queue=None
            )
        except Exception as exc:
            await opened.put(exc)
            return
        await opened.put(index)
        async with socket:
            async for message in socket:
                at = time.perf_counter()
                match = _EVENT.search(str(message))
                current = self.current
                if match and current is not None and match.groups() == (current.topic, current.subject):
                    current.seen(index, at)
                else:
                    self.unmatched += 1


async def _open(deployment: Distributed, cookie: str, listeners: Listeners) -> list[asyncio.Task[None]]:
    opened: asyncio.Queue[int | Exception] = asyncio.Queue()
    tasks: list[asyncio.Task[None]] = []
    servers = (deployment.a, deployment.b)
    for i in range(SOCKETS):
        tasks.append(asyncio.create_task(listeners.listen(i, servers[i % 2], cookie, opened)))
        if i % 20 == 19:
            await asyncio.sleep(0.05)  # do not stampede the handshakes
    errors: list[Exception] = []
    async with asyncio.timeout(60):
        for _ in range(SOCKETS):
            result = await opened.get()
            if isinstance(result, Exception):
                errors.append(result)
    if errors:
        for task in tasks:
            task.cancel()
        raise RuntimeError(f"{len(errors)} of {SOCKETS} sockets failed to open: {errors[0]!r}")
    return tasks


async def _rounds(
    ctx: Context, deployment: Distributed, headers: dict[str, str], task_id: str, rounds: int
) -> tuple[list[float], list[float], list[float], int, list[float]]:
    listeners = Listeners()
    cookie = headers["Cookie"]
    sockets = await _open(deployment, cookie, listeners)
    ctx.log(f"{SOCKETS} sockets open, {SOCKETS // 2} on each web process")
    conn = http_load.connect(deployment.a.port)
    samples: list[float] = []
    on_a: list[float] = []
    on_b: list[float] = []
    post_ms: list[float] = []
    spans: list[tuple[float, float]] = []
    lost = 0
    try:
        await asyncio.sleep(0.5)
        for r in range(rounds + 2):
            action, topic = ("start", "task.quantum_started") if r % 2 == 0 else ("stop", "task.quantum_stopped")
            current = Round(topic, task_id, SOCKETS)
            listeners.current = current

            def post(current: Round = current, action: str = action) -> http_load.Reply:
                current.sent_at = time.perf_counter()
                return http_load.send(conn, "POST", f"/timers/{task_id}/{action}/", headers, b"")

            reply = await asyncio.to_thread(post)
            if reply.status != 200:
                raise RuntimeError(f"POST {action} on A answered {reply.status}: {reply.body[-600:]!r}")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await current.all_arrived.wait()
            listeners.current = None
            if r < 2:  # the first two rounds warm up
                continue
            post_ms.append(reply.latency_ms)
            lost += SOCKETS - len(current.arrived)
            if current.arrived:
                first, last = min(current.arrived.values()), max(current.arrived.values())
                spans.append(((first - current.sent_at) * 1000, (last - first) * 1000))
            for socket, at in current.arrived.items():
                latency = (at - current.sent_at) * 1000
                samples.append(latency)
                (on_a if socket % 2 == 0 else on_b).append(latency)
            await asyncio.sleep(0.05)
    finally:
        conn.close()
        for socket_task in sockets:
            socket_task.cancel()
        await asyncio.gather(*sockets, return_exceptions=True)
    if spans:
        firsts, spreads = sorted(f for f, _ in spans), sorted(s for _, s in spans)
        ctx.log(
            f"first socket after the POST: p50 {firsts[len(firsts) // 2]:.1f} ms; "
            f"first to last socket: p50 {spreads[len(spreads) // 2]:.1f} ms"
        )
        _SPANS[:] = spans
    return samples, on_a, on_b, lost, post_ms


async def amqp_floor(url: str, prefix: str, count: int) -> list[float]:
    """Confirmed publish on a temporary topic exchange to one consumer, and back: milliseconds each."""
    import aio_pika

    from parallel_you.bus.urls import amqp_urls

    connection = await aio_pika.connect(amqp_urls(url).aio_pika)
    samples: list[float] = []
    async with connection:
        publish_channel = await connection.channel(publisher_confirms=True)
        exchange = await publish_channel.declare_exchange(
            f"{prefix}.floor", aio_pika.ExchangeType.TOPIC, auto_delete=True
        )
        consume_channel = await connection.channel()
        queue = await consume_channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(f"{prefix}.floor", "bench.#")
        waiting: dict[str, asyncio.Future[float]] = {}

        async def on_message(message: Any) -> None:
            at = time.perf_counter()
            await message.ack()
            future = waiting.pop(message.body.decode(), None)
            if future is not None and not future.done():
                future.set_result(at)

        await queue.consume(on_message)
        deadline = time.monotonic() + 30
        for i in range(count + 20):
            if time.monotonic() > deadline:
                break
            key = uuid.uuid4().hex
            future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            waiting[key] = future
            started = time.perf_counter()
            await exchange.publish(aio_pika.Message(key.encode()), routing_key="bench.ping")
            async with asyncio.timeout(5):
                arrived = await future
            if i >= 20:
                samples.append((arrived - started) * 1000)
        with contextlib.suppress(Exception):
            await exchange.delete()
    return samples


def run(ctx: Context, *, profile_b: Path | None = None) -> list[Figure]:
    url = rabbitmq_url()
    if not rabbitmq_available(url):
        reason = "RabbitMQ not reachable on 127.0.0.1:5672"
        return [
            Figure("live update: POST on A → 200 sockets on A+B", "ms", not_run=reason),
            Figure("AMQP publish→consume round trip (floor)", "ms", not_run=reason),
        ]
    rounds = 6 if ctx.quick else 40
    prefix = f"py_bench_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        data_dir = Path(tmp)
        with distributed(data_dir, url, prefix, profile_b=profile_b) as deployment:
            person = sign_up(deployment.a, data_dir)
            task = seed_task(deployment.env, person.owner)
            headers = person.headers(htmx=True, post=True)
            samples, on_a, on_b, lost, post_ms = asyncio.run(_rounds(ctx, deployment, headers, task.id, rounds))
            floor = asyncio.run(amqp_floor(url, prefix, 100 if ctx.quick else 500))
    ctx.log(f"{len(samples)} samples, {lost} lost")
    if profile_b is not None:
        ctx.log(f"wrote {profile_b.with_suffix('.txt').relative_to(ROOT)} and .html")
    split = ""
    if on_a and on_b:
        from bench.stats import percentile

        split = f"; p50 on A {percentile(on_a, 50):.1f} ms, on B {percentile(on_b, 50):.1f} ms"
    if _SPANS:
        from bench.stats import percentile

        split += (
            f"; per round, the first socket p50 {percentile([f for f, _ in _SPANS], 50):.1f} ms after the POST, "
            f"the last p50 {percentile([s for _, s in _SPANS], 50):.1f} ms after the first"
        )
    return [
        Figure.of(
            "live update: POST on A → 200 sockets on A+B",
            "ms",
            samples,
            [Target("median", "<=", 10), Target("p99", "<=", 50)],
            note=f"{rounds} rounds x {SOCKETS} sockets, {lost} not delivered within 5 s{split}",
        ),
        Figure.of("live update: the POST itself (on A)", "ms", post_ms),
        Figure.of(
            "AMQP publish→consume round trip (floor)",
            "ms",
            floor,
            note="aio-pika, confirmed publish, temporary topic exchange, one consumer, same run",
        ),
    ]
