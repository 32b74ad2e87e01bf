"""Real ASGI servers for integration and browser tests: uvicorn subprocesses on free ports.

Each server gets its own data folder (documents and Django tables) unless the test shares one on
purpose (several web processes of one deployment), and is stopped by the test that started it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# `server_settings` for a server whose "minute" lasts one second: a 5-minute quantum runs 5 s.
ONE_SECOND_MINUTES = {"PARALLEL_YOU_SECONDS_PER_MINUTE": "1"}


def stop_process(
    process: subprocess.Popen[bytes] | None, *, sig: int = signal.SIGTERM, timeout: float = 10, group: bool = False
) -> None:
    """Ask `process` to end with `sig`, wait up to `timeout` s, then kill it. With `group`, the
    signals go to its process group (a launcher script and what it started), even when the
    launcher itself has already ended."""
    if process is None or (process.poll() is not None and not group):
        return

    def send(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, signum)
            else:
                process.send_signal(signum)

    send(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(5)


def wait_until_ready(
    process: subprocess.Popen[bytes], ready: Callable[[], bool], *, timeout: float, exited: Callable[[int], str]
) -> bool:
    """Poll `ready()` (a connection refused counts as not yet) until it holds: True; or until
    `timeout` s have passed: False. A process that ends first is a RuntimeError saying `exited(code)`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(exited(process.returncode))
        with contextlib.suppress(OSError):
            if ready():
                return True
        time.sleep(0.05)  # waiting for another process to get somewhere (listening, a state it reaches)
    return False


def listening(port: int) -> bool:
    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of an embedded server whose files all live in `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PARALLEL_YOU_REPO", "PARALLEL_YOU_BUS", "DJANGO_"))
    }
    env.update(
        {
            "PARALLEL_YOU_REPO": "sqlite",
            "PARALLEL_YOU_SQLITE_PATH": str(data_dir / "documents.sqlite3"),
            "DATABASE_URL": f"sqlite:///{data_dir / 'django.sqlite3'}",
            "DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            # A fast password hasher: sign-ups in tests needn't cost 0.3 s of CPU each.
            "PARALLEL_YOU_TESTING": "1",
        }
    )
    env.update(overrides)
    return env


def migrate(env: dict[str, str], cwd: Path = ROOT) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=cwd, env=env, check=True, timeout=120
    )


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    extra_args: list[str] = field(default_factory=list)
    # What runs uvicorn's module: plain Python, or e.g. a profiler (`python -m pyinstrument ...`).
    launcher: list[str] = field(default_factory=lambda: [sys.executable])
    # The ASGI application uvicorn serves (the benchmark also serves a bare one, as a floor).
    app: str = "parallel_you.asgi:application"
    # The source tree it runs from (the benchmark's A/B comparison runs another commit's).
    cwd: Path = ROOT

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    def command(self) -> list[str]:
        address = ["--host", "127.0.0.1", "--port", str(self.port)]
        # As the Makefile serves it: live updates without per-socket compression.
        return self.serving("uvicorn", *address, "--lifespan", "on", "--ws-per-message-deflate", "false")

    def serving(self, server: str, *options: str) -> list[str]:
        """The command line of `server` (a Python module: uvicorn, gunicorn) serving `app` with
        `options`, logging only warnings, then `extra_args`."""
        return [*self.launcher, "-m", server, self.app, *options, "--log-level", "warning", *self.extra_args]

    def start(self, timeout: float = 30) -> Server:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if wait_until_ready(self.process, self.answers, timeout=timeout, exited=self.exited):
            return self
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout} s:\n{self.log()}")

    def answers(self) -> bool:
        with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)

    def exited(self, code: int) -> str:
        return f"server exited with {code}:\n{self.log()}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        stop_process(self.process, sig=sig, timeout=timeout)

    def restart(self) -> Server:
        self.stop()
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""


def start_server(data_dir: Path, *, port: int | None = None, migrated: bool = False, **env: str) -> Server:
    """Migrate (unless done) and start an embedded server whose files live in `data_dir`."""
    environment = server_env(data_dir, **env)
    if not migrated:
        migrate(environment)
    port = port or free_port()
    server = Server(
        url=f"http://127.0.0.1:{port}", port=port, env=environment, log_path=data_dir / f"server-{port}.log"
    )
    return server.start()


def start_consumers(env: dict[str, str], log_path: Path, timeout: float = 30) -> subprocess.Popen[bytes]:
    """Start `manage.py run_consumers` and wait until its subscribers are bound (events emitted
    before the bridge's queue exists have nowhere to go)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_consumers"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "consumers running" in log_path.read_text(errors="replace"):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"run_consumers did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
