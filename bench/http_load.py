"""A keep-alive HTTP load generator on stdlib http.client and threads, aimed at 127.0.0.1 only.

Each worker thread holds one persistent connection and sends requests back to back until the
window closes or the shared request budget runs out. Every response's `Server-Timing: app;dur=`
header gives the server's own time, so network and client overhead can be told apart.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

_DUR = re.compile(r"\bapp;dur=([0-9.]+)")
_CPU = re.compile(r"\bcpu;dur=([0-9.]+)")


def server_time(header: str | None, metric: re.Pattern[str] = _DUR) -> float | None:
    """The `app;dur=<ms>` value of a Server-Timing header (or another metric's), in milliseconds."""
    match = metric.search(header or "")
    return float(match.group(1)) if match else None


def server_cpu(header: str | None) -> float | None:
    """The `cpu;dur=<ms>` value of a Server-Timing header: the serving thread's CPU time."""
    return server_time(header, _CPU)


@dataclass
class Reply:
    status: int
    latency_ms: float
    server_ms: float | None
    body: bytes
    cpu_ms: float | None = None


def connect(port: int, timeout: float = 10) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes | None = None,
) -> Reply:
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=dict(headers))
        response = conn.getresponse()
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        # The server closed an idle keep-alive connection (uvicorn does after 5 s) before it read
        # this request: nothing was processed, so send it again on a fresh connection.
        conn.close()
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=dict(headers))
        response = conn.getresponse()
    data = response.read()
    latency = (time.perf_counter() - started) * 1000
    timing = response.getheader("Server-Timing")
    return Reply(response.status, latency, server_time(timing), data, server_cpu(timing))


@dataclass
class Window:
    """What one load window measured."""

    ok: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0


def load(
    port: int,
    path: str,
    headers: Mapping[str, str],
    *,
    connections: int,
    duration: float,
    max_requests: int = 1_000_000,
    expect: int = 200,
) -> Window:
    """GET `path` on `connections` keep-alive connections for `duration` seconds (or the budget)."""
    window = Window()
    lock = threading.Lock()
    budget = [max_requests]
    start_gate = threading.Barrier(connections + 1)
    deadline = [0.0]

    def worker() -> None:
        # A generous timeout: under load a heavy page queues behind the other connections' requests.
        conn = connect(port, timeout=60)
        latencies: list[float] = []
        server: list[float] = []
        cpu: list[float] = []
        ok = errors = 0
        statuses: dict[int, int] = {}
        try:
            start_gate.wait(timeout=30)
            while time.perf_counter() < deadline[0]:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                try:
                    reply = send(conn, "GET", path, headers)
                except (OSError, http.client.HTTPException):
                    errors += 1
                    conn.close()
                    conn = connect(port, timeout=60)
                    continue
                statuses[reply.status] = statuses.get(reply.status, 0) + 1
                if reply.status != expect:
                    errors += 1
                    continue
                ok += 1
                latencies.append(reply.latency_ms)
                if reply.server_ms is not None:
                    server.append(reply.server_ms)
                if reply.cpu_ms is not None:
                    cpu.append(reply.cpu_ms)
        finally:
            conn.close()
            with lock:
                window.ok += ok
                window.errors += errors
                window.latencies_ms += latencies
                window.server_ms += server
                window.cpu_ms += cpu
                for status, count in statuses.items():
                    window.statuses[status] = window.statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + duration
    started = time.perf_counter()
    start_gate.wait(timeout=30)
    for thread in threads:
        thread.join(duration + 90)
    window.elapsed = time.perf_counter() - started
    return window
