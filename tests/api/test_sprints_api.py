"""Sprints over /api/v1/: CRUD, planning, start, close, capacity and burndown numbers."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from parallel_you.bootstrap import Adapters

pytestmark = pytest.mark.django_db

MONDAY = "2030-01-07"
SUNDAY = "2030-01-20"


def _task(api: Any, title: str, **fields: Any) -> dict[str, Any]:
    return api.post("/threads", {"kind": "task", "title": title, **fields}).json()


def _sprint(api: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": "Sprint 1", "start": MONDAY, "end": SUNDAY, "capacity": {"deep": 2}, **fields}
    response = api.post("/sprints", body)
    assert response.status_code == 201, response.content
    return response.json()


@time_machine.travel("2030-01-09 12:00:00+00:00", tick=False)
def test_plan_start_and_close_a_sprint(api: Any, adapters: Adapters) -> None:
    sprint = _sprint(api)
    a, b = _task(api, "A", estimate=3), _task(api, "B", estimate=2, energy_band="light")
    for thread in (a, b):
        assert api.post(f"/sprints/{sprint['id']}/items", {"thread_id": thread["id"]}).status_code == 200
    moved = api.post(f"/sprints/{sprint['id']}/items/{b['id']}/move", {"position": 0}).json()
    assert moved["members"] == [b["id"], a["id"]]
    assert api.put(f"/sprints/{sprint['id']}/items", {"order": [a["id"], b["id"]]}).json()["members"] == [
        a["id"],
        b["id"],
    ]
    assert api.put(f"/sprints/{sprint['id']}/items/{a['id']}/estimate", {"estimate": 4}).json()["estimate"] == 4
    capacity = api.get(f"/sprints/{sprint['id']}/capacity").json()
    rows = {r["band"]["id"]: r for r in capacity["rows"]}
    assert capacity["working_days"] == 10
    assert rows["deep"] == rows["deep"] | {"per_day": 2, "available": 20, "planned": 4, "over": False}
    set_capacity = api.put(f"/sprints/{sprint['id']}/capacity", {"capacity": {"light": 0}})
    assert set_capacity.json()["capacity"] == {"deep": 2, "light": 0}
    assert api.get(f"/sprints/{sprint['id']}/capacity").json()["rows"][2]["over"] is True
    assert api.get("/sprints/active").json()["code"] == "no_active_sprint"
    assert api.post(f"/sprints/{sprint['id']}/start").json()["state"] == "active"
    assert api.get("/sprints/active").json()["id"] == sprint["id"]
    api.post(f"/threads/{a['id']}/done")
    burndown = api.get(f"/sprints/{sprint['id']}/burndown").json()
    assert burndown["overall"]["total"] == 6
    # The start, Monday, Tuesday, Wednesday (today: A was done), then days to come.
    assert burndown["overall"]["remaining"][:5] == [6, 6, 6, 2, None]
    closing = api.post(f"/sprints/{sprint['id']}/close", {"carry_to": "backlog"}).json()
    assert [i["done"] for i in closing["items"]] == [True, False]
    assert adapters.threads.get(b["id"]).sprint_id is None
    assert api.post(f"/sprints/{sprint['id']}/items", {"thread_id": b["id"]}).json()["code"] == "illegal_transition"


def test_sprint_crud_overlap_and_isolation(api: Any, other_api: Any, adapters: Adapters) -> None:
    sprint = _sprint(api)
    clash = api.post("/sprints", {"name": "Clash", "start": MONDAY, "end": MONDAY})
    assert clash.status_code == 422 and "overlap" in clash.json()["details"]["start"]
    bad = api.post("/sprints", {"name": "Backwards", "start": SUNDAY, "end": MONDAY, "allow_overlap": True})
    assert bad.status_code == 422 and "end" in bad.json()["details"]
    edited = api.patch(f"/sprints/{sprint['id']}", {"goal": "Ship it"})
    assert edited.json()["goal"] == "Ship it"
    assert [s["id"] for s in api.get("/sprints").json()] == [sprint["id"]]
    assert other_api.get("/sprints").json() == []
    assert other_api.get(f"/sprints/{sprint['id']}").status_code == 404
    assert other_api.patch(f"/sprints/{sprint['id']}", {"goal": "x"}).status_code == 404
    assert other_api.post(f"/sprints/{sprint['id']}/start").status_code == 404
    theirs = _task(other_api, "Theirs")
    refused = api.post(f"/sprints/{sprint['id']}/items", {"thread_id": theirs["id"]})
    assert refused.status_code == 404 and adapters.threads.get(theirs["id"]).sprint_id is None
    stale = api.delete(f"/sprints/{sprint['id']}", headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current"]["goal"] == "Ship it"
    assert api.delete(f"/sprints/{sprint['id']}").status_code == 200
    assert adapters.sprints.get(sprint["id"]) is None
