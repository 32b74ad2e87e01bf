"""The threads app's stored documents: threads (sagas, stories, tasks) and profiles."""

from __future__ import annotations

from parallel_you.documents import Collection
from parallel_you.repo import Codec, Nonempty
from threads.domain import Profile, Thread

THREADS = Collection(
    "threads",
    Codec.pydantic(Thread),
    (
        ("archived", "kind", "state"),
        ("parent_id",),
        ("sprint_id",),
        ("energy_band",),
        ("updated_at",),
        ("state",),  # the running and paused quanta, read on every start, stop and clock read
        (Nonempty("sessions"),),  # the threads ever worked on: what the pace clock and caps read
    ),
)
PROFILES = Collection("profiles", Codec.pydantic(Profile), ())
