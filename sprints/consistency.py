"""Invariants across sprints and their threads: membership that agrees on both sides, one active
sprint per person, dates within the years a sprint may have. Registered with parallel_you/consistency.py at start-up."""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from parallel_you.consistency import Report
from parallel_you.repo import FilterSpec, Repo
from sprints.domain import Sprint, SprintState, dates_out_of_range
from threads.domain import Thread


class Stores(Protocol):
    threads: Repo[Thread]
    sprints: Repo[Sprint]


def check_sprints(adapters: Stores, report: Report) -> None:
    all_threads = adapters.threads.list(FilterSpec())
    all_sprints = adapters.sprints.list(FilterSpec())
    by_id = {t.id: t for t in all_threads}
    sprint_by_id = {s.id: s for s in all_sprints}
    problem = report.problems.append
    report.counts["sprints"] = len(all_sprints)

    for t in all_threads:
        if t.sprint_id is None:
            continue
        name = f"thread {t.id} (owner {t.owner})"
        sprint = sprint_by_id.get(t.sprint_id)
        if sprint is None or sprint.owner != t.owner:
            problem(f"{name}: in sprint {t.sprint_id}, which is missing or not the owner's")
        elif t.id not in sprint.members and sprint.state is not SprintState.CLOSED:
            problem(f"{name}: says it is in sprint {sprint.id}, which does not list it")

    active: dict[str, int] = defaultdict(int)
    for s in all_sprints:
        if s.state is SprintState.ACTIVE:
            active[s.owner] += 1
        if dates_out_of_range(s.start, s.end):
            problem(f"sprint {s.id}: dates out of range ({s.start} – {s.end})")
        for member in s.members:
            listed = by_id.get(member)
            if listed is None:
                problem(f"sprint {s.id}: lists missing thread {member}")
            elif listed.owner != s.owner:
                problem(f"sprint {s.id}: lists another person's thread {member}")
            elif s.state is not SprintState.CLOSED and listed.sprint_id != s.id:
                problem(f"sprint {s.id}: lists thread {member}, which says it is in {listed.sprint_id}")
    for owner, count in active.items():
        if count > 1:
            problem(f"owner {owner}: {count} active sprints")
