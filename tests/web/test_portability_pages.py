"""The Your data page: download everything, check a file, confirm, import; errors in place."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from parallel_you.repo import FilterSpec
from tests.support.portability import seed

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
PAGE, EXPORT, IMPORT = "account_data", "account_data_export", "account_data_import"


def upload(content: str | bytes, name: str = "export.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/json")


def exported(client: Any) -> bytes:
    response = client.get(reverse(EXPORT))
    assert response.status_code == 200
    return bytes(response.content)


def owners(node: Any) -> set[str]:
    """Every `owner` anywhere in a JSON document."""
    if isinstance(node, dict):
        found = {node["owner"]} if "owner" in node else set()
        return found.union(*(owners(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(owners(v) for v in node))
    return set()


def everything(adapters: Adapters, owner: Any) -> tuple[list[Any], list[Any], Any]:
    spec = FilterSpec(owner=str(owner.pk))
    return adapters.threads.list(spec), adapters.sprints.list(spec), adapters.profiles.get(str(owner.pk))


def test_the_page_and_the_download_need_a_login(client: Client, adapters: Adapters) -> None:
    for name in (PAGE, EXPORT):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse(IMPORT), {"file": upload("{}")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_download_holds_my_data_and_never_anyone_elses(
    client_as: Any, person: Any, other_person: Any, adapters: Adapters
) -> None:
    mine = seed(adapters, str(person.pk))
    theirs = seed(adapters, str(other_person.pk))
    response = client_as.get(reverse(EXPORT))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="parallel-you-ada-')
    raw = json.loads(response.content)
    assert raw["owner"] == str(person.pk)
    ids = {t["id"] for t in raw["threads"]} | {s["id"] for s in raw["sprints"]}
    ids |= {b["id"] for b in raw["breaks"]} | {k["id"] for k in raw["skips"]}
    assert ids == {d.id for k, d in mine.items() if k not in ("profile", "pace_settings")}
    assert raw["pace_settings"]["owner"] == str(person.pk)
    assert not ids & {d.id for d in theirs.values()}
    assert owners(raw) == {str(person.pk)}


def test_the_page_links_the_download_and_shows_the_import_form(client_as: Any) -> None:
    body = client_as.get(reverse(PAGE)).content.decode()
    assert f'href="{reverse(EXPORT)}"' in body
    assert 'enctype="multipart/form-data"' in body and 'type="file"' in body and "hx-preserve" in body
    assert 'href="/accounts/data/"' in body  # in the header of every page


def test_check_then_confirm_imports_the_file_into_my_account(
    client: Client, make_user: Any, adapters: Adapters, person: Any
) -> None:
    seed(adapters, str(person.pk))
    client.force_login(person)
    file = exported(client)
    newcomer = make_user("lin")
    client.force_login(newcomer)
    response = client.post(reverse(IMPORT), {"file": upload(file)}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "This file will add:" in body and "5 threads: 1 saga, 2 stories, 2 tasks, with 1 session" in body
    assert "3 sprints" in body and "energy bands: Deep, Admin" in body
    assert "pace: the break policy, 2 breaks and 1 skipped break" in body
    digest = hashlib.sha256(file).hexdigest()
    assert f'value="{digest}"' in body
    assert everything(adapters, newcomer) == ([], [], None)  # checking writes nothing

    response = client.post(reverse(IMPORT), {"file": upload(file), "digest": digest}, headers=HX)
    assert response.status_code == 200 and response["HX-Redirect"] == reverse(PAGE)
    threads, sprints, profile = everything(adapters, newcomer)
    assert (len(threads), len(sprints), [b.name for b in profile.bands]) == (5, 3, ["Deep", "Admin"])
    assert len(adapters.breaks.list(FilterSpec(owner=str(newcomer.pk)))) == 2
    assert adapters.pace_settings.get(str(newcomer.pk)) is not None
    page = client.get(reverse(PAGE)).content.decode()
    assert "Imported 5 threads and 3 sprints." in page
    # Again: the account now runs the file's quantum and sprint, so a second copy is refused.
    response = client.post(reverse(IMPORT), {"file": upload(file)})
    assert response.status_code == 400
    assert "the file has a quantum counting down and so does this account (“Email”): pause or stop yours first." in (
        response.content.decode()
    )


def test_a_confirmation_for_another_file_only_shows_what_that_file_adds(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    seed(adapters, "someone")
    other = adapters.threads.list(FilterSpec(owner="someone"))
    assert other
    source = client_as.get(reverse(EXPORT)).content  # my (empty) data
    response = client_as.post(reverse(IMPORT), {"file": upload(source), "digest": "0" * 64})
    assert response.status_code == 200 and "This file will add:" in response.content.decode()
    assert everything(adapters, person) == ([], [], None)


@pytest.mark.parametrize("use_htmx", [True, False])
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "That file is empty."),
        (
            b'{"format": "parallel-you/person", "version": 1, "exported_at": "2026-03-02T09:00:00Z", "owner": "1", "threads": [',
            "it ends too early: was it cut short?",
        ),
        (b'{"format": "something-else"}', "format: expected “parallel-you/person”"),
        (
            b'{"format": "parallel-you/person", "version": 1, "exported_at": "2026-03-02T09:00:00Z", "owner": "1",'
            b' "threads": [{"owner": "1", "kind": "task", "title": "<b>Big</b>", "quantum": 999}]}',
            "threads[0] (“&lt;b&gt;Big&lt;/b&gt;”).quantum: A quantum is 1 to 240 minutes.",
        ),
    ],
)
def test_a_bad_file_is_refused_in_place_and_nothing_changes(
    client_as: Any, person: Any, adapters: Adapters, content: bytes, message: str, use_htmx: bool
) -> None:
    response = client_as.post(reverse(IMPORT), {"file": upload(content)}, headers=HX if use_htmx else {})
    body = response.content.decode()
    assert response.status_code == (422 if use_htmx else 400)
    assert message in body and 'class="error" role="alert"' in body
    assert body.lstrip().startswith('<section class="card portability" id="import">') == use_htmx
    assert "<b>Big</b>" not in body
    assert everything(adapters, person) == ([], [], None)
    assert adapters.bus.emitted == []  # type: ignore[attr-defined]


def test_no_file_says_what_to_do(client_as: Any) -> None:
    response = client_as.post(reverse(IMPORT), {})
    assert response.status_code == 400 and "Choose a file exported from Parallel You." in response.content.decode()


def test_import_needs_the_csrf_token(person: Any, adapters: Adapters) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post(reverse(IMPORT), {"file": upload(b"{}")})
    assert response.status_code == 403
    page = client.get(reverse(PAGE))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse(IMPORT), {"file": upload(b"{}"), "csrfmiddlewaretoken": token})
    assert response.status_code == 400 and "is it a Parallel You export?" in response.content.decode()


def test_only_get_and_post_where_they_belong(client_as: Any) -> None:
    assert client_as.post(reverse(EXPORT)).status_code == 405
    assert client_as.get(reverse(IMPORT)).status_code == 405


def test_my_own_file_again_adds_copies_under_new_ids(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    saga = make_thread(person, "saga", "Book")
    make_thread(person, "story", "Chapter", parent_id=saga.id)
    file = exported(client_as)
    response = client_as.post(reverse(IMPORT), {"file": upload(file)})
    assert "2 of them already exist here, so they get new ids" in response.content.decode()
    digest = hashlib.sha256(file).hexdigest()
    client_as.post(reverse(IMPORT), {"file": upload(file), "digest": digest})
    threads = everything(adapters, person)[0]
    assert sorted(t.title for t in threads) == ["Book", "Book", "Chapter", "Chapter"]
    copies = [t for t in threads if t.id != saga.id and t.title == "Book"]
    assert [t.parent_id for t in threads if t.title == "Chapter"].count(copies[0].id) == 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    client_as: Any, person: Any, adapters: Adapters, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts import portability_views

    file = exported(client_as)
    monkeypatch.setattr(portability_views, "MAX_IMPORT_BYTES", len(file) - 1)
    response = client_as.post(reverse(IMPORT), {"file": upload(file)})
    assert response.status_code == 400 and "That file is over" in response.content.decode()
    assert everything(adapters, person) == ([], [], None)
