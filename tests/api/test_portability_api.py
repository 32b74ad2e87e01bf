"""`GET /api/v1/export` and `POST /api/v1/import`: a person's whole data as one document."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _titles(api: Any) -> list[str]:
    response = api.get("/threads", limit=500)
    assert response.status_code == 200
    return sorted(t["title"] for t in response.json()["items"])


def _seed(api: Any) -> None:
    saga = api.post("/threads", {"kind": "saga", "title": "Garden"}).json()
    assert api.post("/threads", {"kind": "task", "title": "Dig beds", "parent_id": saga["id"]}).status_code == 201
    assert api.post("/threads", {"kind": "task", "title": "Buy seeds"}).status_code == 201
    sprint = {"name": "Spring", "start": "2030-03-04", "end": "2030-03-15"}
    assert api.post("/sprints", sprint).status_code == 201


def _raw_import(api: Any, body: str, query: str = "") -> Any:
    return api.client.post(f"/api/v1/import{query}", body, content_type="application/json", headers=api._headers(None))


def test_an_export_imports_into_another_account(api: Any, other_api: Any, person: Any) -> None:
    _seed(api)
    exported = api.get("/export")
    assert exported.status_code == 200 and exported["Cache-Control"] == "no-store"
    document = exported.json()
    assert document["format"] == "parallel-you/person" and document["version"] == 2
    assert document["owner"] == str(person.pk)

    answer = other_api.post("/import", document)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["dry_run"] is False
    assert body["counts"]["threads"] == 3 and body["counts"]["sprints"] == 1 and body["counts"]["saga"] == 1
    assert _titles(other_api) == ["Buy seeds", "Dig beds", "Garden"] == _titles(api)
    sprints = other_api.get("/sprints").json()
    assert [s["name"] for s in sprints] == ["Spring"]


def test_a_dry_run_counts_and_writes_nothing(api: Any, other_api: Any) -> None:
    _seed(api)
    document = api.get("/export").json()

    answer = other_api.send("POST", "/import?dry_run=true", document)

    assert answer.status_code == 200, answer.content
    assert answer.json()["dry_run"] is True and answer.json()["counts"]["threads"] == 3
    assert _titles(other_api) == [] and other_api.get("/sprints").json() == []


def test_a_truncated_document_is_refused_with_its_place_and_nothing_is_written(api: Any, other_api: Any) -> None:
    _seed(api)
    text = json.dumps(api.get("/export").json())

    answer = _raw_import(other_api, text[: len(text) // 2])

    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "import_refused" and body["message"].startswith("Nothing was imported")
    assert any("line 1, column" in p and "cut short" in p for p in body["details"]["problems"])
    assert _titles(other_api) == []


def test_a_document_with_a_bad_thread_names_it_and_writes_nothing(api: Any, other_api: Any) -> None:
    _seed(api)
    document = api.get("/export").json()
    document["threads"][1]["state"] = "sleeping"

    answer = other_api.post("/import", document)

    assert answer.status_code == 422
    problems = answer.json()["details"]["problems"]
    assert any(p.startswith("threads[1]") and "state" in p for p in problems), problems
    assert _titles(other_api) == [] and other_api.get("/sprints").json() == []


@pytest.mark.parametrize("body", ["", "[]", '{"format": "parallel-you/instance", "version": 1}', "\xff"])
def test_what_is_not_a_person_export_is_refused(other_api: Any, body: str) -> None:
    answer = _raw_import(other_api, body)
    assert answer.status_code == 422 and answer.json()["code"] == "import_refused"
    assert answer.json()["details"]["problems"]
    assert _titles(other_api) == []


def test_a_read_only_token_exports_but_may_not_import(api: Any, reader: Any) -> None:
    _seed(api)
    document = reader.get("/export").json()
    before = _titles(api)

    answer = reader.post("/import", document)

    assert answer.status_code == 403 and answer.json()["code"] == "read_only_token"
    assert _titles(api) == before


def test_an_export_holds_only_the_persons_own_data(api: Any, other_api: Any, person: Any) -> None:
    _seed(api)
    assert other_api.post("/threads", {"kind": "task", "title": "Grace's secret"}).status_code == 201

    document = api.get("/export").json()

    assert document["owner"] == str(person.pk)
    assert {d["owner"] for d in [*document["threads"], *document["sprints"]]} == {str(person.pk)}
    assert sorted(t["title"] for t in document["threads"]) == ["Buy seeds", "Dig beds", "Garden"]
    text = json.dumps(document)
    assert "Grace's secret" not in text


def test_export_and_import_need_a_sign_in(adapters: Any) -> None:
    from tests.api.conftest import ApiClient

    anonymous = ApiClient(None)
    assert anonymous.get("/export").status_code == 401
    assert anonymous.post("/import", {}).status_code == 401
