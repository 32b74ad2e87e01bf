"""The pace app's events: breaks started, ended and skipped, and the focus budget running out.

`PaceConfig.ready` registers these with the kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from pace.domain import Break, BudgetNote, PaceSettings, Skip
from parallel_you.events import MessageBase


class BreakStarted(Break, MessageBase):
    """The person started a break; `ends_at` is the server's deadline, pages count down from it."""

    topic = "break.started"


class BreakEnded(Break, MessageBase):
    """A break ended: at its deadline (`how` taken), or early, or because focused work started."""

    topic = "break.ended"


class BreakSkipped(Skip, MessageBase):
    """The focus budget was reached and the person started work anyway: a skip, with its reason."""

    topic = "break.skipped"


class BudgetNearlyReached(BudgetNote, MessageBase):
    """Two minutes of the focus budget are left before a break is due."""

    topic = "pace.budget_nearly_reached"


class BudgetReached(BudgetNote, MessageBase):
    """The fatigue clock reached the person's focus budget: a break is due."""

    topic = "pace.budget_reached"


class PaceSettingsChanged(PaceSettings, MessageBase):
    """The person changed their break policy (every header clock re-reads itself)."""

    topic = "pace.settings_changed"


MESSAGES: tuple[type[MessageBase], ...] = (
    BreakStarted,
    BreakEnded,
    BreakSkipped,
    BudgetNearlyReached,
    BudgetReached,
    PaceSettingsChanged,
)
