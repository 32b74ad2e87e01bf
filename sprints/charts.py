"""Burndown geometry for the server-rendered SVG: numbers only; the template draws the shapes."""

from __future__ import annotations

from dataclasses import dataclass

from sprints.domain import Burndown

WIDTH = 320
HEIGHT = 160
PAD_LEFT = 30
PAD_RIGHT = 10
PAD_TOP = 10
PAD_BOTTOM = 22


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int | float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    ideal: str
    actual: str
    points: list[Point]
    y_ticks: list[Point]
    x_ticks: list[Point]
    baseline: float
    left: float
    right: float


def chart_of(data: Burndown, *, width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """SVG coordinates for the ideal line and the remaining quanta so far."""
    top = max(data.total, 1)
    steps = max(len(data.remaining) - 1, 1)
    inner_w = width - PAD_LEFT - PAD_RIGHT
    inner_h = height - PAD_TOP - PAD_BOTTOM

    def x(i: int) -> float:
        return round(PAD_LEFT + inner_w * i / steps, 1)

    def y(v: float) -> float:
        return round(PAD_TOP + inner_h * (1 - v / top), 1)

    labels = ["start", *(f"{d:%a %d}" for d in data.labels[1:])]
    points = [Point(x(i), y(v), v, labels[i]) for i, v in enumerate(data.remaining) if v is not None]
    every = max(1, len(labels) // 7)
    x_ticks = [
        Point(x(i), height - 6, 0, f"{d:%d}" if i else "") for i, d in enumerate(data.labels) if i and i % every == 0
    ]
    y_ticks = [Point(PAD_LEFT - 4, y(v), v, str(v)) for v in sorted({0, data.total})]
    return Chart(
        width=width,
        height=height,
        ideal=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(data.ideal)),
        actual=" ".join(f"{p.x},{p.y}" for p in points),
        points=points,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        baseline=y(0),
        left=float(PAD_LEFT),
        right=float(width - PAD_RIGHT),
    )
