"""Export and import services on in-memory adapters: exact round trips, id clashes, refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from accounts.portability import (
    ImportRefused,
    instance_export,
    instance_import,
    pace_repos,
    person_export,
    person_import,
    person_import_plan,
)
from pace.domain import Break, PaceSettings, Skip
from parallel_you.bootstrap import Adapters, bootstrap
from parallel_you.bus import MemoryBus
from parallel_you.repo import FilterSpec, RepoError
from parallel_you.service_layer import StorageFailed
from sprints.domain import SprintState
from tests.support.portability import T0, seed
from tests.support.store import put
from threads.domain import EnergyBand, Kind, Profile, State, Thread
from timers.scheduler import InProcessScheduler

EVERYTHING = FilterSpec()


def store() -> Adapters:
    return bootstrap(repo_backend="memory", bus=MemoryBus(), scheduler=InProcessScheduler())


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


def export_of(app: Adapters, owner: str) -> Any:
    return person_export(**app.stores(), **pace_repos(app), owner=owner, now=T0)


async def import_into(app: Adapters, owner: str, data: Any) -> Any:
    return await person_import(
        **app.stores(),
        **pace_repos(app),
        bus=app.bus,
        owner=owner,
        data=data,
        scheduler=app.scheduler,
        break_timer=app.break_timer,
    )


def owned_by(docs: list[Any], owner: str) -> list[Any]:
    return [
        d.model_copy(update={"owner": owner} | ({"id": owner} if isinstance(d, Profile | PaceSettings) else {}))
        for d in docs
    ]


def snapshot(app: Adapters) -> tuple[list[Any], ...]:
    return tuple(
        repo.list(EVERYTHING)
        for repo in (app.threads, app.sprints, app.profiles, app.pace_settings, app.breaks, app.skips)
    )


# --- export -----------------------------------------------------------------------------------------
def test_the_file_starts_with_format_and_version_and_holds_everything_of_one_person() -> None:
    app = store()
    docs = seed(app, "ada")
    seed(app, "grace")
    text = export_of(app, "ada").model_dump_json()
    raw = json.loads(text)
    assert list(raw)[:3] == ["format", "version", "exported_at"]
    assert (raw["format"], raw["version"], raw["owner"]) == ("parallel-you/person", 2, "ada")
    assert {t["id"] for t in raw["threads"]} == {docs[k].id for k in ("saga", "story", "blocked", "running", "done")}
    assert {s["id"] for s in raw["sprints"]} == {docs[k].id for k in ("closed", "active", "planned")}
    assert raw["profile"]["bands"][1] == {"id": "admin", "name": "Admin", "colour": "#aabbcc", "daily_cap": None}
    assert {t["owner"] for t in raw["threads"]} | {s["owner"] for s in raw["sprints"]} == {"ada"}
    assert raw["pace_settings"]["focus_budget"] == 60 and raw["pace_settings"]["strict"] is True
    assert [b["id"] for b in raw["breaks"]] == [docs["taken_break"].id, docs["early_break"].id]
    assert [(s["id"], s["reason"]) for s in raw["skips"]] == [(docs["skip"].id, "the demo is at noon")]


# --- round trip -------------------------------------------------------------------------------------
async def test_import_into_an_empty_account_elsewhere_restores_every_document_exactly() -> None:
    source, target = store(), store()
    seed(source, "ada")
    text = export_of(source, "ada").model_dump_json()
    plan = await import_into(target, "7", text.encode())
    assert plan.remapped == {}
    assert plan.counts == {
        "saga": 1,
        "story": 2,
        "task": 2,
        "threads": 5,
        "sessions": 1,
        "sprints": 3,
        "energy_bands": 2,
        "pace_settings": 1,
        "breaks": 2,
        "skips": 1,
    }
    before, after = export_of(source, "ada"), export_of(target, "7")
    assert after.threads == owned_by(before.threads, "7")
    assert after.sprints == owned_by(before.sprints, "7")
    assert after.profile == owned_by([before.profile], "7")[0]
    assert after.pace_settings == owned_by([before.pace_settings], "7")[0]
    assert after.breaks == owned_by(before.breaks, "7")
    assert after.skips == owned_by(before.skips, "7")
    assert topics(target) == ["app.request_refresh"]
    assert target.bus.emitted[0].payload == {"owner": "7", "reason": "import"}  # type: ignore[attr-defined]


async def test_an_imported_running_quantum_is_armed_to_expire() -> None:
    source, target = store(), store()
    running = seed(source, "ada")["running"]
    await import_into(target, "7", export_of(source, "ada"))
    assert target.scheduler.pending == {running.id: (running.run.id, running.run.deadline)}  # type: ignore[union-attr]


# --- id clashes -------------------------------------------------------------------------------------
async def test_ids_that_clash_get_new_ones_and_every_reference_follows() -> None:
    app = store()
    docs = seed(app, "ada")
    ada_before = snapshot(app)
    file = export_of(app, "ada")
    # Into grace's account in the same store: every id is taken; the copy must not touch ada's.
    file_without_live = file.model_copy(
        update={
            "threads": [t for t in file.threads if t.state is not State.RUNNING],
            "sprints": [s for s in file.sprints if s.state is not SprintState.ACTIVE],
        }
    )
    # Drop the references to what was left out, so the file stays whole.
    for t in file_without_live.threads:
        if t.sprint_id == docs["active"].id:
            t.sprint_id = None
    file_without_live.sprints[0].closing.carried_to = None  # type: ignore[union-attr]
    plan = await import_into(app, "grace", file_without_live.model_dump_json())
    pace_ids = {b.id for b in file.breaks} | {k.id for k in file.skips}
    assert set(plan.remapped) == (
        {t.id for t in file_without_live.threads} | {s.id for s in file_without_live.sprints} | pace_ids
    )
    new = plan.remapped
    assert app.threads.list(FilterSpec(owner="ada")) == ada_before[0]
    assert [b for b in app.breaks.list(EVERYTHING) if b.owner == "ada"] == ada_before[4]
    assert sorted(b.id for b in app.breaks.list(FilterSpec(owner="grace"))) == sorted(new[b.id] for b in file.breaks)
    assert [k.id for k in app.skips.list(FilterSpec(owner="grace"))] == [new[docs["skip"].id]]
    # Grace had no break policy: she takes the file's.
    assert app.pace_settings.get("grace") == docs["pace_settings"].model_copy(update={"id": "grace", "owner": "grace"})
    grace = {t.title: t for t in app.threads.list(FilterSpec(owner="grace"))}
    assert grace["Chapter one"].id == new[docs["story"].id]
    assert grace["Chapter one"].parent_id == new[docs["saga"].id]
    assert grace["Chapter two"].parent_id == new[docs["saga"].id]
    assert grace["Chapter two"].blocked_by == [new[docs["story"].id]]
    assert grace["Outline"].sprint_id == new[docs["closed"].id]
    sprints = {s.name: s for s in app.sprints.list(FilterSpec(owner="grace"))}
    closed = sprints["Week 1"]
    assert closed.id == new[docs["closed"].id]
    assert closed.members == [new[docs["done"].id]]
    assert closed.closing is not None
    assert [i.id for i in closed.closing.items] == [new[docs["done"].id], "gone"]


async def test_only_the_ids_that_clash_change() -> None:
    source, target = store(), store()
    docs = seed(source, "ada")
    put(target.threads, Thread(id=docs["saga"].id, owner="someone", kind=Kind.TASK, title="Theirs"))
    put(target.sprints, docs["active"].model_copy(update={"owner": "someone", "members": []}))
    plan = await import_into(target, "7", export_of(source, "ada"))
    assert set(plan.remapped) == {docs["saga"].id, docs["active"].id}
    saga_id, sprint_id = plan.remapped[docs["saga"].id], plan.remapped[docs["active"].id]
    story = target.threads.get(docs["story"].id)
    assert story is not None and story.parent_id == saga_id and story.sprint_id == sprint_id
    assert target.threads.get(docs["running"].id).sprint_id == sprint_id  # type: ignore[union-attr]
    assert target.sprints.get(docs["closed"].id).closing.carried_to == sprint_id  # type: ignore[union-attr]
    assert target.threads.get(docs["saga"].id).title == "Theirs"  # type: ignore[union-attr]


async def test_bands_join_the_accounts_own_and_a_band_of_the_same_name_is_the_same_band() -> None:
    source, target = store(), store()
    docs = seed(source, "ada")
    put(
        target.profiles,
        Profile(
            id="7",
            owner="7",
            bands=[EnergyBand(id="deep", name="Deep"), EnergyBand(id="paperwork", name="admin")],
            capacity={"paperwork": 3},
            version=2,
        ),
    )
    plan = await import_into(target, "7", export_of(source, "ada"))
    assert plan.bands_added == []
    profile = target.profiles.get("7")
    assert profile is not None and [b.id for b in profile.bands] == ["deep", "paperwork"]
    assert profile.capacity == {"paperwork": 3, "deep": 2}
    story = target.threads.get(docs["story"].id)
    assert story is not None and story.energy_band == "paperwork"
    assert story.sessions[0].energy_band == "paperwork"
    active = target.sprints.get(docs["active"].id)
    assert active is not None and active.capacity == {"paperwork": 2}
    closing = target.sprints.get(docs["closed"].id).closing  # type: ignore[union-attr]
    assert closing is not None and closing.planned == {"paperwork": 1, "deep": 2}
    assert [i.energy_band for i in closing.items] == ["paperwork", "deep"]


async def test_a_file_without_settings_brings_the_default_bands_its_threads_use() -> None:
    source, target = store(), store()
    put(source.threads, Thread(owner="ada", kind=Kind.TASK, title="Light work", energy_band="light"))
    put(target.profiles, Profile(id="7", owner="7", bands=[EnergyBand(id="calm", name="Calm")], version=1))
    file = export_of(source, "ada")
    assert file.profile is None
    plan = await import_into(target, "7", file)
    assert plan.bands_added == ["Deep", "Moderate", "Light"]
    profile = target.profiles.get("7")
    assert profile is not None and [b.id for b in profile.bands] == ["calm", "deep", "moderate", "light"]
    assert profile.version == 2
    # Into an account without settings of its own, nothing is stored for them: both use the defaults.
    empty = store()
    await import_into(empty, "8", file)
    assert empty.profiles.list(EVERYTHING) == []


async def test_references_to_deleted_threads_keep_pointing_at_nothing() -> None:
    source, target = store(), store()
    docs = seed(source, "ada")
    planned = docs["planned"].model_copy(update={"members": ["deleted-1"]})
    put(source.sprints, planned)  # a thread deleted after it was planned leaves its id behind
    file = export_of(source, "ada")
    plan = await import_into(target, "7", file)
    assert "deleted-1" not in plan.remapped and "gone" not in plan.remapped
    assert target.sprints.get(planned.id).members == ["deleted-1"]  # type: ignore[union-attr]

    # Where those ids are taken, the copies get free ones, so they still point at nothing.
    only_the_sprint = {"threads": [], "sprints": [file.sprints[0]], "breaks": [], "skips": []}
    again = await import_into(target, "8", file.model_copy(update=only_the_sprint))
    assert (again.clashing, len(again.remapped)) == (1, 3)  # the sprint; the ids it refers to
    closing = target.sprints.get(again.remapped[docs["closed"].id]).closing  # type: ignore[union-attr]
    assert closing is not None
    assert closing.carried_to == again.remapped[docs["active"].id]
    assert target.sprints.get(closing.carried_to) is None  # type: ignore[arg-type]
    assert [i.id for i in closing.items] == [again.remapped[docs["done"].id], "gone"]
    assert target.threads.get(closing.items[0].id) is None


# --- refusals ---------------------------------------------------------------------------------------
def file_text() -> str:
    app = store()
    seed(app, "ada")
    return export_of(app, "ada").model_dump_json(indent=1)


def edited(change: Any) -> str:
    raw = json.loads(file_text())
    change(raw)
    return json.dumps(raw)


def thread_titled(raw: dict[str, Any], title: str) -> dict[str, Any]:
    return next(t for t in raw["threads"] if t["title"] == title)


BAD_FILES = {
    "empty": (lambda: "", "The file is empty."),
    "truncated": (lambda: file_text()[:2000], "it ends too early: was it cut short?"),
    "not json": (lambda: "format: yes", "The file isn't valid JSON at line 1, column 1"),
    "a list": (lambda: "[]", "it should hold one JSON object"),
    "not an export": (lambda: '{"hello": 1}', "format: expected “parallel-you/person”, found null"),
    "instance file": (
        lambda: '{"format": "parallel-you/instance", "version": 1}',
        "this is a “parallel-you/instance” file",
    ),
    "newer version": (
        lambda: edited(lambda r: r.update(version=3)),
        "version: this server reads version 1 and 2 files; this one says 3.",
    ),
    "break ending before it starts": (
        lambda: edited(lambda r: r["breaks"][0].update(ends_at=r["breaks"][0]["started_at"], ended_at=None, how=None)),
        "breaks[0] (“",
    ),
    "someone else's break": (
        lambda: edited(lambda r: r["breaks"][1].update(owner="eve")),
        ".owner: 'eve' isn't the file's owner 'ada'.",
    ),
    "two breaks going": (
        lambda: edited(lambda r: [b.update(ended_at=None, how=None) for b in r["breaks"]]),
        "breaks: 2 breaks are still going; a person takes one at a time.",
    ),
    "a duplicate skip": (
        lambda: edited(lambda r: r["skips"].append(dict(r["skips"][0]))),
        ".id: another of the file's skips has the id",
    ),
    "a skip's reason too long": (
        lambda: edited(lambda r: r["skips"][0].update(reason="x" * 501)),
        "skips[0] (“",
    ),
    "someone else's pace settings": (
        lambda: edited(lambda r: r["pace_settings"].update(owner="eve", id="eve")),
        "pace_settings.owner: the settings belong to 'eve', not to 'ada'.",
    ),
    "a break policy out of range": (
        lambda: edited(lambda r: r["pace_settings"].update(focus_budget=0)),
        "pace_settings.focus_budget: Input should be greater than or equal to 1",
    ),
    "quantum out of range": (
        lambda: edited(lambda r: thread_titled(r, "Email").update(quantum=999)),
        "(“Email”).quantum: A quantum is 1 to 240 minutes.",
    ),
    "missing field": (
        lambda: edited(lambda r: r["sprints"][1].pop("start")),
        "sprints[1] (“Week 2”).start: Field required",
    ),
    "unknown field": (
        lambda: edited(lambda r: r["profile"].update(colour="red")),
        "profile.colour: Extra inputs are not permitted",
    ),
    "story without a saga in the file": (
        lambda: edited(lambda r: thread_titled(r, "Chapter one").update(parent_id="nope")),
        "(“Chapter one”).parent_id: no saga with the id nope in this file.",
    ),
    "blockers in a circle": (
        lambda: edited(
            lambda r: thread_titled(r, "Chapter one").update(
                state="blocked", blocked_by=[thread_titled(r, "Chapter two")["id"]]
            )
        ),
        "(“Chapter one”).blocked_by: its blockers are blocked by it in turn, in a circle.",
    ),
    "duplicate id": (
        lambda: edited(lambda r: r["threads"].append(dict(r["threads"][0]))),
        "threads[5] (“Book”).id: another thread has the id",
    ),
    "someone else's document": (
        lambda: edited(lambda r: thread_titled(r, "Book").update(owner="eve")),
        "(“Book”).owner: 'eve' isn't the file's owner 'ada'.",
    ),
    "two active sprints": (
        lambda: edited(lambda r: r["sprints"][2].update(state="active")),
        "sprints: 2 sprints are active",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_a_bad_file_is_refused_naming_what_is_wrong_and_nothing_is_written(case: str) -> None:
    make, message = BAD_FILES[case]
    target = store()
    put(target.profiles, Profile.default("7"))
    before = snapshot(target)
    with pytest.raises(ImportRefused) as refused:
        await import_into(target, "7", make())
    assert any(message in line for line in refused.value.problems), refused.value.problems
    assert snapshot(target) == before
    assert topics(target) == []


async def test_a_running_quantum_in_the_file_is_refused_while_the_account_runs_one() -> None:
    source, target = store(), store()
    seed(source, "ada")
    seed(target, "7")
    with pytest.raises(ImportRefused) as refused:
        person_import_plan(
            threads=target.threads,
            sprints=target.sprints,
            profiles=target.profiles,
            owner="7",
            data=export_of(source, "ada"),
        )
    assert refused.value.problems == [
        "threads: the file has a quantum counting down and so does this account (“Email”): pause or stop yours first.",
        "sprints: the file has an active sprint and so does this account (“Week 2”): close yours first.",
    ]


async def test_a_paused_quantum_in_the_file_may_join_an_account_whose_quantum_counts_down() -> None:
    source, target = store(), store()
    running = seed(source, "ada")["running"]
    assert running.run is not None
    running.run.paused_at = running.run.started_at + timedelta(minutes=5)
    file = export_of(source, "ada")
    file.threads = [running if t.id == running.id else t for t in file.threads]
    mine = seed(store(), "7")["running"]
    put(target.threads, mine.model_copy(update={"sprint_id": None}))
    plan = await import_into(target, "7", file)
    assert target.threads.get(running.id) == running.model_copy(update={"owner": "7"})
    assert running.id not in target.scheduler.pending  # type: ignore[union-attr]  # paused: nothing to expire
    assert plan.counts["threads"] == 5


class FailingRepo:
    """A store that fails on its n-th write (a full disk, a lost connection)."""

    def __init__(self, inner: Any, fail_at: int) -> None:
        self.inner = inner
        self.writes = 0
        self.fail_at = fail_at

    def upsert(self, doc: Any, **kwargs: Any) -> str:
        self.writes += 1
        if self.writes == self.fail_at:
            raise RepoError("disk full")
        return str(self.inner.upsert(doc, **kwargs))

    def list(self, spec: FilterSpec) -> list[Any]:
        return list(self.inner.list(spec))

    def get(self, id: str) -> Any:
        return self.inner.get(id)

    def delete(self, id: str, **kwargs: Any) -> bool:
        return bool(self.inner.delete(id, **kwargs))

    def clear(self, owner: str) -> None:
        self.inner.clear(owner)


async def test_a_write_failing_half_way_takes_back_what_was_written() -> None:
    source, target = store(), store()
    seed(source, "ada")
    put(target.profiles, Profile(id="7", owner="7", bands=[EnergyBand(id="calm", name="Calm")], version=3))
    put(target.threads, Thread(owner="7", kind=Kind.TASK, title="Mine", created_at=T0))
    target.sprints = FailingRepo(target.sprints, fail_at=3)  # type: ignore[assignment]
    before = snapshot(target)
    with pytest.raises(StorageFailed, match="disk full"):
        await import_into(target, "7", export_of(source, "ada"))
    after = snapshot(target)
    assert after[:2] == before[:2]
    # The profile is back as it was; its version only goes up (another writer may have read the one
    # the import wrote), so the restore is a newer version with the old content.
    [restored], [was] = after[2], before[2]
    assert restored.model_copy(update={"version": was.version}) == was and restored.version > was.version
    assert target.sprints.writes == 3  # type: ignore[attr-defined]
    assert topics(target) == []


# --- the whole instance -----------------------------------------------------------------------------
async def test_an_instance_round_trip_keeps_every_person_under_their_own_id() -> None:
    source, target = store(), store()
    seed(source, "1")
    seed(source, "2")
    file = instance_export(**source.stores(), **pace_repos(source), usernames={"1": "ada"}, now=T0)
    assert [(p.owner, p.username) for p in file.people] == [("1", "ada"), ("2", None)]
    result = await instance_import(
        threads=target.threads,
        sprints=target.sprints,
        profiles=target.profiles,
        **pace_repos(target),
        data=file.model_dump_json(),
        scheduler=target.scheduler,
    )
    assert result.remapped == 0 and result.counts["threads"] == 10 and result.counts["breaks"] == 4
    again = instance_export(**target.stores(), **pace_repos(target), usernames={"1": "ada"}, now=T0)
    assert again == file
    assert len(target.scheduler.pending) == 2  # type: ignore[union-attr]


async def test_an_instance_file_with_a_bad_person_imports_nobody() -> None:
    source, target = store(), store()
    seed(source, "1")
    seed(source, "2")
    raw = instance_export(threads=source.threads, sprints=source.sprints, profiles=source.profiles).model_dump(
        mode="json"
    )
    raw["people"][1]["threads"][1]["parent_id"] = "nope"
    with pytest.raises(ImportRefused) as refused:
        await instance_import(threads=target.threads, sprints=target.sprints, profiles=target.profiles, data=raw)
    assert refused.value.problems == [
        "people[1] (2).threads[1] (“Chapter one”).parent_id: no saga with the id nope in this file."
    ]
    assert snapshot(target) == ([], [], [], [], [], [])


# --- the pace (file version 2) ----------------------------------------------------------------------
async def test_a_version_1_file_without_the_pace_still_imports() -> None:
    source, target = store(), store()
    seed(source, "ada")
    raw = export_of(source, "ada").model_dump(mode="json")
    for name in ("pace_settings", "breaks", "skips"):
        del raw[name]
    raw["version"] = 1
    plan = await import_into(target, "7", json.dumps(raw))
    assert plan.counts["threads"] == 5
    assert (plan.counts["pace_settings"], plan.counts["breaks"], plan.counts["skips"]) == (0, 0, 0)
    assert target.pace_settings.get("7") is None and target.breaks.list(EVERYTHING) == []


async def test_a_dry_run_counts_the_pace_and_writes_nothing() -> None:
    source, target = store(), store()
    seed(source, "ada")
    plan = person_import_plan(**target.stores(), **pace_repos(target), owner="7", data=export_of(source, "ada"))
    assert (plan.counts["pace_settings"], plan.counts["breaks"], plan.counts["skips"]) == (1, 2, 1)
    assert snapshot(target) == ([], [], [], [], [], [])


async def test_an_account_keeps_its_own_break_policy_and_gets_the_files_breaks() -> None:
    source, target = store(), store()
    seed(source, "ada")
    mine = put(target.pace_settings, PaceSettings(id="7", owner="7", focus_budget=45))
    plan = await import_into(target, "7", export_of(source, "ada"))
    assert plan.counts["pace_settings"] == 0 and plan.counts["breaks"] == 2
    assert target.pace_settings.get("7") == mine
    assert len(target.breaks.list(FilterSpec(owner="7"))) == 2


async def test_a_break_still_going_in_the_file_is_armed_to_end_and_refused_beside_one_going_here() -> None:
    source, target = store(), store()
    seed(source, "ada")
    going = put(
        source.breaks,
        Break(owner="ada", started_at=T0 + timedelta(hours=3), ends_at=T0 + timedelta(hours=3, minutes=12)),
    )
    file = export_of(source, "ada")
    await import_into(target, "7", file)
    assert target.break_timer.pending == {"7": (going.id, going.ends_at)}  # type: ignore[attr-defined]

    other = store()
    put(other.breaks, Break(owner="7", started_at=T0, ends_at=T0 + timedelta(minutes=10)))
    before = snapshot(other)
    with pytest.raises(ImportRefused) as refused:
        await import_into(other, "7", file)
    assert refused.value.problems == [
        "breaks: the file has a break still going and so does this account: end yours first."
    ]
    assert snapshot(other) == before


async def test_without_the_pace_stores_the_pace_is_left_out() -> None:
    """Callers that pass only threads, sprints and profiles (older code paths) import what they pass."""
    source, target = store(), store()
    seed(source, "ada")
    file = person_export(**source.stores(), owner="ada", now=T0)
    assert file.pace_settings is None and file.breaks == [] and file.skips == []
    with_pace = export_of(source, "ada")
    plan = await person_import(**target.stores(), bus=target.bus, owner="7", data=with_pace)
    assert (plan.counts["breaks"], plan.counts["skips"], plan.counts["pace_settings"]) == (0, 0, 0)
    assert target.breaks.list(EVERYTHING) == [] and target.skips.list(EVERYTHING) == []


def test_an_instance_file_carries_each_persons_pace() -> None:
    app = store()
    seed(app, "1")
    put(app.skips, Skip(owner="3", at=T0))  # someone who only ever skipped a break is a person too
    file = instance_export(**app.stores(), **pace_repos(app), now=T0)
    assert [p.owner for p in file.people] == ["1", "3"]
    assert len(file.people[0].breaks) == 2 and file.people[0].pace_settings is not None
    assert len(file.people[1].skips) == 1 and file.people[1].threads == []
