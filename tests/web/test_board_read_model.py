"""The board reads stored documents through a per-process memo of parsed documents: a thread
changed by another OS process on the same SQLite file shows on this process's next board."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from parallel_you.bootstrap import Adapters, bootstrap, install
from parallel_you.bus import MemoryBus
from parallel_you.repo.parsed import ParsedDocuments
from tests.support.servers import ROOT
from threads import services
from threads.domain import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_sqlite(settings: Any, tmp_path: Path) -> Iterator[Adapters]:
    """The adapters as `make run` builds them (SQLite file store), installed for this test."""
    settings.PARALLEL_YOU_SQLITE_PATH = str(tmp_path / "documents.sqlite3")
    app = bootstrap(repo_backend="sqlite", bus=MemoryBus())
    install(app)
    yield app
    install(None)
    for repo in (app.threads, app.sprints, app.profiles):
        repo.close()  # type: ignore[attr-defined]


def edit_in_another_process(path: str, owner: str, thread_id: str, title: str) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, django
        django.setup()
        from parallel_you.bootstrap import bootstrap
        from threads.services import thread_edit
        app = bootstrap()
        asyncio.run(thread_edit(repo=app.threads, bus=app.bus, owner={owner!r}, thread_id={thread_id!r}, title={title!r}))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARALLEL_YOU_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "parallel_you.settings",
        "PARALLEL_YOU_REPO": "sqlite",
        "PARALLEL_YOU_SQLITE_PATH": path,
        "DATABASE_URL": f"sqlite:///{Path(path).with_name('django.sqlite3')}",
        "PARALLEL_YOU_TESTING": "1",
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)


def test_a_thread_changed_in_another_process_shows_on_the_next_board(
    client: Any, person: Any, on_sqlite: Adapters, settings: Any
) -> None:
    client.force_login(person)
    owner = str(person.pk)
    thread = async_to_sync(services.thread_create)(
        repo=on_sqlite.threads, bus=on_sqlite.bus, owner=owner, kind=Kind.TASK, title="Written here"
    )
    for _ in range(2):  # the second board reads the parsed documents from the memo
        assert "Written here" in client.get(reverse("threads:board")).content.decode()
    memo: ParsedDocuments[Any] = on_sqlite.threads.codec.load_json.__self__  # type: ignore[attr-defined]
    assert memo.hits > 0

    edit_in_another_process(settings.PARALLEL_YOU_SQLITE_PATH, owner, thread.id, "Renamed elsewhere")

    page = client.get(reverse("threads:board")).content.decode()
    assert "Renamed elsewhere" in page and "Written here" not in page
