"""Read a file from `export_instance` into a document store: `python manage.py import_instance all.json`.

Writes to the store PARALLEL_YOU_REPO names (or `--repo`), each person under their own owner id.
The whole file is checked before anything is written; a refused file changes nothing. Meant for
an empty store (moving from the embedded SQLite file to MongoDB): ids that already exist there
get new ones, and a person who already has settings gets the file's energy bands added to theirs.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.management.commands._stores import instance_stores
from accounts.portability import ImportRefused, instance_file_read, instance_import
from pace.timing import END_BREAK_TASK
from parallel_you.bootstrap import make_scheduler
from parallel_you.service_layer import StorageFailed

BACKENDS = ("memory", "sqlite", "mongo")


class Command(BaseCommand):
    help = "Import a whole-instance export (every person) into the document store."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a file written by export_instance")
        parser.add_argument("--repo", choices=BACKENDS, help="the store to write (default: PARALLEL_YOU_REPO)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"can't read {path}: {exc.strerror}") from None
        try:
            instance = instance_file_read(data)
        except ImportRefused as exc:
            raise CommandError(self._refusal(path, exc)) from None
        self._warn_about_people(instance.people)
        backend = options["repo"]
        try:
            result = asyncio.run(
                instance_import(
                    **instance_stores(backend),
                    data=instance,
                    scheduler=make_scheduler(settings.PARALLEL_YOU_BUS),
                    break_timer=make_scheduler(settings.PARALLEL_YOU_BUS, END_BREAK_TASK),
                )
            )
        except ImportRefused as exc:
            raise CommandError(self._refusal(path, exc)) from None
        except StorageFailed as exc:
            raise CommandError(exc.message) from None
        counts = result.counts
        self.stdout.write(
            f"imported {len(result.plans)} people: {counts.get('threads', 0)} threads "
            f"({counts.get('sessions', 0)} sessions), {counts.get('sprints', 0)} sprints, "
            f"{counts.get('breaks', 0)} breaks, {counts.get('skips', 0)} skips; "
            f"{result.remapped} ids were taken and got new ones"
        )

    def _refusal(self, path: Path, exc: ImportRefused) -> str:
        return "\n".join([f"{path}: nothing was imported:", *(f"- {line}" for line in exc.problems)])

    def _warn_about_people(self, people: Any) -> None:
        """Owners are user ids in Django's database (DATABASE_URL): say which ones don't match."""
        users = {str(pk): name for pk, name in get_user_model().objects.values_list("pk", "username")}
        for person in people:
            name = users.get(person.owner)
            if name is None:
                self.stderr.write(f"warning: no user has the id {person.owner} here; their data is imported anyway")
            elif person.username is not None and name != person.username:
                self.stderr.write(
                    f"warning: user {person.owner} is {name!r} here but was {person.username!r} where the file came from"
                )
