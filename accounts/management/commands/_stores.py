"""The document stores an instance export or import reads and writes, on one backend (Django lists
no command for a module whose name starts with "_")."""

from __future__ import annotations

from typing import Any, TypedDict

from pace.documents import BREAKS, PACE_SETTINGS, SKIPS
from parallel_you.bootstrap import make_repo
from parallel_you.repo import Repo
from sprints.documents import SPRINTS
from threads.documents import PROFILES, THREADS


class InstanceStores(TypedDict):
    threads: Repo[Any]
    sprints: Repo[Any]
    profiles: Repo[Any]
    pace_settings: Repo[Any]
    breaks: Repo[Any]
    skips: Repo[Any]


def instance_stores(backend: str | None) -> InstanceStores:
    """`instance_export`'s and `instance_import`'s store arguments, on `backend` (None:
    PARALLEL_YOU_REPO)."""
    return InstanceStores(
        threads=make_repo(THREADS, backend),
        sprints=make_repo(SPRINTS, backend),
        profiles=make_repo(PROFILES, backend),
        pace_settings=make_repo(PACE_SETTINGS, backend),
        breaks=make_repo(BREAKS, backend),
        skips=make_repo(SKIPS, backend),
    )
