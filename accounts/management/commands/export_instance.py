"""Write every person's documents to one JSON file: `python manage.py export_instance -o all.json`.

Reads the document store PARALLEL_YOU_REPO names (or `--repo`); `import_instance` reads the file
back into another store. Stop the servers first so nothing changes while the file is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from accounts.management.commands._stores import instance_stores
from accounts.portability import instance_export

BACKENDS = ("memory", "sqlite", "mongo")


class Command(BaseCommand):
    help = "Export every person's threads, sprints and settings as one JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")
        parser.add_argument("--repo", choices=BACKENDS, help="the store to read (default: PARALLEL_YOU_REPO)")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = options["repo"]
        usernames = {str(pk): name for pk, name in get_user_model().objects.values_list("pk", "username")}
        export = instance_export(
            **instance_stores(backend),
            usernames=usernames,
        )
        text = export.model_dump_json(indent=1)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
        threads = sum(len(p.threads) for p in export.people)
        sprints = sum(len(p.sprints) for p in export.people)
        breaks = sum(len(p.breaks) for p in export.people)
        # The summary goes to stderr, so standard output is the file alone.
        print(
            f"exported {len(export.people)} people: {threads} threads, {sprints} sprints, {breaks} breaks",
            file=sys.stderr,
        )
