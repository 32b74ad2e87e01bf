"""The pace over `/api/v1/`: the fatigue clock and today's use of each energy band.

`GET /pace` reads the clock as the page header does (pace.services.pace_check: a break past its
deadline ends, and a budget just reached is announced), so a terminal client can show it.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from pace import day_services, services
from pace.caps import BandUse
from pace.selectors import PaceStatus
from pace.web import pace_stores
from parallel_you.api_support import READ_ERRORS, adapters, owner_of

router = Router(tags=["pace"])


class BreakOut(Schema):
    id: str
    started_at: datetime
    ends_at: datetime = Field(description="Count down to this against `server_time`")


class BandToday(Schema):
    band_id: str
    name: str
    minutes: int = Field(description="Focused minutes in this band today (the person's day)")
    cap: int | None = Field(description="The band's daily cap in minutes (null: none)")
    left: int | None = Field(description="Minutes left under the cap (null: no cap)")
    reached: bool


class PaceOut(Schema):
    focused_minutes: int = Field(description="Focused minutes since the last real break")
    focus_budget: int = Field(description="The focus budget in minutes (the break policy)")
    left_minutes: int = Field(description="Minutes left before a break is due")
    since: datetime | None = Field(description="When the last real break (or idle stretch) ended")
    running: bool = Field(description="A quantum counts now: the clock is moving")
    heads_up: bool = Field(description="Two minutes or less are left")
    reached: bool = Field(description="The budget is reached: a break is due")
    reached_at: datetime | None = Field(description="When the budget runs out if the clock keeps moving")
    current_break: BreakOut | None = Field(description="The break going on now, if any")
    skips_today: int
    skips_left: int
    strict: bool = Field(description="Strict mode: a due break (or a reached cap) refuses a start")
    today: list[BandToday] = Field(description="Each energy band's use today against its cap")
    server_time: datetime


def _band(use: BandUse) -> BandToday:
    return BandToday(
        band_id=use.band.id, name=use.band.name, minutes=use.minutes, cap=use.cap, left=use.left, reached=use.reached
    )


def _out(status: PaceStatus, today: list[BandUse]) -> PaceOut:
    fatigue = status.fatigue
    current = status.current_break if status.on_break else None
    return PaceOut(
        focused_minutes=fatigue.minutes,
        focus_budget=status.settings.focus_budget,
        left_minutes=int(fatigue.left / fatigue.minute),
        since=fatigue.since,
        running=fatigue.running,
        heads_up=fatigue.heads_up,
        reached=fatigue.reached,
        reached_at=fatigue.reached_at,
        current_break=None
        if current is None
        else BreakOut(id=current.id, started_at=current.started_at, ends_at=current.ends_at),
        skips_today=status.skips_today,
        skips_left=status.skips_left,
        strict=status.settings.strict,
        today=[_band(use) for use in today],
        server_time=status.now,
    )


@router.get("/pace", response={200: PaceOut, **READ_ERRORS}, summary="The fatigue clock and today's use per band")
async def pace_get(request: HttpRequest) -> PaceOut:
    owner = owner_of(request)
    a = adapters()
    status = await services.pace_check(stores=pace_stores(), bus=a.bus, owner=owner)
    today = day_services.today_use_get(threads=a.threads, profiles=a.profiles, owner=owner, now=status.now)
    return _out(status, today)
