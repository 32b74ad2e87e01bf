"""Export from any backend, import into any other: the documents compare equal. And the two
manage.py commands that move a whole instance from the embedded SQLite file to MongoDB (mongomock)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongomock
import pytest
from django.core.management import CommandError, call_command

from accounts.portability import instance_export, pace_repos, person_export, person_import
from parallel_you import bootstrap as composition
from parallel_you.bootstrap import Adapters, bootstrap
from parallel_you.bus import MemoryBus
from parallel_you.repo import FilterSpec
from sprints.documents import SPRINTS
from tests.support.portability import T0, seed
from threads.documents import PROFILES, THREADS

BACKENDS = ["memory", "sqlite", "mongo"]


@pytest.fixture
def mongo_db(monkeypatch: pytest.MonkeyPatch) -> Any:
    """make_repo's MongoDB backend on mongomock (no MongoDB server can run here)."""
    db = mongomock.MongoClient(tz_aware=True)["parallel_you"]
    monkeypatch.setattr(composition, "_mongo_database", lambda: db)
    return db


@pytest.fixture
def sqlite_path(settings: Any, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "store.sqlite3"
    settings.PARALLEL_YOU_SQLITE_PATH = str(path)
    yield path


def store(backend: str) -> Adapters:
    return bootstrap(repo_backend=backend, bus=MemoryBus())


@pytest.mark.parametrize("target", BACKENDS)
@pytest.mark.parametrize("source", BACKENDS)
async def test_a_person_moves_between_any_two_backends_unchanged(
    source: str,
    target: str,
    mongo_db: Any,
    sqlite_path: Path,
    tmp_path: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = store(source)
    seed(src, "ada")
    text = person_export(**src.stores(), **pace_repos(src), owner="ada", now=T0)
    assert len(text.breaks) == 2 and len(text.skips) == 1 and text.pace_settings is not None
    if source == target:
        # Same backend, another store: a second SQLite file or Mongo database.
        settings.PARALLEL_YOU_SQLITE_PATH = str(tmp_path / "other.sqlite3")
        other = mongomock.MongoClient(tz_aware=True)["other"]
        monkeypatch.setattr(composition, "_mongo_database", lambda: other)
    dst = store(target)
    plan = await person_import(
        threads=dst.threads,
        sprints=dst.sprints,
        profiles=dst.profiles,
        **pace_repos(dst),
        bus=dst.bus,
        owner="ada",
        data=text.model_dump_json(),
    )
    assert plan.remapped == {}
    again = person_export(**dst.stores(), **pace_repos(dst), owner="ada", now=T0)
    assert again == text
    assert again.model_dump_json() == text.model_dump_json()


@pytest.mark.django_db
def test_two_commands_move_the_whole_instance_from_sqlite_to_mongo(
    mongo_db: Any, sqlite_path: Path, tmp_path: Path, make_user: Any
) -> None:
    ada, grace = make_user("ada"), make_user("grace")
    sqlite = store("sqlite")
    seed(sqlite, str(ada.pk))
    seed(sqlite, str(grace.pk))
    file = tmp_path / "all.json"
    err = io.StringIO()
    call_command("export_instance", "--repo", "sqlite", "-o", str(file), stderr=err)
    raw = json.loads(file.read_text())
    assert (raw["format"], raw["version"]) == ("parallel-you/instance", 2)
    assert [(p["owner"], p["username"]) for p in raw["people"]] == [(str(ada.pk), "ada"), (str(grace.pk), "grace")]

    out = io.StringIO()
    call_command("import_instance", str(file), "--repo", "mongo", stdout=out)
    assert (
        "imported 2 people: 10 threads (2 sessions), 6 sprints, 4 breaks, 2 skips; 0 ids were taken" in out.getvalue()
    )

    mongo = store("mongo")
    every = FilterSpec()
    for collection in ("threads", "sprints", "profiles", "pace_settings", "breaks", "skips"):
        assert getattr(mongo, collection).list(every) == getattr(sqlite, collection).list(every), collection
    exported = [instance_export(**s.stores(), **pace_repos(s), now=T0) for s in (sqlite, mongo)]
    assert exported[0] == exported[1]
    assert {c for c in mongo_db.list_collection_names()} >= {THREADS.name, SPRINTS.name, PROFILES.name}


@pytest.mark.django_db
def test_import_instance_refuses_a_truncated_file_and_writes_nothing(
    mongo_db: Any, sqlite_path: Path, tmp_path: Path, make_user: Any
) -> None:
    sqlite = store("sqlite")
    seed(sqlite, "1")
    whole = tmp_path / "all.json"
    call_command("export_instance", "--repo", "sqlite", "-o", str(whole), stderr=io.StringIO())
    cut = tmp_path / "cut.json"
    cut.write_text(whole.read_text()[: len(whole.read_text()) // 2])
    with pytest.raises(CommandError) as refused:
        call_command("import_instance", str(cut), "--repo", "mongo")
    assert f"{cut}: nothing was imported:" in str(refused.value)
    assert "it ends too early: was it cut short?" in str(refused.value)
    assert store("mongo").threads.list(FilterSpec()) == []
    with pytest.raises(CommandError, match="can't read"):
        call_command("import_instance", str(tmp_path / "missing.json"), "--repo", "mongo")
