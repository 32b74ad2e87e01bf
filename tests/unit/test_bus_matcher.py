"""Table-driven tests of the shared AMQP topic matcher, topic/pattern validation and amqp_urls."""

from __future__ import annotations

import pytest

from parallel_you.bus import Envelope, amqp_urls, topic_matches, validate_group, validate_pattern, validate_topic

MATCHES = [
    # pattern, topic, expected
    ("saga.created", "saga.created", True),
    ("saga.created", "saga.updated", False),
    ("saga.created", "saga.created.late", False),
    ("saga.created", "saga", False),
    ("saga.*", "saga.started", True),
    ("saga.*", "saga", False),
    ("saga.*", "saga.step.done", False),
    ("saga.#", "saga", True),
    ("saga.#", "saga.started", True),
    ("saga.#", "saga.step.done", True),
    ("saga.#", "sagas.started", False),
    ("#", "saga", True),
    ("#", "saga.step.done", True),
    ("#", "", True),
    ("*", "saga", True),
    ("*", "saga.started", False),
    ("*", "", False),
    ("*.created", "story.created", True),
    ("*.created", "story.quantum.created", False),
    ("#.created", "created", True),
    ("#.created", "story.quantum.created", True),
    ("#.created", "story.created.late", False),
    ("*.*", "a.b", True),
    ("*.*", "a", False),
    ("*.*", "a.b.c", False),
    ("a.#.z", "a.z", True),
    ("a.#.z", "a.b.c.z", True),
    ("a.#.z", "a.b.c", False),
    ("a.*.#", "a", False),
    ("a.*.#", "a.b", True),
    ("a.*.#", "a.b.c.d", True),
    ("#.*", "", False),
    ("#.*", "a", True),
    ("#.#", "a.b", True),
    ("#.#", "", True),
    ("a.#.#.b", "a.b", True),
    ("#.b.#", "a.b.c", True),
    ("#.b.#", "b", True),
    ("#.b.#", "a.c", False),
    ("story.quantum_expired", "story.quantum_expired", True),
    ("", "", True),
    ("", "a", False),
]


@pytest.mark.parametrize(("pattern", "topic", "expected"), MATCHES, ids=[f"{p!r}~{t!r}" for p, t, _ in MATCHES])
def test_topic_matches(pattern: str, topic: str, expected: bool) -> None:
    assert topic_matches(pattern, topic) is expected


@pytest.mark.parametrize(
    "topic", ["saga", "saga.created", "story.quantum_expired", "app.request_refresh", "v2.thread.x_1"]
)
def test_valid_topics(topic: str) -> None:
    assert validate_topic(topic) == topic


@pytest.mark.parametrize(
    "topic",
    ["", "Saga.created", "saga..created", ".saga", "saga.", "saga.*", "saga.#", "saga created", "saga-created", "é"],
)
def test_invalid_topics(topic: str) -> None:
    with pytest.raises(ValueError, match="topic"):
        validate_topic(topic)


def test_topic_longer_than_an_amqp_routing_key_is_refused() -> None:
    with pytest.raises(ValueError, match="255"):
        validate_topic("a" * 256)


@pytest.mark.parametrize("pattern", ["#", "*", "saga.*", "saga.#", "*.created", "#.b.#", "saga.created"])
def test_valid_patterns(pattern: str) -> None:
    assert validate_pattern(pattern) == pattern


@pytest.mark.parametrize("pattern", ["", "saga.*x", "saga.**", "saga..*", "Saga.*", "saga.created ", "saga.%"])
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(ValueError, match="pattern"):
        validate_pattern(pattern)


@pytest.mark.parametrize("group", ["realtime_bridge", "workers", "timers.expiry", "bridge-2"])
def test_valid_groups(group: str) -> None:
    assert validate_group(group) == group


@pytest.mark.parametrize("group", ["", "Workers", "a:b", "with space", ".leading", "x" * 101])
def test_invalid_groups(group: str) -> None:
    with pytest.raises(ValueError, match="group"):
        validate_group(group)


