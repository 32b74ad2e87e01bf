"""Colour contrast of static/css/app.css in the light and the dark theme (WCAG 2.x ratios).

The colours are read from the stylesheet itself, so a changed colour is checked as it ships.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
AA_TEXT = 4.5  # normal-size text (WCAG 2.x, 1.4.3)
AA_UI = 3.0  # focus rings and other non-text marks (1.4.11)

# Every text colour and the backgrounds the stylesheet puts it on.
TEXT_ON = {
    "text": ("bg", "surface", "sunken", "warn-bg", "accent-bg"),
    "muted": ("bg", "surface", "sunken", "warn-bg", "accent-bg"),
    "accent": ("bg", "surface", "sunken", "accent-bg"),
    "accent-text": ("accent", "danger"),
    "danger": ("surface", "danger-bg"),
    "ok": ("surface", "ok-bg", "warn-bg"),
    "warn": ("surface", "bg", "warn-bg"),
    "saga-text": ("saga-bg",),
    "story-text": ("story-bg",),
}
# (foreground, background, minimum)
PAIRS = [
    *((fg, bg, AA_TEXT) for fg, backgrounds in TEXT_ON.items() for bg in backgrounds),
    ("focus-ring", "surface", AA_UI),
]


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b", block))


def block_after(selector: str) -> str:
    start = CSS.index(selector)
    return CSS[CSS.index("{", start) + 1 : CSS.index("}", start)]


LIGHT = variables(block_after(":root {"))
DARK = {**LIGHT, **variables(block_after(':root[data-theme="dark"] {'))}
DARK_BY_SYSTEM = {**LIGHT, **variables(block_after(':root:not([data-theme="light"]) {'))}


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


def test_both_themes_define_every_colour_and_the_two_dark_blocks_agree() -> None:
    names = {name for pair in PAIRS for name in pair[:2]}
    assert names <= set(LIGHT)
    dark_only = variables(block_after(':root[data-theme="dark"] {'))
    assert names <= set(dark_only)  # the dark theme redefines every colour it is checked on
    assert dark_only == variables(block_after(':root:not([data-theme="light"]) {'))
    assert DARK == DARK_BY_SYSTEM


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS, ids=[f"{fg}-on-{bg}" for fg, bg, _ in PAIRS])
def test_colour_pairs_meet_wcag_aa(theme: str, fg: str, bg: str, minimum: float) -> None:
    colours = LIGHT if theme == "light" else DARK
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= minimum, f"{theme}: {fg} {colours[fg]} on {bg} {colours[bg]} is {ratio:.2f}:1, needs {minimum}:1"
