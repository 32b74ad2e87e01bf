"""Check the document store's cross-document invariants: `python manage.py check_consistency`.

Exits 1 and lists every problem if any is found (see parallel_you/consistency.py).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from parallel_you.bootstrap import current_adapters
from parallel_you.consistency import check_store


class Command(BaseCommand):
    help = "Check that threads, sessions and sprints agree with each other."

    def handle(self, *args: Any, **options: Any) -> None:
        app = current_adapters()
        report = check_store(app)
        self.stdout.write(
            ", ".join(f"{n} {what}" for what, n in report.counts.items())
            + ": "
            + ("consistent" if report.ok else f"{len(report.problems)} problem(s)")
        )
        for line in report.problems:
            self.stdout.write(f"- {line}")
        if not report.ok:
            raise CommandError("the document store is inconsistent")
