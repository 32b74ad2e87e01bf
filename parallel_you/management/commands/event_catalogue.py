"""Print docs/events.md from the event catalogue: `python manage.py event_catalogue > docs/events.md`."""

from typing import Any

from django.core.management.base import BaseCommand

from parallel_you.events import catalogue_markdown


class Command(BaseCommand):
    help = "Print the event catalogue (every bus topic and its payload) as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(catalogue_markdown(), ending="")
