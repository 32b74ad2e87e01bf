"""Invariants across threads: sessions in order and not overlapping, parents and blockers that belong to
the same person, blocks that make no circle, one quantum counting down per person (any number paused, as `threads.domain.counting`
says). Registered with parallel_you/consistency.py at start-up."""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from parallel_you.consistency import Report
from parallel_you.domain import InvalidValue
from parallel_you.repo import FilterSpec, Repo
from threads.domain import Kind, State, Thread, blocking_cycle, counting


class Stores(Protocol):
    threads: Repo[Thread]


def check_threads(adapters: Stores, report: Report) -> None:
    all_threads = adapters.threads.list(FilterSpec())
    by_id = {t.id: t for t in all_threads}
    running: dict[str, list[str]] = defaultdict(list)
    problem = report.problems.append
    report.counts["threads"] = len(all_threads)
    report.counts["sessions"] = sum(len(t.sessions) for t in all_threads)

    for t in all_threads:
        name = f"thread {t.id} (owner {t.owner})"
        try:
            t.ensure_valid()
        except InvalidValue as exc:
            problem(f"{name}: invalid: {exc.errors}")
        for before, after in zip(t.sessions, t.sessions[1:], strict=False):
            if after.started_at < before.ended_at:
                problem(f"{name}: sessions overlap ({before.ended_at} > {after.started_at})")
        for s in t.sessions:
            if s.ended_at < s.started_at:
                problem(f"{name}: a session ends before it starts")
        if t.run is not None and t.sessions and t.run.started_at < t.sessions[-1].ended_at:
            problem(f"{name}: the running quantum started before the last session ended")
        if t.parent_id is not None:
            parent = by_id.get(t.parent_id)
            if parent is None or parent.owner != t.owner or parent.kind is not Kind.SAGA:
                problem(f"{name}: its saga {t.parent_id} is missing or not the owner's saga")
        for blocker in t.blocked_by:
            other = by_id.get(blocker)
            if other is not None and other.owner != t.owner:
                problem(f"{name}: blocked by another person's thread {blocker}")

    blocked = {t.id: t for t in all_threads if t.state is State.BLOCKED}
    circles: set[frozenset[str]] = set()
    for t in blocked.values():
        circle = blocking_cycle(t, t.blocked_by, blocked)
        if circle and frozenset(c.id for c in circle) not in circles:
            circles.add(frozenset(c.id for c in circle))
            problem(f"owner {t.owner}: blocks go round in a circle ({' → '.join(c.id for c in circle)})")

    for t in counting(all_threads):
        running[t.owner].append(t.id)
    for owner, ids in running.items():
        if len(ids) > 1:
            problem(f"owner {owner}: {len(ids)} running quanta at once, not paused ({', '.join(ids)})")
