"""`python manage.py runserver`: the real ASGI app under uvicorn, with lifespan and auto-reload.

Django's own runserver serves WSGI: no WebSockets (`/ws/live/` is a 404) and no ASGI lifespan, so
neither live updates nor the in-process quantum scheduler start (both start in the lifespan,
parallel_you/startup.py), and daphne's runserver has no lifespan either. This one keeps Django's
arguments (`[addr:]port`, `--noreload`, `--skip-checks`, `--ipv6`), runs the same checks, then
replaces itself with uvicorn, as `make run` does: documents go to the embedded SQLite store unless
PARALLEL_YOU_REPO says otherwise.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.commands.runserver import Command as DjangoRunserver


class Command(DjangoRunserver):
    help = "Serve the ASGI app (pages, live WebSockets, quantum scheduler) with uvicorn, reloading on code changes."
    # Set by Django's runserver from the command line before `run`.
    addr: str
    port: str
    _raw_ipv6: bool

    def run(self, **options: Any) -> None:
        if not options["skip_checks"]:
            self.stdout.write("Performing system checks...\n\n")
            self.check(display_num_errors=True)
        self.check_migrations()
        env = os.environ.copy()
        env.setdefault("PARALLEL_YOU_REPO", "sqlite")
        base = str(settings.BASE_DIR)
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "parallel_you.asgi:application",
            "--app-dir",
            base,
            "--host",
            self.addr,
            "--port",
            str(self.port),
            "--lifespan",
            "on",
            # Live updates: no per-socket compression of every fragment (see the Makefile).
            "--ws-per-message-deflate",
            "false",
        ]
        if options["use_reloader"]:
            # Templates too: Django's template reloading hooks into its own autoreloader, not this one.
            command += ["--reload", "--reload-dir", base, "--reload-include", "*.html"]
        scheme_host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        self.stdout.write(
            f"Parallel You (ASGI: uvicorn with lifespan{', reloading on changes' if options['use_reloader'] else ''}) "
            f"at http://{scheme_host}:{self.port}/ — documents: {env['PARALLEL_YOU_REPO']}. Quit with CONTROL-C."
        )
        self.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, command, env)  # noqa: S606  (fixed argv, no shell)
