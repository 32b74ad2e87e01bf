"""Celery tasks (distributed mode): thin, ids in, one service call, safe to run twice.

Each task runs its service on the worker's adapters (`worker.run`, see parallel_you/celery.py),
which hands them in as an argument: one bus connection per worker process, on its own loop.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from celery import shared_task

from parallel_you.bootstrap import Adapters
from parallel_you.celery import app, worker
from parallel_you.domain import utcnow
from timers.scheduler import EXPIRE_TASK, SHORT_DELAY, send_expiry
from timers.services import Expiry, ExpiryResult, quantum_expire

log = logging.getLogger(__name__)

# An early delivery this close to its deadline waits in the task; a later one is re-sent.
WAIT_IN_TASK = SHORT_DELAY + 0.5


async def expire_when_due(adapters: Adapters, thread_id: str, run_id: str, deadline: datetime) -> ExpiryResult:
    result = await quantum_expire(repo=adapters.threads, bus=adapters.bus, thread_id=thread_id, run_id=run_id)
    if result.status is Expiry.EARLY and result.deadline == deadline:
        remaining = (deadline - utcnow()).total_seconds()
        if remaining <= WAIT_IN_TASK:
            await asyncio.sleep(max(remaining, 0) + 0.005)
            result = await quantum_expire(repo=adapters.threads, bus=adapters.bus, thread_id=thread_id, run_id=run_id)
    return result


@shared_task(name=EXPIRE_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def expire_quantum(thread_id: str, run_id: str, deadline: str) -> str:
    """End the quantum `run_id` of `thread_id` if it is still current and due (see quantum_expire).

    `deadline` is the one this request was armed for: an early request re-arms only if the run's
    deadline is still that one (a pause/resume or an extend armed a request of its own).
    """
    armed_for = datetime.fromisoformat(deadline)
    result = worker.run(lambda adapters: expire_when_due(adapters, thread_id, run_id, armed_for))
    if result.status is Expiry.EARLY and result.deadline == armed_for:
        send_expiry(app, thread_id, run_id, armed_for)
    log.info("expiry of thread %s run %s: %s", thread_id, run_id, result.status.value)
    return result.status.value
