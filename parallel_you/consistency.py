"""Invariants across documents, checked after a load test (and usable on a live store).

Each document is valid on its own (the domain checks that before every write); the rules that span
documents or a document's history belong to the apps that own those documents, which register a
check here at start-up (threads/consistency.py, sprints/consistency.py). `check_store` runs them
all over one process's adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# A check reads what it needs from the adapters (typed by the app with a Protocol) and adds to the
# report.
Check = Callable[[Any, Report], None]
_CHECKS: list[Check] = []


def register_check(check: Check) -> Check:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def check_store(adapters: Any) -> Report:
    report = Report()
    for check in _CHECKS:
        check(adapters, report)
    return report
