"""Fan-out (issue 15): one channel-layer member per process and person, one render per event.

A person's sockets in this process are reached through the process's hub: the person's group has
one member (the hub's channel) however many tabs are open, every tab gets each event once, and the
group is left when the last tab closes."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest import mock

import pytest
from channels.layers import get_channel_layer

from parallel_you import consumers
from parallel_you.bootstrap import Adapters
from parallel_you.realtime import person_group, start_bridge
from tests.support.sockets import live_socket, signed_in_client
from threads import services

pytestmark = pytest.mark.django_db(transaction=True)


async def test_three_tabs_one_group_member_one_render_each_tab_once(
    adapters: Adapters, person: Any, other_person: Any
) -> None:
    await start_bridge(adapters.bus)
    tabs = [live_socket(await signed_in_client(person)) for _ in range(3)]
    grace = live_socket(await signed_in_client(other_person))
    for socket in [*tabs, grace]:
        assert (await socket.connect())[0]
    layer: Any = get_channel_layer()
    group = person_group(str(person.pk))
    assert len(layer.groups[group]) == 1  # the hub's channel, not one per tab

    with mock.patch.object(consumers, "render_to_string", wraps=consumers.render_to_string) as render:
        saga = await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=str(person.pk), title="Book")
        frames = [await tab.receive_from(timeout=2) for tab in tabs]
    assert render.call_count == 1
    assert all(f'data-subject="{saga.id}"' in frame for frame in frames)
    for tab in tabs:
        assert await tab.receive_nothing(timeout=0.1)  # once each
    assert await grace.receive_nothing(timeout=0.1)

    # A closed tab gets nothing more; the last one closing leaves the group.
    await tabs[0].disconnect()
    await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=str(person.pk), title="Two")
    assert 'data-topic="saga.created"' in await tabs[1].receive_from(timeout=2)
    assert 'data-topic="saga.created"' in await tabs[2].receive_from(timeout=2)
    await asyncio.gather(tabs[1].disconnect(), tabs[2].disconnect())
    assert group not in layer.groups or not layer.groups[group]
    await grace.disconnect()


async def test_a_socket_whose_session_ended_gets_nothing_though_the_others_do(adapters: Adapters, person: Any) -> None:
    await start_bridge(adapters.bus)
    kept, ended = live_socket(await signed_in_client(person)), live_socket(await signed_in_client(person))
    assert (await kept.connect())[0] and (await ended.connect())[0]
    hub = consumers.hub(get_channel_layer())
    [first, second] = sorted(hub.members[person_group(str(person.pk))], key=id)
    # Mark one as ended without closing it (what the session signal does first).
    target = first
    target.ended = 4401
    sent = await hub.deliver(
        {"type": "bus.event", "id": "e1", "topic": "saga.created", "payload": {"owner": str(person.pk), "id": "x"}}
    )
    assert sent == 1
    await asyncio.gather(kept.disconnect(), ended.disconnect())
    assert second.ended is None
