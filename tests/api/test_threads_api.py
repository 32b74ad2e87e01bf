"""Threads, quanta and energy bands over /api/v1/: the same rules as the pages, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest

from parallel_you.bootstrap import Adapters

pytestmark = pytest.mark.django_db


def _create(api: Any, **fields: Any) -> dict[str, Any]:
    response = api.post("/threads", {"kind": "task", "title": "Write the report", **fields})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_get_and_list_a_thread(api: Any, adapters: Adapters, person: Any) -> None:
    created = _create(api, quantum=30)
    stored = adapters.threads.get(created["id"])
    assert stored is not None and stored.owner == str(person.pk) and stored.quantum == 30
    got = api.get(f"/threads/{created['id']}")
    assert got.status_code == 200 and got.json()["title"] == "Write the report"
    assert got.headers["ETag"] == f'"{stored.version}"'
    listed = api.get("/threads").json()
    assert [t["id"] for t in listed["items"]] == [created["id"]] and listed["count"] == 1


def test_list_applies_the_boards_filters_and_paginates(api: Any) -> None:
    saga = _create(api, kind="saga", title="Garden")
    story = _create(api, kind="story", title="Dig the beds", parent_id=saga["id"], energy_band="light")
    _create(api, title="Taxes")
    assert {t["id"] for t in api.get("/threads", saga=saga["id"]).json()["items"]} == {saga["id"], story["id"]}
    assert [t["id"] for t in api.get("/threads", band="light").json()["items"]] == [story["id"]]
    assert [t["title"] for t in api.get("/threads", q="tax").json()["items"]] == ["Taxes"]
    page = api.get("/threads", limit=2, offset=2).json()
    assert page["count"] == 3 and len(page["items"]) == 1 and page["offset"] == 2
    api.post(f"/threads/{story['id']}/park")
    assert [t["id"] for t in api.get("/threads", state="parked").json()["items"]] == [story["id"]]


def test_bad_input_is_a_json_error_with_details_and_changes_nothing(api: Any, adapters: Adapters) -> None:
    response = api.post("/threads", {"kind": "task", "title": "   ", "quantum": 1000})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and set(body["details"]) == {"title", "quantum"}
    assert body["details"] == {"title": "This can't be empty.", "quantum": "A quantum is 1 to 240 minutes."}
    response = api.post("/threads", {"kind": "nonsense", "title": "x"})
    assert response.status_code == 422 and "kind" in response.json()["details"]
    assert api.get("/threads").json()["count"] == 0


def test_edit_transitions_and_delete(api: Any, adapters: Adapters) -> None:
    thread = _create(api)
    edited = api.patch(f"/threads/{thread['id']}", {"title": "Write the summary", "estimate": 3})
    assert edited.status_code == 200 and edited.json()["title"] == "Write the summary"
    for action, state in [("park", "parked"), ("unpark", "ready"), ("done", "done"), ("reopen", "ready")]:
        response = api.post(f"/threads/{thread['id']}/{action}")
        assert response.status_code == 200 and response.json()["state"] == state, action
    blocker = _create(api, title="Get the numbers")
    blocked = api.post(f"/threads/{thread['id']}/block", {"blocked_by": [blocker["id"]], "note": "waiting"})
    assert blocked.json()["state"] == "blocked" and blocked.json()["blocked_by"] == [blocker["id"]]
    assert api.post(f"/threads/{thread['id']}/unblock").json()["state"] == "ready"
    refused = api.post(f"/threads/{thread['id']}/archive")
    assert refused.status_code == 422 and refused.json()["code"] == "illegal_transition"
    assert "only Done threads can be archived" in refused.json()["message"]
    assert api.delete(f"/threads/{thread['id']}").json() == {"deleted": [thread["id"]]}
    assert adapters.threads.get(thread["id"]) is None


def test_someone_elses_thread_is_a_404_everywhere(api: Any, other_api: Any, adapters: Adapters) -> None:
    theirs = _create(other_api)
    tid = theirs["id"]
    assert api.get(f"/threads/{tid}").status_code == 404
    assert api.get(f"/threads/{tid}/history").status_code == 404
    assert api.patch(f"/threads/{tid}", {"title": "mine"}).status_code == 404
    for action in ("park", "done", "quantum/start", "quantum/stop"):
        response = api.post(f"/threads/{tid}/{action}")
        assert response.status_code == 404 and response.json()["code"] == "not_found", action
    assert api.delete(f"/threads/{tid}").status_code == 404
    assert api.get("/threads").json()["count"] == 0
    assert adapters.threads.get(tid).title == "Write the report"


def test_if_match_refuses_a_stale_write_with_the_current_document(api: Any, adapters: Adapters) -> None:
    thread = _create(api)
    etag = api.get(f"/threads/{thread['id']}").headers["ETag"]
    api.patch(f"/threads/{thread['id']}", {"title": "Changed elsewhere"})
    stale = api.patch(f"/threads/{thread['id']}", {"title": "Mine"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    body = stale.json()
    assert body["code"] == "precondition_failed" and body["current"]["title"] == "Changed elsewhere"
    assert adapters.threads.get(thread["id"]).title == "Changed elsewhere"
    fresh = api.patch(f"/threads/{thread['id']}", {"title": "Mine"}, headers={"If-Match": stale.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != stale.headers["ETag"]
    gone = api.post(f"/threads/{thread['id']}/done", headers={"If-Match": etag})
    assert gone.status_code == 412 and adapters.threads.get(thread["id"]).state.value == "ready"


def test_quantum_lifecycle_and_the_running_one(api: Any, adapters: Adapters) -> None:
    thread = _create(api)
    assert api.get("/quanta/running").json()["thread"] is None
    refused = api.post(f"/threads/{thread['id']}/quantum/start", {"minutes": -(10**27)})
    assert refused.status_code == 422 and refused.json()["details"] == {"minutes": "A quantum is 1 to 240 minutes."}
    assert api.post(f"/threads/{thread['id']}/quantum/start", {"minutes": "20"}).status_code == 422
    started = api.post(f"/threads/{thread['id']}/quantum/start", {"minutes": 20})
    assert started.status_code == 200 and started.json()["run"]["planned_minutes"] == 20
    running = api.get("/quanta/running").json()
    assert running["thread"]["id"] == thread["id"] and running["thread"]["run"]["deadline"]
    assert 19 * 60 < running["remaining_seconds"] <= 20 * 60
    assert api.post(f"/threads/{thread['id']}/quantum/pause").json()["run"]["paused_at"] is not None
    assert api.get("/quanta/running").json()["thread"]["id"] == thread["id"]
    assert api.post(f"/threads/{thread['id']}/quantum/resume", {}).json()["run"]["paused_at"] is None
    extended = api.post(f"/threads/{thread['id']}/quantum/extend", {"minutes": 5}).json()
    assert extended["run"]["planned_minutes"] == 25
    other = _create(api, title="Other")
    refused = api.post(f"/threads/{other['id']}/quantum/start", {})
    assert refused.status_code == 422 and refused.json()["code"] == "other_running"
    assert refused.json()["details"] == {"current": thread["id"]}
    again = api.post(f"/threads/{thread['id']}/quantum/again").json()
    assert again["state"] == "running" and len(again["sessions"]) == 1 and again["run"]["planned_minutes"] == 25
    stopped = api.post(f"/threads/{thread['id']}/quantum/stop", {"then": "parked", "outcome": "completed"}).json()
    assert stopped["state"] == "parked" and stopped["sessions"][-1]["outcome"] == "completed"
    history = api.get(f"/threads/{thread['id']}/history").json()
    assert [s["outcome"] for s in history["sessions"]] == ["completed", "stopped_early"]
    assert history["sessions"][0]["energy_band_name"] == "Deep"


def test_energy_bands(api: Any, adapters: Adapters) -> None:
    assert [b["id"] for b in api.get("/energy-bands").json()] == ["deep", "moderate", "light"]
    added = api.post("/energy-bands", {"name": "Admin", "colour": "#112233"})
    assert added.status_code == 201
    assert added.json()[-1] == {"id": "admin", "name": "Admin", "colour": "#112233", "daily_cap": None}
    assert api.patch("/energy-bands/admin", {"name": "Chores"}).json()[-1]["name"] == "Chores"
    assert api.patch("/energy-bands/admin", {"daily_cap": 90}).json()[-1]["daily_cap"] == 90
    assert api.patch("/energy-bands/admin", {"name": "Chores!"}).json()[-1]["daily_cap"] == 90  # absent: kept
    refused = api.patch("/energy-bands/admin", {"daily_cap": 0})
    assert refused.status_code == 422 and "1 to 1440 minutes" in str(refused.json())
    assert api.patch("/energy-bands/admin", {"daily_cap": None}).json()[-1]["daily_cap"] is None
    _create(api, energy_band="admin")
    refused = api.delete("/energy-bands/admin")
    assert refused.status_code == 422 and "move_to" in refused.json()["details"]
    assert api.delete("/energy-bands/admin?move_to=light").status_code == 200
    assert api.get("/threads").json()["items"][0]["energy_band"] == "light"


def test_energy_bands_are_versioned_and_unknown_ones_are_404(api: Any, other_api: Any) -> None:
    etag = api.get("/energy-bands").headers["ETag"]
    other_api.post("/energy-bands", {"name": "Theirs"})
    assert api.patch("/energy-bands/theirs", {"name": "Mine"}).status_code == 404
    assert api.delete("/energy-bands/theirs").json()["code"] == "not_found"
    changed = api.patch("/energy-bands/light", {"colour": "#000000"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    stale = api.post("/energy-bands", {"name": "Admin"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json()["current"]["bands"][2]["colour"] == "#000000"
    assert [b["id"] for b in api.get("/energy-bands").json()] == ["deep", "moderate", "light"]
