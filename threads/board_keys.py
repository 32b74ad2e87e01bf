"""Short keys of what each part of the board region shows, so a change answers with only what differs.

The board region carries a key on every part a change can touch: the region's layout
(`data-board-order`: the page it stands for and its lanes in order), the Now strip
(`data-now-key`), each lane's frame (`data-lane-key`: its head and body without the columns'
cards), each lane's counts (`data-stats-key`) and each column (`data-col-key`). static/js/board.js
sends them back in the `X-Board-Shown` header with a change made from the board and with a live
refresh; the view computes the same keys from the repo and answers with the parts whose keys
differ, as out-of-band swaps (`threads/_board_changes.html`). A different layout (another lane,
filter or page of the board) answers with the whole region.

Each key is a digest of everything its part shows (the cards' own cache keys included,
`selectors.card_key`), so equal keys mean equal HTML. A column showing a refused action's message
gets a key no other column has, so the next answer replaces it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from threads.domain import Thread
from threads.selectors import Board, Lane

HEADER = "X-Board-Shown"
ERRED = "!"
# A board of a few hundred lanes fits well under any server's header limit.
MAX_HEADER = 16_000


def _digest(parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=6).hexdigest()


def _cards_digest(head: str, threads: list[Thread], card_keys: dict[str, str]) -> str:
    """A digest of cards in order with their cache keys (joined, not repr'd: a board has hundreds)."""
    text = "\x1e".join([head, *(f"{t.id}\x1f{card_keys[t.id]}" for t in threads)])
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


@dataclass(frozen=True)
class LaneKeys:
    frame: str
    stats: str
    # By state value, in the lane's column order; empty when the lane shows no columns.
    columns: dict[str, str]


@dataclass(frozen=True)
class BoardKeys:
    order: str
    now: str
    lanes: list[LaneKeys]

    def header(self) -> str:
        """The header value the page sends back (what board.js builds from the attributes)."""
        lanes = ",".join(".".join([lane.frame, lane.stats, *lane.columns.values()]) for lane in self.lanes)
        return f"{self.order}|{self.now}|{lanes}"


@dataclass(frozen=True)
class Shown:
    """What a page says it shows: the parsed header."""

    order: str
    now: str
    lanes: list[tuple[str, str, list[str]]]


def parse(value: str | None) -> Shown | None:
    if not value or len(value) > MAX_HEADER:
        return None
    parts = value.split("|")
    if len(parts) != 3:
        return None
    order, now, lanes_text = parts
    lanes: list[tuple[str, str, list[str]]] = []
    for lane in lanes_text.split(",") if lanes_text else []:
        keys = lane.split(".")
        if len(keys) < 2:
            return None
        lanes.append((keys[0], keys[1], keys[2:]))
    return Shown(order=order, now=now, lanes=lanes)


def lane_keys(
    lane: Lane, card_keys: dict[str, str], *, here: str, show_all_url: str, limit: int, erred: set[str]
) -> LaneKeys:
    saga = lane.saga
    frame = _digest(
        (
            lane.key,
            lane.open,
            lane.states,
            lane.shown == 0,
            lane.total if lane.shown == 0 else None,
            (saga.id, saga.version, saga.title, saga.state.value) if saga else None,
            lane.progress is not None,
            here,
            show_all_url,
            limit,
        )
    )
    stats = _digest((lane.progress, [(state.value, total) for state, _, total in lane.columns]))
    columns: dict[str, str] = {}
    if lane.open and lane.shown:
        title = saga.title if saga else None
        for state, shown, total in lane.columns:
            if any(t.id in erred for t in shown):
                columns[state.value] = ERRED
            else:
                head = repr((lane.key, title, state.value, total, here, show_all_url))
                columns[state.value] = _cards_digest(head, shown, card_keys)
    return LaneKeys(frame=frame, stats=stats, columns=columns)


def board_keys(
    board: Board,
    lanes: list[Lane],
    card_keys: dict[str, str],
    *,
    here: str,
    show_all_url: str,
    limit: int,
    errors: dict[str, str] | None = None,
) -> BoardKeys:
    erred = set(errors or {})
    order = _digest((here, show_all_url, board.empty, board.shown == 0, [lane.key for lane in lanes]))
    now = _cards_digest(repr((here, sorted(erred & {t.id for t in board.now}))), board.now, card_keys)
    keys = [
        lane_keys(lane, card_keys, here=here, show_all_url=show_all_url, limit=limit, erred=erred) for lane in lanes
    ]
    return BoardKeys(order=order, now=now, lanes=keys)


@dataclass
class Changes:
    now: bool
    # Indexes into the board's lanes.
    lanes: list[int]
    columns: list[tuple[int, str]]
    stats: list[int]


def changes(server: BoardKeys, shown: Shown | None, *, errors: dict[str, str] | None = None) -> Changes | None:
    """The parts of the board that differ from what the page shows; None when its layout differs
    (answer with the whole region). A column showing an error is always sent."""
    if shown is None or shown.order != server.order or len(shown.lanes) != len(server.lanes):
        return None
    result = Changes(now=shown.now != server.now, lanes=[], columns=[], stats=[])
    for index, (lane, (frame, stats, columns)) in enumerate(zip(server.lanes, shown.lanes, strict=True)):
        if frame != lane.frame or len(columns) != len(lane.columns):
            result.lanes.append(index)
            continue
        moved = False
        for (state, key), theirs in zip(lane.columns.items(), columns, strict=True):
            if key != theirs or key == ERRED:
                result.columns.append((index, state))
                moved = True
        if moved or stats != lane.stats:
            result.stats.append(index)
    return result
