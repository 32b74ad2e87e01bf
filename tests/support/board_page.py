"""The board's keys as a page holds them, without a browser: what static/js/board.js sends.

`BoardPage.load(html)` reads the keys of a whole board region (threads/board_keys.py);
`apply(answer)` applies a narrow answer's out-of-band parts to them as htmx would; `header()` is
the `X-Board-Shown` value the page would send next. Used by the web tests and `bench` (state).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<(?:details|section|span|div)\b([^>]*)>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
KEYS = ("data-board-order", "data-now-key", "data-lane-key", "data-stats-key", "data-col-key")


def _tags(html: str) -> list[dict[str, str]]:
    found = []
    for match in _TAG.finditer(html):
        attrs = dict(_ATTR.findall(match.group(1)))
        if any(k in attrs for k in KEYS):
            found.append(attrs)
    return found


@dataclass
class Lane:
    id: str
    frame: str
    stats: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # column id -> key


@dataclass
class BoardPage:
    order: str = ""
    now: str = ""
    lanes: list[Lane] = field(default_factory=list)

    @classmethod
    def load(cls, html: str) -> BoardPage:
        page = cls()
        page._read(_tags(html))
        return page

    def _read(self, tags: list[dict[str, str]]) -> None:
        for attrs in tags:
            if "data-board-order" in attrs:
                self.order = attrs["data-board-order"]
            if "data-now-key" in attrs:
                self.now = attrs["data-now-key"]
            if "data-lane-key" in attrs:
                self.lanes.append(Lane(attrs["id"], attrs["data-lane-key"]))
            if "data-stats-key" in attrs and self.lanes:
                self.lanes[-1].stats = attrs["data-stats-key"]
            if "data-col-key" in attrs and self.lanes:
                self.lanes[-1].columns[attrs["id"]] = attrs["data-col-key"]

    def apply(self, answer: str) -> None:
        """Swap a narrow answer's parts in by id (a whole lane brings its own counts and columns)."""
        tags = _tags(answer)
        by_id = {lane.id: lane for lane in self.lanes}
        current: Lane | None = None
        for attrs in tags:
            if "data-now-key" in attrs:
                self.now = attrs["data-now-key"]
                current = None
            elif "data-lane-key" in attrs:
                fresh = Lane(attrs["id"], attrs["data-lane-key"])
                self.lanes[self.lanes.index(by_id[fresh.id])] = fresh
                by_id[fresh.id] = current = fresh
            elif "data-stats-key" in attrs:
                lane = current if current is not None and attrs["id"] == f"lane-counts-{current.id[5:]}" else None
                lane = lane or by_id[f"lane-{attrs['id'].removeprefix('lane-counts-')}"]
                lane.stats = attrs["data-stats-key"]
            elif "data-col-key" in attrs:
                owner = current if current is not None and attrs["id"] in current.columns else None
                if owner is None and current is not None and attrs["id"].startswith(f"col-{current.id[5:]}-"):
                    owner = current
                owner = owner or next(lane for lane in self.lanes if attrs["id"] in lane.columns)
                owner.columns[attrs["id"]] = attrs["data-col-key"]

    def header(self) -> str:
        lanes = ",".join(".".join([lane.frame, lane.stats, *lane.columns.values()]) for lane in self.lanes)
        return f"{self.order}|{self.now}|{lanes}"