def test_envelope_json_round_trip() -> None:
    envelope = Envelope.create("saga.created", {"title": "Café <b>☕</b>", "n": [1, 2.5, None, True]})
    assert Envelope.from_json(envelope.to_json()) == envelope
    assert "☕".encode() in envelope.to_json()
    assert len(envelope.id) == 32
    assert envelope.emitted_at.endswith("+00:00")


@pytest.mark.parametrize(
    "payload", [{"when": object()}, {"nan": float("nan")}, {"tags": {"a", "b"}}, ["not", "a", "dict"]]
)
def test_envelope_refuses_non_json_payloads(payload: object) -> None:
    with pytest.raises(ValueError, match="payload"):
        Envelope.create("saga.created", payload).to_json()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [b"not json", b"[]", b'{"id": "x", "topic": "saga.created", "payload": [], "emitted_at": "t"}', b'{"id": 1}'],
)
def test_envelope_from_json_refuses_other_documents(data: bytes) -> None:
    with pytest.raises(ValueError, match="envelope"):
        Envelope.from_json(data)


URLS = [
    # input, kombu, channels, aio_pika, vhost
    (
        "amqp://guest:guest@127.0.0.1:5672/",
        "amqp://guest:guest@127.0.0.1:5672//",
        "amqp://guest:guest@127.0.0.1:5672",
        "amqp://guest:guest@127.0.0.1:5672/",
        "/",
    ),
    (
        "amqp://guest:guest@127.0.0.1:5672",
        "amqp://guest:guest@127.0.0.1:5672//",
        "amqp://guest:guest@127.0.0.1:5672",
        "amqp://guest:guest@127.0.0.1:5672/",
        "/",
    ),
    (
        "amqp://guest:guest@127.0.0.1:5672//",
        "amqp://guest:guest@127.0.0.1:5672//",
        "amqp://guest:guest@127.0.0.1:5672",
        "amqp://guest:guest@127.0.0.1:5672/",
        "/",
    ),
    (
        "amqp://guest:guest@127.0.0.1/%2F",
        "amqp://guest:guest@127.0.0.1//",
        "amqp://guest:guest@127.0.0.1",
        "amqp://guest:guest@127.0.0.1/",
        "/",
    ),
    (
        "amqps://user:p%40ss@rabbit.example.com:5671/parallel_you",
        "amqps://user:p%40ss@rabbit.example.com:5671/parallel_you",
        "amqps://user:p%40ss@rabbit.example.com:5671/parallel_you",
        "amqps://user:p%40ss@rabbit.example.com:5671/parallel_you",
        "parallel_you",
    ),
    (
        "amqp://rabbit/team%2Fa?heartbeat=30",
        "amqp://rabbit/team%2Fa?heartbeat=30",
        "amqp://rabbit/team%2Fa",
        "amqp://rabbit/team%2Fa?heartbeat=30",
        "team/a",
    ),
    (
        "  amqp://guest:guest@localhost/?heartbeat=30 ",
        "amqp://guest:guest@localhost//?heartbeat=30",
        "amqp://guest:guest@localhost",
        "amqp://guest:guest@localhost/?heartbeat=30",
        "/",
    ),
]


@pytest.mark.parametrize(("url", "kombu", "channels", "aio_pika", "vhost"), URLS)
def test_amqp_urls(url: str, kombu: str, channels: str, aio_pika: str, vhost: str) -> None:
    urls = amqp_urls(url)
    assert (urls.kombu, urls.channels, urls.aio_pika, urls.vhost) == (kombu, channels, aio_pika, vhost)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("http://guest:guest@127.0.0.1:5672/", "amqp://"),
        ("127.0.0.1:5672", "amqp://"),
        ("amqp:///", "no host"),
        ("amqp://guest:secret@:5672/", "no host"),
        ("amqp://guest:secret@host:notaport/", "invalid"),
        ("amqp://host/#frag", "fragment"),
    ],
)
def test_amqp_urls_refuses_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        amqp_urls(url)
    assert "secret" not in str(error.value)
    assert "\n" not in str(error.value)


def test_amqp_urls_repr_hides_the_password() -> None:
    assert "secret" not in repr(amqp_urls("amqp://guest:secret@127.0.0.1:5672/"))
