"""Invariants across documents, checked after a load test (and usable on a live store).

Each document is valid on its own (the domain checks that before every write); these are the
rules that span documents or a document's history: one quantum counting down per person (any
number paused, as `threads.domain.counting` says), sessions in order and not overlapping,
blockers that exist and belong to the same person, blocks that make no circle, sprint
membership that agrees on both sides, and sprint dates within the years a sprint may have.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from parallel_you.domain import InvalidValue
from parallel_you.repo import FilterSpec, Repo
from sprints.domain import Sprint, SprintState
from threads.domain import Kind, Thread, counting


@dataclass
class Report:
    threads: int = 0
    sprints: int = 0
    sessions: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(*, threads: Repo[Thread], sprints: Repo[Sprint]) -> Report:
    report = Report()
    all_threads = threads.list(FilterSpec())
    all_sprints = sprints.list(FilterSpec())
    report.threads, report.sprints = len(all_threads), len(all_sprints)
    by_id = {t.id: t for t in all_threads}
    running: dict[str, list[str]] = defaultdict(list)
    problem = report.problems.append

    for t in all_threads:
        name = f"thread {t.id} (owner {t.owner})"
        try:
            t.ensure_valid()
        except InvalidValue as exc:
            problem(f"{name}: invalid: {exc.errors}")
        report.sessions += len(t.sessions)
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
        if t.sprint_id is not None:
            sprint = next((s for s in all_sprints if s.id == t.sprint_id), None)
            if sprint is None or sprint.owner != t.owner:
                problem(f"{name}: in sprint {t.sprint_id}, which is missing or not the owner's")
            elif t.id not in sprint.members and sprint.state is not SprintState.CLOSED:
                problem(f"{name}: says it is in sprint {sprint.id}, which does not list it")

    for t in counting(all_threads):
        running[t.owner].append(t.id)
    for owner, ids in running.items():
        if len(ids) > 1:
            problem(f"owner {owner}: {len(ids)} running quanta at once, not paused ({', '.join(ids)})")

    active: dict[str, int] = defaultdict(int)
    for s in all_sprints:
        if s.state is SprintState.ACTIVE:
            active[s.owner] += 1
        for member in s.members:
            t = by_id.get(member)
            if t is None:
                problem(f"sprint {s.id}: lists missing thread {member}")
            elif t.owner != s.owner:
                problem(f"sprint {s.id}: lists another person's thread {member}")
            elif s.state is not SprintState.CLOSED and t.sprint_id != s.id:
                problem(f"sprint {s.id}: lists thread {member}, which says it is in {t.sprint_id}")
    for owner, count in active.items():
        if count > 1:
            problem(f"owner {owner}: {count} active sprints")
    return report
