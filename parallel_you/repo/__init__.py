"""The Repo port and its adapters (memory, embedded SQLite file, MongoDB)."""

from parallel_you.repo.base import (
    Codec,
    Conflict,
    FilterSpec,
    Nonempty,
    Repo,
    RepoError,
    StagedMessage,
    WriteUncertain,
)
from parallel_you.repo.memory import MemoryRepo

__all__ = [
    "Codec",
    "Conflict",
    "FilterSpec",
    "MemoryRepo",
    "Nonempty",
    "Repo",
    "RepoError",
    "StagedMessage",
    "WriteUncertain",
]
