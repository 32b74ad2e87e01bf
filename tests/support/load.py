"""A bounded load against a server on 127.0.0.1: simulated people doing create / start / stop
cycles, then a check that every thread's state and session history agrees with what they did.

`python -m tests.support.load --people 50 --seconds 60` runs it against a fresh embedded server
(`make load`); the test suite runs a shorter one (tests/integration/test_load_consistency.py).
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.http import WebClient
from tests.support.servers import ROOT, Server, start_server

CREATED = re.compile(r'data-created-id="([0-9a-f]{32})"')
OUTCOMES = ("ready", "parked", "done")


@dataclass
class Cycle:
    thread_id: str
    then: str


@dataclass
class Person:
    username: str
    cycles: list[Cycle] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    people: list[Person]
    seconds: float
    requests: int

    @property
    def server_errors(self) -> list[str]:
        return [e for p in self.people for e in p.errors if e.startswith("5")]

    @property
    def unexpected(self) -> list[str]:
        return [e for p in self.people for e in p.errors]


def _simulate(person: Person, base_url: str, deadline: float, max_requests: int, seed: int) -> None:
    rng = random.Random(seed)
    client = WebClient(base_url)
    client.sign_up(person.username)

    def call(path: str, data: dict[str, str]) -> str | None:
        response = client.post(path, data, htmx=True)
        person.statuses[response.status] += 1
        if response.status != 200:
            person.errors.append(f"{response.status} {path}: {response.text[:200]}")
            return None
        return response.text

    while time.monotonic() < deadline and sum(person.statuses.values()) + 3 <= max_requests:
        title = f"Load {person.username} {len(person.cycles) + 1}"
        created = call("/threads/new/", {"kind": "task", "title": title, "energy_band": "deep", "quantum": "25"})
        match = CREATED.search(created or "")
        if match is None:
            person.errors.append(f"no created id for {title}")
            continue
        thread_id = match.group(1)
        if call(f"/timers/{thread_id}/start/", {}) is None:
            continue
        then = rng.choice(OUTCOMES)
        if call(f"/timers/{thread_id}/stop/", {"then": then}) is not None:
            person.cycles.append(Cycle(thread_id, then))


def run_load(base_url: str, *, people: int, seconds: float, max_requests_per_person: int = 2000) -> LoadResult:
    deadline = time.monotonic() + seconds
    crowd = [Person(f"load{n:03d}") for n in range(people)]
    workers = [
        threading.Thread(target=_simulate, args=(p, base_url, deadline, max_requests_per_person, n), daemon=True)
        for n, p in enumerate(crowd)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 60)
    return LoadResult(crowd, time.monotonic() - started, sum(sum(p.statuses.values()) for p in crowd))


def verify(result: LoadResult, server: Server) -> list[str]:
    """Compare what the people did with what the store holds; returns the problems found."""
    from parallel_you.repo.sqlite import SqliteRepo
    from threads.documents import THREADS
    from threads.domain import State

    problems: list[str] = []
    repo = SqliteRepo(THREADS.codec, server.env["PARALLEL_YOU_SQLITE_PATH"], THREADS.name)
    expected_state = {"ready": State.READY, "parked": State.PARKED, "done": State.DONE}
    for person in result.people:
        for cycle in person.cycles:
            thread = repo.get(cycle.thread_id)
            if thread is None:
                problems.append(f"{person.username}: thread {cycle.thread_id} is missing")
                continue
            if thread.state is not expected_state[cycle.then] or thread.run is not None:
                problems.append(f"{person.username}: {thread.id} is {thread.state}, expected {cycle.then}")
            if len(thread.sessions) != 1:
                problems.append(f"{person.username}: {thread.id} has {len(thread.sessions)} sessions, expected 1")
    repo.close()
    check = subprocess.run(
        [sys.executable, "manage.py", "check_consistency"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check.returncode != 0:
        problems.append(check.stdout + check.stderr)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            result = run_load(server.url, people=args.people, seconds=args.seconds)
        finally:
            server.stop()
        problems = verify(result, server)
    cycles = sum(len(p.cycles) for p in result.people)
    statuses = sum((p.statuses for p in result.people), Counter())
    print(
        f"{args.people} people, {result.seconds:.1f} s: {result.requests} requests "
        f"({result.requests / result.seconds:.0f}/s), {cycles} create/start/stop cycles, statuses {dict(statuses)}"
    )
    print(f"5xx: {len(result.server_errors)}; other unexpected answers: {len(result.unexpected)}")
    print("consistency: " + ("OK" if not problems else f"{len(problems)} problem(s)"))
    for problem in problems[:20]:
        print(" -", problem)
    sys.exit(1 if problems or result.unexpected else 0)


if __name__ == "__main__":
    main()
