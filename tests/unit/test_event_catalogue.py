"""The event catalogue: names follow the convention, the docs page is current, payloads are checked."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from parallel_you.events import CATALOGUE, UnknownTopic, catalogue_markdown, validate_message
from sprints import events as sprint_events
from threads import events as thread_events
from threads.domain import Kind, Thread
from threads.events import StoryUpdated, Verb, thread_event
from timers import events as timer_events
from timers import quantum
from timers.events import StoryQuantumExpired, TaskQuantumPaused

ROOT = Path(__file__).resolve().parents[2]


def test_every_topic_is_aggregate_dot_past_tense_verb() -> None:
    for topic in CATALOGUE:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", topic), topic
        verb = topic.split(".")[1]
        assert verb.endswith(("ed", "refresh")), topic


def test_docs_page_is_generated_from_the_catalogue() -> None:
    assert (ROOT / "docs" / "events.md").read_text() == catalogue_markdown(), (
        "docs/events.md is out of date: python manage.py event_catalogue > docs/events.md"
    )


def test_payloads_are_validated_against_their_schema() -> None:
    t = Thread.new(owner="1", kind=Kind.STORY, title="x", parent_id="saga")
    quantum.start(t)
    assert StoryQuantumExpired.of(t).payload()["run"]["deadline"]
    validate_message("story.quantum_expired", t.model_dump(mode="json"))
    with pytest.raises(ValidationError):
        validate_message("story.created", {"title": "no owner"})
    with pytest.raises(ValidationError):
        validate_message("app.request_refresh", {"owner": "1", "extra": True})
    assert "saga.quantum_started" not in CATALOGUE


def test_a_threads_topic_is_built_from_its_kind_and_a_typed_verb() -> None:
    story = Thread.new(owner="1", kind=Kind.STORY, title="x", parent_id="saga")
    saga = Thread.new(owner="1", kind=Kind.SAGA, title="y")
    assert thread_event(story, Verb.UPDATED).message is StoryUpdated
    assert thread_event(story, Verb.QUANTUM_EXPIRED).topic == "story.quantum_expired"
    assert thread_event(saga, Verb.ARCHIVED).payload()["id"] == saga.id
    with pytest.raises(UnknownTopic):
        thread_event(saga, Verb.QUANTUM_STARTED)


def test_every_message_type_is_declared_in_source() -> None:
    # inspect finds the class statement; a class made with type() at run time has none.
    for topic, cls in CATALOGUE.items():
        assert f"class {cls.__name__}(" in inspect.getsource(cls), topic
        assert cls.summary(), topic


def test_a_type_declared_without_a_docstring_takes_its_verbs_summary_for_its_aggregate() -> None:
    assert StoryUpdated.topic == "story.updated"
    assert StoryUpdated.summary().startswith("A story had its title")
    assert TaskQuantumPaused.summary() == "A task paused its running quantum; `run.paused_at` is set."
    assert StoryUpdated.__doc__ != TaskQuantumPaused.__doc__


def test_each_apps_messages_are_the_types_its_events_module_declares_in_order() -> None:
    assert thread_events.MESSAGES[0] is thread_events.SagaCreated
    assert thread_events.MESSAGES[-1] is thread_events.ProfileUpdated
    assert thread_events.ThreadMessage not in thread_events.MESSAGES  # a base, with no topic of its own
    assert len(thread_events.MESSAGES) + len(timer_events.MESSAGES) + len(sprint_events.MESSAGES) == 39
    assert all(CATALOGUE[m.topic] is m for m in (*thread_events.MESSAGES, *timer_events.MESSAGES))
