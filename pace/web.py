"""The pace stores for a request or a consumer in this process: the adapters, and how long a
minute of the person's settings lasts here (PARALLEL_YOU_SECONDS_PER_MINUTE, as for quanta)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from pace.selectors import PaceStores
from parallel_you.bootstrap import current_adapters


def pace_stores() -> PaceStores:
    return PaceStores.of(current_adapters(), minute=timedelta(seconds=settings.PARALLEL_YOU_SECONDS_PER_MINUTE))
