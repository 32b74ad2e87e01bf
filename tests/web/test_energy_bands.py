"""Energy band settings: rename, recolour, add, remove (asking where a band's threads go)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from threads.selectors import profile_get

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def bands(adapters: Adapters, person: Any) -> list[tuple[str, str, str]]:
    return [(b.id, b.name, b.colour) for b in profile_get(repo=adapters.profiles, owner=str(person.pk)).bands]


def topics(adapters: Adapters) -> list[str]:
    return [e.topic for e in adapters.bus.emitted]  # type: ignore[attr-defined]


def test_the_page_lists_the_default_bands_with_their_use(client_as: Any, person: Any, make_thread: Any) -> None:
    make_thread(person, "task", "Deep work")
    body = client_as.get(reverse("threads:energy_bands")).content.decode()
    for name in ("Deep", "Moderate", "Light"):
        assert f'value="{name}"' in body
    assert "Used by 1 thread." in body and "Used by 0 threads." in body
    assert 'type="color"' in body


@pytest.mark.parametrize("use_htmx", [True, False])
def test_add_rename_and_recolour(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, use_htmx: bool
) -> None:
    headers = HX if use_htmx else {}
    task = make_thread(person, "task", "Deep work")
    response = client_as.post(reverse("threads:energy_bands"), {"name": "Admin", "colour": "#AABBCC"}, headers=headers)
    assert response.status_code == (200 if use_htmx else 302)
    if use_htmx:
        assert response["HX-Retarget"] == "#energy-bands" and 'value="Admin"' in response.content.decode()
    url = reverse("threads:energy_band_change", args=["deep"])
    response = client_as.post(url, {"name": "Focus", "colour": "#112233"}, headers=headers)
    assert response.status_code == (200 if use_htmx else 302)
    assert bands(adapters, person) == [
        ("deep", "Focus", "#112233"),
        ("moderate", "Moderate", "#0891b2"),
        ("light", "Light", "#16a34a"),
        ("admin", "Admin", "#aabbcc"),
    ]
    assert adapters.threads.get(task.id).energy_band == "deep"  # type: ignore[union-attr]
    assert "Focus" in client_as.get(reverse("threads:board")).content.decode()
    assert topics(adapters)[-2:] == ["profile.updated", "profile.updated"]


@pytest.mark.parametrize(
    ("url_name", "args", "data", "field", "message"),
    [
        ("threads:energy_bands", [], {"name": "", "colour": "#000000"}, "name", "Give the band a name."),
        ("threads:energy_bands", [], {"name": "deep", "colour": "#000000"}, "__all__", "can&#x27;t share a name"),
        ("threads:energy_bands", [], {"name": "x", "colour": "red"}, "colour", "A colour is written #rrggbb"),
        ("threads:energy_band_change", ["light"], {"name": "Deep", "colour": "#000000"}, "__all__", "share a name"),
        ("threads:energy_band_change", ["light"], {"name": "L" * 41, "colour": "#000000"}, "name", "40 characters"),
    ],
)
def test_band_validation_messages_show_in_place_and_change_nothing(
    client_as: Any,
    person: Any,
    adapters: Adapters,
    url_name: str,
    args: list[str],
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = bands(adapters, person)
    for headers, status in ((HX, 422), ({}, 400)):
        response = client_as.post(reverse(url_name, args=args), data, headers=headers)
        body = response.content.decode()
        assert response.status_code == status
        assert f'data-error-for="{field}">' in body and message in body
    assert bands(adapters, person) == before and topics(adapters) == []


def test_removing_an_unused_band_just_removes_it(client_as: Any, person: Any, adapters: Adapters) -> None:
    url = reverse("threads:energy_band_remove", args=["moderate"])
    page = client_as.get(url).content.decode()
    assert "No thread uses it." in page and 'name="move_to"' not in page
    response = client_as.post(url)
    assert response.status_code == 302
    assert [b[0] for b in bands(adapters, person)] == ["deep", "light"]


def test_removing_a_band_in_use_asks_where_its_threads_go(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, transition: Any
) -> None:
    live = make_thread(person, "task", "Live", energy_band="light")
    old = make_thread(person, "task", "Old", energy_band="light")
    transition(person, old, "done")
    transition(person, old, "archive")
    url = reverse("threads:energy_band_remove", args=["light"])
    page = client_as.get(url).content.decode()
    assert "2 threads use it (archived ones included). Where should they go?" in page
    assert '<option value="deep">Deep</option>' in page and '<option value="light"' not in page
    response = client_as.post(url, {"move_to": ""})
    assert response.status_code == 400
    assert "2 threads use “Light”: choose the band they move to." in response.content.decode()
    assert client_as.post(url, {"move_to": "light"}).status_code == 400
    assert [b[0] for b in bands(adapters, person)] == ["deep", "moderate", "light"]
    response = client_as.post(url, {"move_to": "moderate"})
    assert response.status_code == 302
    assert [b[0] for b in bands(adapters, person)] == ["deep", "moderate"]
    assert {adapters.threads.get(t.id).energy_band for t in (live, old)} == {"moderate"}  # type: ignore[union-attr]
    assert topics(adapters)[-3:] == ["task.updated", "task.updated", "profile.updated"]
    assert "Removed the energy band “Light”." in client_as.get(reverse("threads:energy_bands")).content.decode()


def test_the_last_band_stays(client_as: Any, person: Any, adapters: Adapters) -> None:
    client_as.post(reverse("threads:energy_band_remove", args=["light"]))
    client_as.post(reverse("threads:energy_band_remove", args=["moderate"]))
    url = reverse("threads:energy_band_remove", args=["deep"])
    assert "It's your only band" in client_as.get(url).content.decode()
    response = client_as.post(url)
    assert response.status_code == 400 and "Keep at least one energy band." in response.content.decode()
    assert [b[0] for b in bands(adapters, person)] == ["deep"]


def test_an_unknown_band_is_a_404(client_as: Any) -> None:
    assert client_as.get(reverse("threads:energy_band_remove", args=["nope"])).status_code == 404
    assert client_as.post(reverse("threads:energy_band_change", args=["nope"]), {"name": "x"}).status_code == 404
