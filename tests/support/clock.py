"""Named instants for tests about dates, and the awkward ones `make test` replays the fast layers at."""

from __future__ import annotations

from datetime import UTC, datetime

# An ordinary working day: Wednesday 11 March 2026, 10:00 UTC.
A_WEDNESDAY = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
