"""One human line for each pace, break and day event `parallel-you watch` receives (docs/events.md
gives their payloads). Pure: the event's topic and document in, a line (or None) out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

Line = Callable[[dict[str, Any], tzinfo | None], str]


def _time(iso: str | None, zone: tzinfo | None) -> str:
    """`14:05` in `zone` (None: this computer's time zone)."""
    if not iso:
        return "?"
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%H:%M")


def _minutes(value: Any) -> str:
    number = float(value or 0)
    whole = int(round(number))
    return f"{whole} minute{'s' if whole != 1 else ''}"


def _break_started(doc: dict[str, Any], zone: tzinfo | None) -> str:
    start, end = doc.get("started_at"), doc.get("ends_at")
    if start and end:
        length = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60
        return f"☕ Break started: {_minutes(length)}, until {_time(end, zone)}."
    return "☕ Break started."


BREAK_ENDS = {
    "taken": "Break over: rested, the focus clock starts again.",
    "ended_early": "Break ended early.",
    "interrupted": "Break interrupted: work started.",
}


def _break_ended(doc: dict[str, Any], zone: tzinfo | None) -> str:
    return f"☕ {BREAK_ENDS.get(doc.get('how') or '', 'Break over.')} ({_time(doc.get('ended_at'), zone)})"


def _break_skipped(doc: dict[str, Any], zone: tzinfo | None) -> str:
    reason = (doc.get("reason") or "").strip()
    why = f": {reason}" if reason else "."
    return f"⏭  Break skipped after {_minutes(doc.get('focused_minutes'))} of focus{why}"


def _budget(doc: dict[str, Any]) -> str:
    return f"{_minutes(doc.get('focused_minutes'))} of {doc.get('focus_budget')}"


def _nearly(doc: dict[str, Any], zone: tzinfo | None) -> str:
    return f"⏳ Focus budget nearly reached ({_budget(doc)}): a break is due in 2 minutes."


def _reached(doc: dict[str, Any], zone: tzinfo | None) -> str:
    return f"🛑 Focus budget reached ({_budget(doc)}): time for a break."


def _cap(doc: dict[str, Any], zone: tzinfo | None) -> str:
    band, cap, used = doc.get("band_name") or doc.get("band"), doc.get("cap_minutes"), doc.get("used_minutes")
    if doc.get("refused"):
        return f"🚧 {band}: daily cap of {cap} minutes reached ({used} used); strict mode refused the start."
    planned = doc.get("planned_minutes")
    return f"🚧 {band}: past its daily cap of {cap} minutes ({used} used, {planned} more planned)."


def _settings(doc: dict[str, Any], zone: tzinfo | None) -> str:
    strict = ", strict" if doc.get("strict") else ""
    return (
        f"⚙  Pace settings: {doc.get('focus_budget')}-minute focus budget, {doc.get('break_minutes')}-minute "
        f"breaks, {doc.get('daily_skips')} skips a day{strict}."
    )


def _day_ended(doc: dict[str, Any], zone: tzinfo | None) -> str:
    threads = doc.get("threads") or []
    if not threads:
        return f"🌙 Day ended ({_time(doc.get('ended_at'), zone)})."
    titles = ", ".join(f"“{t.get('title', '')}”" for t in threads)
    return f"🌙 Day ended ({_time(doc.get('ended_at'), zone)}): parked with a note {titles}."


LINES: dict[str, Line] = {
    "break.started": _break_started,
    "break.ended": _break_ended,
    "break.skipped": _break_skipped,
    "pace.budget_nearly_reached": _nearly,
    "pace.budget_reached": _reached,
    "pace.cap_reached": _cap,
    "pace.settings_changed": _settings,
    "day.ended": _day_ended,
}


def event_line(topic: str, document: dict[str, Any], zone: tzinfo | None = None) -> str | None:
    """The line to print for the event (None: an event the status line already shows, or unknown)."""
    line = LINES.get(topic)
    return line(document, zone) if line is not None else None
