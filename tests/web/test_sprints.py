"""Sprint pages through the Django test client: plain posts and htmx fragments, every rule, 404s."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from sprints import services
from sprints.domain import Sprint, SprintState
from tests.support.clock import A_WEDNESDAY
from tests.support.sprints import sprint_made
from tests.support.threads import block
from threads import services as threads
from threads.domain import Thread

HX = {"HTTP_HX_REQUEST": "true"}
# Capacity counts working days: these expectations assume the sprint starts on a working day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_wednesday")]
TODAY = A_WEDNESDAY.date()


def owner(person: Any) -> str:
    return str(person.pk)


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


def make_sprint(app: Adapters, who: str, name: str = "Now", start: date = TODAY, days: int = 5) -> Sprint:
    return async_to_sync(sprint_made)(app, owner=who, start=start, name=name, days=days)


def make_story(app: Adapters, who: str, title: str, saga: str = "Book", **fields: Any) -> Thread:
    sagas = [t for t in app.threads.list(threads.thread_filter(owner=who)) if t.title == saga]
    parent = (
        sagas[0] if sagas else async_to_sync(threads.saga_create)(repo=app.threads, bus=app.bus, owner=who, title=saga)
    )
    return async_to_sync(threads.story_create)(
        repo=app.threads, bus=app.bus, owner=who, saga_id=parent.id, title=title, **fields
    )


def plan(app: Adapters, sprint: Sprint, *stories: Thread) -> Sprint:
    for s in stories:
        sprint = async_to_sync(services.sprint_item_add)(
            repo=app.sprints, threads=app.threads, bus=app.bus, owner=sprint.owner, sprint_id=sprint.id, thread_id=s.id
        )
    return sprint


def sprint_holding(app: Adapters, who: str, *titles: str) -> tuple[Sprint, list[Thread]]:
    """A sprint of `who`'s that holds a new story for each title (in the saga "Book")."""
    stories = [make_story(app, who, title) for title in titles]
    return plan(app, make_sprint(app, who), *stories), stories


def form(name: str = "June", start: date = TODAY, days: int = 5, **extra: str) -> dict[str, str]:
    return {
        "name": name,
        "goal": "Ship it",
        "start": start.isoformat(),
        "end": (start + timedelta(days=days - 1)).isoformat(),
        **extra,
    }


