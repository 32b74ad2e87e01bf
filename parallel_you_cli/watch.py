"""`parallel-you watch`: the running quantum's countdown, live from the event stream.

The countdown is computed from the server's deadline, corrected by the difference between the
server's clock and ours, never by counting ticks. The stream delivers at most once, so on every
(re)connect the server sends `resync` and the watcher re-reads the running quantum over HTTP.
At expiry (the deadline passes, or a `*.quantum_expired` event arrives) it rings the terminal
bell and sends a desktop notification where `notify-send` exists, once per quantum. Pace, break
and day events (a break started or over, the focus budget nearly or fully spent, a band's daily
cap, the day ended) each print one line above the countdown (parallel_you_cli/lines.py).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from httpx_ws import (
    AsyncWebSocketSession,
    WebSocketDisconnect,
    WebSocketNetworkError,
    WebSocketUpgradeError,
    aconnect_ws,
)
from rich.console import Console
from rich.live import Live
from rich.text import Text

from parallel_you_cli.client import UNREACHABLE, Api, CliError
from parallel_you_cli.lines import event_line

TICK = 0.5
MAX_BACKOFF = 10.0
CLOSE_REVOKED = 4401


class Unreachable(Exception):
    """The server can't be reached over HTTP either: keep trying, as for a dropped stream."""


