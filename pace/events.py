"""The pace app's events: breaks started, ended and skipped, and the focus budget running out.

`PaceConfig.ready` registers these with the kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from pace.domain import Break, BudgetNote, PaceSettings, Skip
from parallel_you.events import MessageBase, declared_in


class BreakStarted(Break, MessageBase, topic="break.started"):
    """The person started a break; `ends_at` is the server's deadline, pages count down from it."""


class BreakEnded(Break, MessageBase, topic="break.ended"):
    """A break ended: at its deadline (`how` taken), or early, or because focused work started."""


class BreakSkipped(Skip, MessageBase, topic="break.skipped"):
    """The focus budget was reached and the person started work anyway: a skip, with its reason."""


class BudgetNearlyReached(BudgetNote, MessageBase, topic="pace.budget_nearly_reached"):
    """Two minutes of the focus budget are left before a break is due."""


class BudgetReached(BudgetNote, MessageBase, topic="pace.budget_reached"):
    """The fatigue clock reached the person's focus budget: a break is due."""


class PaceSettingsChanged(PaceSettings, MessageBase, topic="pace.settings_changed"):
    """The person changed their break policy (every header clock re-reads itself)."""


MESSAGES = declared_in(__name__)
