"""The break policy over the API: a start when a break is due spends a skip, then needs a reason;
the refusal is a 422 with the message the pages show, and nothing starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync

from pace import services as pace
from pace.selectors import skips_list
from parallel_you.bootstrap import Adapters

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def test_a_skip_then_a_reason_over_the_api(api: Any, person: Any, adapters: Adapters) -> None:
    owner = str(person.pk)
    async_to_sync(pace.pace_settings_update)(
        repo=adapters.pace_settings, bus=adapters.bus, owner=owner, focus_budget=20, daily_skips=1
    )
    with time_machine.travel(T0, tick=False) as clock:
        thread = api.post("/threads", {"kind": "task", "title": "Write", "quantum": 20}).json()
        path = f"/threads/{thread['id']}/quantum"
        assert api.post(f"{path}/start", {}).status_code == 200
        clock.shift(timedelta(minutes=20))
        assert api.post(f"{path}/again").status_code == 200  # spends the day's one skip
        clock.shift(timedelta(minutes=5))
        assert api.post(f"{path}/stop", {"then": "ready"}).status_code == 200
        refused = api.post(f"{path}/start", {})
        assert refused.status_code == 422
        assert "say why you're carrying on" in refused.json()["message"]
        assert adapters.threads.get(thread["id"]).state.value == "ready"  # type: ignore[union-attr]
        assert api.post(f"{path}/start", {"reason": "x" * 501}).status_code == 422
        started = api.post(f"{path}/start", {"reason": "Client demo at 11"})
        assert started.status_code == 200
    assert [s.reason for s in skips_list(repo=adapters.skips, owner=owner)] == ["Client demo at 11", ""]


def test_the_fatigue_clock_and_todays_use_per_band(api: Any, person: Any, adapters: Adapters) -> None:
    owner = str(person.pk)
    async_to_sync(pace.pace_settings_update)(
        repo=adapters.pace_settings, bus=adapters.bus, owner=owner, focus_budget=60
    )
    assert api.patch("/energy-bands/deep", {"daily_cap": 40}).status_code == 200
    with time_machine.travel(T0, tick=False) as clock:
        thread = api.post("/threads", {"kind": "task", "title": "Write", "energy_band": "deep", "quantum": 45}).json()
        assert api.post(f"/threads/{thread['id']}/quantum/start", {}).status_code == 200
        clock.shift(timedelta(minutes=30))
        answer = api.get("/pace")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["focused_minutes"], body["focus_budget"], body["left_minutes"]) == (30, 60, 30)
    assert body["running"] is True and body["reached"] is False and body["heads_up"] is False
    assert body["reached_at"].startswith("2026-03-11T10:00:00")
    assert body["current_break"] is None and body["strict"] is False
    deep = next(b for b in body["today"] if b["band_id"] == "deep")
    assert (deep["minutes"], deep["cap"], deep["left"], deep["reached"]) == (30, 40, 10, False)


def test_the_clock_needs_a_sign_in_and_shows_only_mine(api: Any, other_api: Any) -> None:
    from tests.api.conftest import ApiClient

    assert ApiClient(None).get("/pace").status_code == 401
    thread = api.post("/threads", {"kind": "task", "title": "Mine"}).json()
    assert api.post(f"/threads/{thread['id']}/quantum/start", {}).status_code == 200
    theirs = other_api.get("/pace").json()
    assert theirs["running"] is False and theirs["focused_minutes"] == 0