def _first(group: BaseExceptionGroup) -> BaseException:
    leaf: BaseException = group
    while isinstance(leaf, BaseExceptionGroup):
        leaf = leaf.exceptions[0]
    return leaf


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class Watcher:
    def __init__(self, api: Api, *, as_json: bool = False) -> None:
        self.api = api
        self.as_json = as_json
        self.console = Console(highlight=False)
        self.thread: dict[str, Any] | None = None
        self.skew = timedelta(0)  # server clock minus ours
        self.rung: set[str] = set()
        self.live: Live | None = None
        self.last_line = ""

    # --- output -----------------------------------------------------------------------------------
    def emit(self, message: dict[str, Any]) -> None:
        if self.as_json:
            sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
            sys.stdout.flush()

    def tell(self, line: str) -> None:
        """A line that stays (an event), printed above the status line."""
        if not self.as_json:
            self.console.print(line, markup=False)
            self.last_line = ""  # off a terminal, print the status again below it

    def say(self, line: str) -> None:
        """A status line: redrawn in place on a terminal, printed when it changes otherwise."""
        if self.as_json:
            return
        if self.live is not None:
            self.live.update(Text(line))
        elif line != self.last_line:
            self.console.print(line, markup=False)
        self.last_line = line

    # --- state ------------------------------------------------------------------------------------
    def remaining(self) -> float | None:
        run = (self.thread or {}).get("run")
        if not run:
            return None
        until = _parse(run["paused_at"]) if run.get("paused_at") else datetime.now(UTC) + self.skew
        return (_parse(run["deadline"]) - until).total_seconds()

    def status(self) -> str:
        if self.thread is None or not self.thread.get("run"):
            return "No quantum running."
        run, title = self.thread["run"], self.thread["title"]
        left = self.remaining() or 0
        if run.get("paused_at"):
            return f"⏸  {title}: paused, {_clock(left)} left"
        if left <= 0 or run.get("expired_at"):
            return f"⏰ {title}: time's up"
        return f"⏱  {title}: {_clock(left)} left"

    async def refresh(self) -> None:
        try:
            running = await asyncio.to_thread(self.api.get, "/quanta/running")
        except CliError as exc:
            if exc.code == UNREACHABLE:
                raise Unreachable(exc.message) from None
            raise
        self.skew = _parse(running["server_time"]) - datetime.now(UTC)
        self.thread = running["thread"]
        thread = self.thread
        self.emit(
            {
                "type": "running" if thread else "idle",
                "thread_id": thread["id"] if thread else None,
                "title": thread["title"] if thread else None,
                "deadline": thread["run"]["deadline"] if thread and thread.get("run") else None,
                "paused": bool(thread and thread.get("run") and thread["run"].get("paused_at")),
                "remaining_seconds": running.get("remaining_seconds"),
            }
        )

    async def check_expiry(self, forced: bool = False) -> None:
        run = (self.thread or {}).get("run")
        if not run or run["id"] in self.rung or run.get("paused_at"):
            return
        left = self.remaining()
        if forced or run.get("expired_at") or (left is not None and left <= 0):
            self.rung.add(run["id"])
            title = self.thread["title"] if self.thread else ""
            if not self.as_json:
                sys.stdout.write("\a")
                sys.stdout.flush()
            notify = shutil.which("notify-send")
            if notify:
                command = [notify, "Parallel You", f"Time's up: {title}"]
                try:
                    await asyncio.to_thread(subprocess.run, command, check=False, timeout=5)
                except (subprocess.SubprocessError, OSError):
                    pass  # no notification daemon: the bell (or the JSON line) still tells

            # Told last: when a script reads this line, the bell rang and the notification went out.
            self.emit({"type": "expired", "thread_id": (self.thread or {}).get("id"), "title": title})

    async def handle(self, text: str) -> None:
        message = json.loads(text)
        kind = message.get("type")
        if kind == "resync":
            self.emit({"type": "resync", "reason": message.get("reason", "")})
            await self.refresh()
        elif kind == "event":
            document = message.get("document") or {}
            self.emit(
                {"type": "event", "topic": message["topic"], "id": message["id"], "thread_id": document.get("id")}
            )
            line = event_line(message["topic"], document)
            if line is not None:
                self.tell(line)
            # Only thread events can change the running quantum; re-read it from the server.
            if message["topic"].split(".")[0] in ("task", "story", "saga"):
                await self.refresh()
                if message["topic"].endswith(".quantum_expired"):
                    await self.check_expiry(forced=True)
        elif kind == "error":
            if message.get("code") == "token_revoked":
                raise CliError("The token was revoked: create a new one and run `parallel-you login`.", 3)
            raise CliError(message.get("message", "The stream refused this request."), 2)

    # --- the loop ---------------------------------------------------------------------------------
    def stream_url(self) -> str:
        base = self.api.config.url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return f"{base}/api/v1/stream?topics=%23"

    async def session(self) -> None:
        headers = {"Authorization": f"Bearer {self.api.config.token}"}
        async with httpx.AsyncClient(headers=headers, timeout=10) as http:
            ws: AsyncWebSocketSession
            async with aconnect_ws(self.stream_url(), http, keepalive_ping_interval_seconds=10) as ws:
                while True:
                    try:
                        text = await ws.receive_text(timeout=TICK)
                    except TimeoutError:
                        text = None
                    except WebSocketDisconnect as exc:
                        if exc.code == CLOSE_REVOKED:
                            raise CliError(
                                "The token was revoked: create a new one and run `parallel-you login`.", 3
                            ) from None
                        raise ConnectionError(f"closed ({exc.code})") from None
                    if text is not None:
                        await self.handle(text)
                    await self.check_expiry()
                    self.say(self.status())

    async def loop(self) -> None:
        backoff = 1.0
        while True:
            try:
                try:
                    await self.session()
                except BaseExceptionGroup as group:  # httpx-ws wraps what leaves its task group
                    raise _first(group) from None
            except WebSocketUpgradeError:
                # Refused at the handshake: ask over HTTP, which says why (bad token, throttled).
                await asyncio.to_thread(self.api.get, "/threads", limit=1)
                raise CliError("The server refused the event stream.", 3) from None
            except (httpx.HTTPError, WebSocketNetworkError, ConnectionError, OSError, Unreachable) as exc:
                self.emit({"type": "reconnecting", "in_seconds": backoff, "why": str(exc) or type(exc).__name__})
                self.say(f"Connection lost; reconnecting in {backoff:.0f} s…")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0

    def run(self) -> None:
        try:
            if not self.as_json and self.console.is_terminal:
                with Live(Text("Connecting…"), console=self.console, refresh_per_second=4) as live:
                    self.live = live
                    asyncio.run(self.loop())
            else:
                asyncio.run(self.loop())
        except KeyboardInterrupt:
            return
