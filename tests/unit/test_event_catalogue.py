"""The event catalogue: names follow the convention, the docs page is current, payloads are checked."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from parallel_you.events import CATALOGUE, UnknownTopic, catalogue_markdown, validate_message
from threads.domain import Kind, Thread
from threads.events import StoryUpdated, Verb, thread_event
from timers import quantum
from timers.events import StoryQuantumExpired

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