# --- list, create, edit, delete ---------------------------------------------------------------------
def test_the_list_says_what_to_do_when_empty_and_the_nav_links_to_it(client_as: Any) -> None:
    response = client_as.get(reverse("sprints:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No sprints yet" in body and 'href="/sprints/new/"' in body
    assert 'href="/sprints/" aria-current="page">Sprints</a>' in body


def test_create_redirects_to_the_planning_page(client_as: Any, person: Any, adapters: Adapters) -> None:
    response = client_as.post(reverse("sprints:new"), form())
    [sprint] = adapters.sprints.list(_spec(person))
    assert response.status_code == 302 and response["Location"] == reverse("sprints:detail", args=[sprint.id])
    assert (
        sprint.name == "June" and sprint.goal == "Ship it" and sprint.capacity == {"deep": 2, "moderate": 3, "light": 4}
    )
    assert topics(adapters) == ["sprint.created"]


def _spec(person: Any) -> Any:
    from sprints.selectors import sprint_filter

    return sprint_filter(owner=owner(person))


def test_create_with_htmx_redirects_the_client(client_as: Any, adapters: Adapters) -> None:
    response = client_as.post(reverse("sprints:new"), form(), **HX)
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/sprints/")


def test_end_before_start_is_shown_by_the_field_and_changes_nothing(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    data = form() | {"end": (TODAY - timedelta(days=1)).isoformat()}
    response = client_as.post(reverse("sprints:new"), data)
    assert response.status_code == 400
    assert "A sprint ends on or after the day it starts." in response.content.decode()
    response = client_as.post(reverse("sprints:new"), data, **HX)
    assert response.status_code == 422
    assert response.content.decode().lstrip().startswith('<form id="sprint-form"')
    assert adapters.sprints.list(_spec(person)) == [] and topics(adapters) == []


def test_overlapping_dates_need_confirmation(client_as: Any, person: Any, adapters: Adapters) -> None:
    make_sprint(adapters, owner(person), "First")
    response = client_as.post(reverse("sprints:new"), form("Second", TODAY + timedelta(days=2)))
    body = response.content.decode()
    assert response.status_code == 400
    assert "These dates overlap “First”" in body and 'name="allow_overlap"' in body
    assert len(adapters.sprints.list(_spec(person))) == 1
    response = client_as.post(reverse("sprints:new"), form("Second", TODAY + timedelta(days=2), allow_overlap="on"))
    assert response.status_code == 302 and len(adapters.sprints.list(_spec(person))) == 2


def test_edit_shows_the_values_and_saves(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person), "Old <name>")
    page = client_as.get(reverse("sprints:edit", args=[sprint.id])).content.decode()
    assert 'value="Old &lt;name&gt;"' in page
    response = client_as.post(reverse("sprints:edit", args=[sprint.id]), form("New", sprint.start))
    assert response.status_code == 302
    assert adapters.sprints.get(sprint.id).name == "New"  # type: ignore[union-attr]
    assert topics(adapters)[-1] == "sprint.updated"


def test_delete_asks_first_then_sends_items_back_to_the_backlog(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    sprint, [story] = sprint_holding(adapters, owner(person), "Chapter")
    confirm = client_as.get(reverse("sprints:delete", args=[sprint.id]))
    assert confirm.status_code == 200 and "Delete “Now”?" in confirm.content.decode()
    assert adapters.sprints.get(sprint.id) is not None
    response = client_as.post(reverse("sprints:delete", args=[sprint.id]))
    assert response.status_code == 302 and response["Location"] == reverse("sprints:list")
    assert adapters.sprints.get(sprint.id) is None
    assert adapters.threads.get(story.id).sprint_id is None  # type: ignore[union-attr]


def test_someone_elses_sprint_is_a_404_for_pages_fragments_and_actions(
    client_as: Any, other_person: Any, person: Any, adapters: Adapters
) -> None:
    theirs = make_sprint(adapters, owner(other_person), "Theirs")
    mine = make_story(adapters, owner(person), "Mine")
    for name in ("detail", "edit", "delete", "close", "summary", "burndown"):
        assert client_as.get(reverse(f"sprints:{name}", args=[theirs.id])).status_code == 404, name
        assert client_as.get(reverse(f"sprints:{name}", args=[theirs.id]), **HX).status_code == 404, name
    for name in ("edit", "delete", "start", "close", "capacity", "item_add", "items_reorder"):
        assert (
            client_as.post(reverse(f"sprints:{name}", args=[theirs.id]), {"thread_id": mine.id}).status_code == 404
        ), name
    for name in ("item_remove", "item_move"):
        assert client_as.post(reverse(f"sprints:{name}", args=[theirs.id, mine.id])).status_code == 404, name
    assert client_as.get(reverse("sprints:detail", args=["nope"])).status_code == 404
    assert adapters.sprints.get(theirs.id) == theirs
    theirs_story = make_story(adapters, owner(other_person), "Theirs")
    mine_sprint = make_sprint(adapters, owner(person), "Mine", start=TODAY + timedelta(days=30))
    estimate = reverse("sprints:item_estimate", args=[mine_sprint.id, theirs_story.id])
    assert client_as.post(estimate, {"estimate": "4"}).status_code == 404
    assert (
        client_as.post(reverse("sprints:item_estimate", args=[theirs.id, mine.id]), {"estimate": "4"}).status_code
        == 404
    )
    assert adapters.threads.get(theirs_story.id) == theirs_story and adapters.threads.get(mine.id) == mine


# --- planning ---------------------------------------------------------------------------------------
def test_planning_page_shows_backlog_by_saga_beside_the_sprint(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    make_story(adapters, owner(person), "<b>Chapter</b>", saga="Book")
    make_story(adapters, owner(person), "Slides", saga="Talk", energy_band="light")
    response = client_as.get(reverse("sprints:detail", args=[sprint.id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Book") < body.index("Talk")
    assert "&lt;b&gt;Chapter&lt;/b&gt;" in body and "<b>Chapter</b>" not in body
    assert "sortable-1.15.7.min.js" in body and "Nothing planned yet" in body
    filtered = client_as.get(
        reverse("sprints:detail", args=[sprint.id]), {"band": "light"}, HTTP_HX_TARGET="planning", **HX
    )
    text = filtered.content.decode()
    assert text.lstrip().startswith('<div id="planning"') and "Slides" in text and "Chapter" not in text
    assert (
        "Nothing in the backlog matches"
        in client_as.get(reverse("sprints:detail", args=[sprint.id]), {"state": "parked"}).content.decode()
    )


def test_sortable_is_loaded_only_on_the_planning_page(client_as: Any) -> None:
    assert "sortable" not in client_as.get(reverse("sprints:list")).content.decode()


def test_add_move_remove_with_buttons_plain_and_htmx(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    a, b = make_story(adapters, owner(person), "A"), make_story(adapters, owner(person), "B")
    response = client_as.post(reverse("sprints:item_add", args=[sprint.id]), {"thread_id": a.id, "band": "deep"})
    assert response.status_code == 302 and response["Location"].endswith("?band=deep#planning")
    response = client_as.post(reverse("sprints:item_add", args=[sprint.id]), {"thread_id": b.id}, **HX)
    assert response.status_code == 200 and "parallel-you:changed" in response["HX-Trigger"]
    assert 'id="planned-' + b.id in response.content.decode()
    assert adapters.sprints.get(sprint.id).members == [a.id, b.id]  # type: ignore[union-attr]
    client_as.post(reverse("sprints:item_move", args=[sprint.id, b.id]), {"position": "0"}, **HX)
    assert adapters.sprints.get(sprint.id).members == [b.id, a.id]  # type: ignore[union-attr]
    client_as.post(reverse("sprints:items_reorder", args=[sprint.id]), {"order": f"{a.id},{b.id}"}, **HX)
    assert adapters.sprints.get(sprint.id).members == [a.id, b.id]  # type: ignore[union-attr]
    client_as.post(reverse("sprints:item_remove", args=[sprint.id, a.id]), **HX)
    assert adapters.sprints.get(sprint.id).members == [b.id]  # type: ignore[union-attr]
    assert adapters.threads.get(a.id).sprint_id is None and adapters.threads.get(b.id).sprint_id == sprint.id  # type: ignore[union-attr]


def test_a_refused_add_shows_why_and_changes_nothing(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    saga = async_to_sync(threads.saga_create)(
        repo=adapters.threads, bus=adapters.bus, owner=owner(person), title="Saga"
    )
    response = client_as.post(reverse("sprints:item_add", args=[sprint.id]), {"thread_id": saga.id}, **HX)
    assert response.status_code == 422 and "is a saga" in response.content.decode()
    response = client_as.post(reverse("sprints:items_reorder", args=[sprint.id]), {"order": "x,y"})
    assert response.status_code == 400 and "changed meanwhile" in response.content.decode()
    assert adapters.sprints.get(sprint.id).members == []  # type: ignore[union-attr]


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def test_capacity_and_the_over_capacity_warning(client_as: Any, person: Any, adapters: Adapters) -> None:
    # Friday to Monday: four days, two of them working days.
    sprint = make_sprint(adapters, owner(person), start=next_weekday(TODAY, 4), days=4)
    big = make_story(adapters, owner(person), "Big", estimate=6, energy_band="deep")
    plan(adapters, sprint, big)
    body = client_as.get(reverse("sprints:detail", args=[sprint.id])).content.decode()
    assert "<strong>Deep</strong> is over capacity: 6 quanta planned, 4 available." in body
    assert "over 2 working days (Monday to Friday)" in body and 'name="count_weekends"' in body
    fields = {"capacity_deep": "3", "capacity_moderate": "1", "capacity_light": "0"}
    response = client_as.post(reverse("sprints:capacity", args=[sprint.id]), fields, **HX)
    assert response.status_code == 200 and "over capacity" not in response.content.decode()
    assert adapters.sprints.get(sprint.id).capacity == {"deep": 3, "moderate": 1, "light": 0}  # type: ignore[union-attr]
    # Counting weekends: 2 deep quanta a day over all four days.
    fields |= {"capacity_deep": "2", "count_weekends": "on"}
    response = client_as.post(reverse("sprints:capacity", args=[sprint.id]), fields, **HX)
    assert response.status_code == 200 and "over 4 days." in response.content.decode()
    assert '<td class="available">8</td>' in response.content.decode()
    assert adapters.sprints.get(sprint.id).count_weekends is True  # type: ignore[union-attr]
    response = client_as.post(reverse("sprints:capacity", args=[sprint.id]), fields | {"count_weekends": ""}, **HX)
    assert "<strong>Deep</strong> is over capacity: 6 quanta planned, 4 available." in response.content.decode()
    assert adapters.sprints.get(sprint.id).count_weekends is False  # type: ignore[union-attr]
    response = client_as.post(reverse("sprints:capacity", args=[sprint.id]), fields | {"capacity_deep": "99"}, **HX)
    assert response.status_code == 422 and "less than or equal to 50" in response.content.decode()
    assert adapters.sprints.get(sprint.id).capacity["deep"] == 2  # type: ignore[union-attr]


def test_blocked_items_show_their_blocker_and_warn_when_it_is_outside(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    sprint = make_sprint(adapters, owner(person))
    blocker = make_story(adapters, owner(person), "Blocker")
    blocked = make_story(adapters, owner(person), "Blocked")
    async_to_sync(block)(adapters, blocked, blocker, note="waiting")
    plan(adapters, sprint, blocked)
    body = client_as.get(reverse("sprints:detail", args=[sprint.id])).content.decode()
    assert "Blocked by:" in body and "“Blocker”" in body and "waiting" in body
    assert "“Blocker” blocks this but isn't in the sprint." in body
    plan(adapters, sprint, blocker)
    assert "isn't in the sprint" not in client_as.get(reverse("sprints:detail", args=[sprint.id])).content.decode()


# --- start, board, burndown, close -------------------------------------------------------------------
def test_start_goes_to_the_board_and_a_second_active_sprint_is_refused(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    first = make_sprint(adapters, owner(person), "First")
    second = make_sprint(adapters, owner(person), "Second", start=TODAY + timedelta(days=7))
    response = client_as.post(reverse("sprints:start", args=[first.id]))
    assert response.status_code == 302 and response["Location"] == reverse("sprints:active_board")
    response = client_as.post(reverse("sprints:start", args=[second.id]))
    assert (
        response.status_code == 400
        and "“First” is active: close it before you start “Second”." in response.content.decode()
    )
    assert adapters.sprints.get(second.id).state is SprintState.PLANNED  # type: ignore[union-attr]


def test_the_sprint_board_says_what_to_do_without_an_active_sprint(client_as: Any) -> None:
    body = client_as.get(reverse("sprints:active_board")).content.decode()
    assert "No sprint is running" in body


def test_finishing_a_story_on_the_board_moves_the_burndown(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    a, b = make_story(adapters, owner(person), "A", estimate=2), make_story(adapters, owner(person), "B", estimate=3)
    outside = make_story(adapters, owner(person), "Not in the sprint")
    plan(adapters, sprint, a, b)
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    board = client_as.get(reverse("sprints:active_board")).content.decode()
    assert f'id="thread-{a.id}"' in board and outside.title not in board
    assert "<strong>5</strong> of 5 quanta left" in board
    # The board's own transition, posted from a card on the sprint board.
    from_board = {**HX, "HTTP_HX_CURRENT_URL": "http://testserver" + reverse("sprints:active_board")}
    transition = reverse("threads:transition", args=[a.id])
    response = client_as.post(transition, {"action": "done"}, **from_board)
    assert response.status_code == 200 and "parallel-you:changed" in response["HX-Trigger"]
    assert response["HX-Retarget"] == f"#thread-{a.id}" and 'data-state="done"' in response.content.decode()
    fragment = client_as.get(reverse("sprints:burndown", args=[sprint.id]), **HX).content.decode()
    assert fragment.lstrip().startswith('<section id="burndown"')
    assert "<strong>3</strong> of 5 quanta left" in fragment
    assert f'data-live-region data-refresh-url="{reverse("sprints:burndown", args=[sprint.id])}"' in fragment
    assert "<svg" in fragment
    region = client_as.get(reverse("sprints:active_board"), **HX).content.decode()
    assert region.count('<article class="thread-card') == 2
    assert f'data-thread-id="{a.id}" data-state="done"' in region and outside.title not in region
    response = client_as.post(transition, {"action": "park"}, **from_board)
    assert response.status_code == 422 and "reopen it" in response.content.decode()


def test_the_sprint_board_shows_the_boards_cards_in_a_live_region(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    sprint = make_sprint(adapters, owner(person))
    first, second = make_story(adapters, owner(person), "First"), make_story(adapters, owner(person), "Second")
    plan(adapters, sprint, second, first)
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    page = client_as.get(reverse("sprints:active_board")).content.decode()
    assert '<div id="sprint-board" class="board-region sprint-board" data-live-region' in page
    assert 'data-refresh-url="/sprints/board/"' in page
    # The board's card: saga, band, timer, Block (in place), Edit, Delete, and `next` back here.
    card = page[page.index(f'id="thread-{first.id}"') :]
    card = card[: card.index("</article>")]
    assert '<span class="thread-card__saga" title="Saga">Book</span>' in card
    assert f'hx-get="/threads/{first.id}/block/?next=/sprints/board/"' in card
    assert f'hx-get="/threads/{first.id}/edit/?next=/sprints/board/"' in card and "Delete…" in card
    assert 'name="next" value="/sprints/board/"' in card and 'class="timer' in card
    # In the sprint's planned order.
    assert page.index(f'id="thread-{second.id}"') < page.index(f'id="thread-{first.id}"')
    # Without JS: the transition redirects back to the sprint board.
    response = client_as.post(
        reverse("threads:transition", args=[first.id]), {"action": "park", "next": "/sprints/board/"}
    )
    assert response.status_code == 302 and response["Location"] == "/sprints/board/"
    region = client_as.get(reverse("sprints:active_board"), **HX).content.decode()
    assert f'data-thread-id="{first.id}" data-state="parked"' in region
    assert region.index('id="sprint-column-parked"') < region.index(f'id="thread-{first.id}"')


def test_an_active_sprint_holding_nothing_says_how_to_plan_it(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    region = client_as.get(reverse("sprints:active_board"), **HX).content.decode()
    assert "This sprint holds nothing yet" in region and reverse("sprints:detail", args=[sprint.id]) in region


def test_the_planning_region_is_live_and_keeps_its_filters(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    make_story(adapters, owner(person), "Light one", energy_band="light")
    url = reverse("sprints:detail", args=[sprint.id])
    region = client_as.get(url + "?band=light", HTTP_HX_TARGET="planning", **HX).content.decode()
    assert region.lstrip().startswith('<div id="planning"') and "Light one" in region
    assert f'data-live-region data-refresh-url="{url}?band=light&amp;state="' in region


def test_an_estimate_is_set_in_quanta_from_the_planning_page(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint, [story] = sprint_holding(adapters, owner(person), "Big")
    url = reverse("sprints:item_estimate", args=[sprint.id, story.id])
    response = client_as.post(url, {"estimate": "6"}, **HX)
    assert response.status_code == 200 and 'name="estimate" value="6"' in response.content.decode()
    assert adapters.threads.get(story.id).estimate == 6  # type: ignore[union-attr]
    assert topics(adapters)[-1] == "story.updated"
    for bad in ("0", "many", "101"):
        response = client_as.post(url, {"estimate": bad}, **HX)
        assert response.status_code == 422 and "estimate" in response.content.decode().lower(), bad
    response = client_as.post(url, {"estimate": "2"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("sprints:detail", args=[sprint.id]))
    assert adapters.threads.get(story.id).estimate == 2  # type: ignore[union-attr]


def test_close_carries_unfinished_work_into_the_next_sprint_and_shows_a_summary(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    sprint = make_sprint(adapters, owner(person))
    nxt = make_sprint(adapters, owner(person), "Next", start=TODAY + timedelta(days=7))
    done, left = (
        make_story(adapters, owner(person), "Done one"),
        make_story(adapters, owner(person), "Left over", estimate=2),
    )
    plan(adapters, sprint, done, left)
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    client_as.post(reverse("threads:transition", args=[done.id]), {"action": "done"})
    page = client_as.get(reverse("sprints:close", args=[sprint.id])).content.decode()
    assert "Close “Now”?" in page and f'value="{nxt.id}"' in page and 'value="backlog"' in page
    response = client_as.post(reverse("sprints:close", args=[sprint.id]), {"carry_to": nxt.id})
    assert response.status_code == 302 and response["Location"] == reverse("sprints:summary", args=[sprint.id])
    assert adapters.threads.get(left.id).sprint_id == nxt.id  # type: ignore[union-attr]
    summary = client_as.get(response["Location"]).content.decode()
    assert "Unfinished work went to" in summary and "“Next”" in summary
    assert '<tr id="summary-deep"><th scope="row">Deep</th><td>3</td><td>0</td></tr>' in summary
    assert client_as.get(reverse("sprints:detail", args=[sprint.id])).status_code == 302
    assert client_as.post(reverse("sprints:close", args=[sprint.id]), {"carry_to": "backlog"}).status_code == 400


def test_close_refuses_an_unknown_target(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint = make_sprint(adapters, owner(person))
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    response = client_as.post(reverse("sprints:close", args=[sprint.id]), {"carry_to": "nope"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert adapters.sprints.get(sprint.id).state is SprintState.ACTIVE  # type: ignore[union-attr]


def test_sprint_pages_need_a_login(client: Any, adapters: Adapters) -> None:
    for url in (reverse("sprints:list"), reverse("sprints:new"), reverse("sprints:active_board")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
