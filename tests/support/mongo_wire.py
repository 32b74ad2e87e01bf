"""A MongoDB wire-protocol server the test controls: `nx-27017` (an emulator that stores in SQLite).

No MongoDB server can be installed on these machines, so this is how the real pymongo client
(sockets, server selection, timeouts, write concern) gets exercised in CI. Its query semantics are
its own: where it differs from MongoDB a test says so with `EMULATOR_DIFFERS` and never bends the
contract. The server runs in the foreground as a child process, so a test can kill it mid-request
and start it again on the same port and the same data file.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import listening, stop_process, wait_until_ready

EXECUTABLE = shutil.which("nx-27017") or str(Path(sys.executable).with_name("nx-27017"))


def available() -> bool:
    return Path(EXECUTABLE).exists()


def require() -> None:
    """Skip without the emulator, except where the environment says every service must run."""
    if available():
        return
    if os.environ.get("PARALLEL_YOU_REQUIRE_SERVICES") == "1":
        pytest.fail("nx-27017 is not installed (pip install -r requirements-dev.txt)")
    pytest.skip("nx-27017 is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WireServer:
    """One nx-27017 process on a fixed port and data file; stop() and start() keep both."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.db_path = workdir / "wire.db"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/parallel_you_test"

    def start(self, timeout: float = 20.0) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                EXECUTABLE,
                "--db",
                str(self.db_path),
                "-p",
                str(self.port),
                "--log-file",
                str(self.workdir / "wire.log"),
                "--pid-file",
                str(self.workdir / "wire.pid"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        log = self.workdir / "wire.log"
        if not wait_until_ready(
            self.process,
            lambda: listening(self.port),
            timeout=timeout,
            exited=lambda code: f"nx-27017 exited with {code}; see {log}",
        ):
            raise RuntimeError("nx-27017 did not start listening")

    def kill(self) -> None:
        """Take the store away at once, as a crash or a network cut would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
