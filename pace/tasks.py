"""Celery tasks (distributed mode): end a break at its deadline, read the fatigue clock at a budget
instant. Thin and safe to run twice."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings

from pace.selectors import PaceStores
from pace.services import BreakExpiry, break_expire
from pace.timing import END_BREAK_TASK, budget_owner, budget_read
from parallel_you.bootstrap import Adapters
from parallel_you.celery import app, worker
from parallel_you.domain import utcnow
from timers.scheduler import SHORT_DELAY, send_expiry

log = logging.getLogger(__name__)


@shared_task(name=END_BREAK_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def end_break(owner: str, break_id: str, deadline: str) -> str:
    """End `break_id` of `owner` if it is still open and due (see pace.services.break_expire)."""
    armed_for = datetime.fromisoformat(deadline)

    async def run(adapters: Adapters) -> tuple[BreakExpiry, datetime | None]:
        repo, bus = adapters.breaks, adapters.bus
        result = await break_expire(repo=repo, bus=bus, owner=owner, break_id=break_id)
        if result[0] is BreakExpiry.EARLY and result[1] == armed_for:
            remaining = (armed_for - utcnow()).total_seconds()
            if remaining <= SHORT_DELAY + 0.5:
                await asyncio.sleep(max(remaining, 0) + 0.005)
                result = await break_expire(repo=repo, bus=bus, owner=owner, break_id=break_id)
        return result

    budget_of = budget_owner(owner)
    if budget_of is not None:
        # A budget instant: `owner` is the timer's key, `break_id` its kind (pace.services.budget_arm).
        minute = timedelta(seconds=settings.PARALLEL_YOU_SECONDS_PER_MINUTE)

        async def read(adapters: Adapters) -> datetime | None:
            stores = PaceStores.of(adapters, minute=minute)
            return await budget_read(
                stores=stores, bus=adapters.bus, owner=budget_of, kind=break_id, deadline=armed_for
            )

        again = worker.run(read)
        if again is not None:
            send_expiry(app, owner, break_id, again, END_BREAK_TASK)
        return "read"
    status, due = worker.run(run)
    if status is BreakExpiry.EARLY and due == armed_for:
        send_expiry(app, owner, break_id, armed_for, END_BREAK_TASK)
    log.info("end of break %s: %s", break_id, status.value)
    return status.value
