"""The fixed cost of a request: the same project through Django's ASGI handler (uvicorn, as
deployed) and its WSGI handler (gunicorn, one sync worker), and a bare ASGI app on uvicorn.

Three servers on one data folder (the same Django tables, so one session cookie works on both
project servers). Windows of the same length alternate between the servers and paths, so every
pair of ASGI and WSGI figures comes from the same minute of a machine that others share: the
ratio per window pair is the figure with the target. Paths: `/healthz` (login-exempt, async) and
`/accounts/password/done/` (a trivial logged-in page: session and user lookups, a small template).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import http_load
from bench.deploy import GunicornServer, sign_up
from bench.report import Figure, Target
from bench.runner import Context
from tests.support.servers import Server, free_port, migrate, server_env

# One request at a time: the fixed cost of a request, without one server overlapping the waits of
# several connections (a sync worker can't) or the scheduling of a busy machine favouring the one
# with more threads.
CONNECTIONS = 1
PAGE = "/accounts/password/done/"


def _server(kind: type[Server], env: dict[str, str], data_dir: Path, name: str, **fields: str) -> Server:
    port = free_port()
    return kind(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=data_dir / f"{name}.log", **fields)


def run(ctx: Context) -> list[Figure]:
    windows = 1 if ctx.quick else 5
    seconds = 1.0 if ctx.quick else 3.0
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        data_dir = Path(tmp) / "server"
        env = server_env(data_dir, LOG_LEVEL="WARNING")
        migrate(env)
        asgi = _server(Server, env, data_dir, "asgi")
        wsgi = _server(GunicornServer, env, data_dir, "wsgi")
        hello = _server(Server, env, data_dir, "hello", app="bench.hello_asgi:app")
        servers = [asgi, wsgi, hello]
        try:
            for server in servers:
                server.start()
            person = sign_up(asgi, data_dir)
            headers = person.headers()
            for server in (asgi, wsgi):
                conn = http_load.connect(server.port)
                reply = http_load.send(conn, "GET", PAGE, headers)
                conn.close()
                if reply.status != 200 or b"password" not in reply.body.lower():
                    raise RuntimeError(f"{server.app}: {PAGE} answered {reply.status}, not the signed-in page")
            cases = {
                "asgi healthz": (asgi, "/healthz", {}),
                "wsgi healthz": (wsgi, "/healthz", {}),
                "asgi page": (asgi, PAGE, headers),
                "wsgi page": (wsgi, PAGE, headers),
                "hello": (hello, "/", {}),
            }
            for server, path, hdrs in cases.values():  # warm-up
                http_load.load(server.port, path, hdrs, connections=CONNECTIONS, duration=0.5)
            rps: dict[str, list[float]] = {name: [] for name in cases}
            server_ms: dict[str, list[float]] = {name: [] for name in cases}
            cpu_ms: dict[str, list[float]] = {name: [] for name in cases}
            for i in range(windows):
                for name, (server, path, hdrs) in cases.items():
                    window = http_load.load(server.port, path, hdrs, connections=CONNECTIONS, duration=seconds)
                    if window.errors:
                        ctx.log(f"window {i + 1}: {name}: errors, statuses {window.statuses}")
                    rps[name].append(window.rps)
                    server_ms[name] += window.server_ms
                    cpu_ms[name] += window.cpu_ms
                ctx.log(
                    f"window {i + 1}/{windows}: "
                    + ", ".join(f"{name} {values[-1]:.0f}" for name, values in rps.items())
                    + " req/s"
                )
        finally:
            for server in servers:
                server.stop()

    def asgi_over_wsgi(what: str, path: str) -> Figure:
        """ASGI ÷ WSGI requests per second on `path`, per window pair: the figure with the target."""
        pairs = [x / y for x, y in zip(rps[f"asgi {path}"], rps[f"wsgi {path}"], strict=True) if y > 0]
        return Figure.of(
            f"floor: {what} ASGI ÷ WSGI", "ratio", pairs, [Target("median", ">=", 0.8)], note="per window pair"
        )

    per = f"{windows} windows of {seconds:g} s, {CONNECTIONS} connections"
    return [
        Figure.of("floor: /healthz on ASGI (uvicorn)", "req/s", rps["asgi healthz"], note=per),
        Figure.of("floor: /healthz on WSGI (gunicorn, 1 sync worker)", "req/s", rps["wsgi healthz"], note=per),
        asgi_over_wsgi("/healthz", "healthz"),
        Figure.of("floor: logged-in page on ASGI", "req/s", rps["asgi page"], note=f"GET {PAGE}, {per}"),
        Figure.of("floor: logged-in page on WSGI", "req/s", rps["wsgi page"]),
        asgi_over_wsgi("logged-in page", "page"),
        Figure.of("floor: /healthz server time on ASGI", "ms", server_ms["asgi healthz"], note="Server-Timing app;dur"),
        Figure.of("floor: /healthz server time on WSGI", "ms", server_ms["wsgi healthz"]),
        Figure.of("floor: logged-in page server time on ASGI", "ms", server_ms["asgi page"]),
        Figure.of("floor: logged-in page server time on WSGI", "ms", server_ms["wsgi page"]),
        Figure.of(
            "floor: logged-in page CPU time on ASGI (loop)",
            "ms",
            cpu_ms["asgi page"],
            note="Server-Timing cpu;dur: the event loop's share; the session and user lookup and the sync view run in a worker thread",
        ),
        Figure.of(
            "floor: logged-in page CPU time on WSGI", "ms", cpu_ms["wsgi page"], note="the worker's whole request"
        ),
        Figure.of(
            "floor: bare ASGI app on uvicorn", "req/s", rps["hello"], note=f"no Django: the server's own limit, {per}"
        ),
    ]
