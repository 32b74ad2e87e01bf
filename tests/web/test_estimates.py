"""Estimates that learn, on the pages: a thread's estimate and actual on its detail page; the
planning page's record of the last closed sprints and its proposed capacity."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from parallel_you.service_layer import save
from tests.unit.test_estimates import closed
from tests.web.test_pace_day import owner, set_cap, worked_today
from tests.web.test_sprints import TODAY, make_sprint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_wednesday")]
HX = {"HTTP_HX_REQUEST": "true"}


def test_the_detail_page_shows_the_estimate_and_what_it_took(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Write", estimate=1)
    body = client_as.get(reverse("threads:detail", args=[task.id])).content.decode()
    assert '<dd id="detail-estimate">1 quantum</dd>' in body and '<dd id="detail-actual">0 quanta</dd>' in body
    worked_today(adapters, task, 25)
    worked_today(adapters, task, 20.4)
    body = client_as.get(reverse("threads:detail", args=[task.id])).content.decode()
    assert '2 quanta (45 min) <span class="over-label">1 over the estimate</span>' in body


def test_planning_shows_estimates_against_actuals_and_proposes_capacity(
    client_as: Any, person: Any, other_person: Any, adapters: Adapters
) -> None:
    who = owner(person)
    for name, weeks, took in (("A", 3, 15), ("B", 2, 14), ("C", 1, 16)):
        sprint = closed(
            name, TODAY - timedelta(weeks=weeks), planned={"deep": 10}, spent={"deep": took}, done=[("deep", 10)]
        )
        sprint.owner = who
        save(adapters.sprints, sprint)
    theirs = closed("Theirs", TODAY - timedelta(weeks=1), planned={"light": 7}, spent={"light": 70}, done=[])
    theirs.owner = owner(other_person)
    save(adapters.sprints, theirs)
    set_cap(client_as, "deep", "50")
    sprint = make_sprint(adapters, who, start=TODAY + timedelta(days=5))
    body = client_as.get(reverse("sprints:detail", args=[sprint.id])).content.decode()
    assert "Estimates against actuals: the last 3 closed sprints" in body
    row = body[body.index('<tr id="record-deep">') :]
    row = row[: row.index("</tr>")]
    assert '<td class="estimated">30</td>' in row and '<td class="actual">45</td>' in row
    assert '<td class="ratio">×1.5</td>' in row and '<td class="per-day">3.3</td>' in row
    assert (
        '<td class="proposed">2</td>' in row
    )  # 3.3 a day delivered (Sat-Wed sprints: 3 working days each); the cap (50 min) allows 2 of 25
    assert 'id="record-light"' not in body  # someone else's sprints never count
    response = client_as.post(
        reverse("sprints:capacity", args=[sprint.id]),
        {"capacity_deep": "2", "capacity_moderate": "3", "capacity_light": "4"},
        **HX,
    )
    assert response.status_code == 200
    assert 'name="capacity_deep" value="2"' in body
    assert adapters.sprints.get(sprint.id).capacity["deep"] == 2  # type: ignore[union-attr]


def test_capacity_rows_show_when_the_cap_cuts_them(client_as: Any, person: Any, adapters: Adapters) -> None:
    set_cap(client_as, "deep", "50")
    sprint = make_sprint(adapters, owner(person))
    client_as.post(
        reverse("sprints:capacity", args=[sprint.id]),
        {"capacity_deep": "6", "capacity_moderate": "1", "capacity_light": "1"},
    )
    body = client_as.get(reverse("sprints:detail", args=[sprint.id])).content.decode()
    row = body[body.index('<tr id="capacity-deep"') :]
    assert "capped: 50 min a day" in row[: row.index("</tr>")]
