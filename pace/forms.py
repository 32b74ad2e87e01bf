"""The break policy form: each field says its range and why, in the person's words."""

from __future__ import annotations

from typing import Any

from django import forms

from pace.domain import MAX_BREAK_MINUTES, MAX_DAILY_SKIPS, MAX_FOCUS_BUDGET, MAX_IDLE_MINUTES


def _minutes(label: str, low: int, high: int, help_text: str) -> forms.IntegerField:
    what = label.lower()
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": f"Give the {what} in minutes.",
            "invalid": f"The {what} is a whole number of minutes.",
            "min_value": f"The {what} is at least {low} minute{'s' if low != 1 else ''}.",
            "max_value": f"The {what} is at most {high} minutes.",
        },
    )


class PaceSettingsForm(forms.Form):
    focus_budget = _minutes(
        "Focus budget",
        1,
        MAX_FOCUS_BUDGET,
        "Focused minutes before a break is due, across every thread (default 90: about one cycle of deep focus).",
    )
    break_minutes = _minutes(
        "Break length",
        1,
        MAX_BREAK_MINUTES,
        "A break this long resets the fatigue clock (default 10: time to stand up, walk and rest your eyes).",
    )
    daily_skips = forms.IntegerField(
        label="Skips a day",
        min_value=0,
        max_value=MAX_DAILY_SKIPS,
        help_text="How many due breaks you may skip each day before carrying on asks for a reason (default 3).",
        error_messages={
            "required": "Give the number of skips a day (0 for none).",
            "invalid": "Skips a day is a whole number.",
            "min_value": "Skips a day can't be negative: 0 means none.",
            "max_value": f"Skips a day is at most {MAX_DAILY_SKIPS}.",
        },
    )
    idle_minutes = _minutes(
        "Idle threshold",
        1,
        MAX_IDLE_MINUTES,
        "This long without a quantum running counts as a natural break (default 15: longer than a break, "
        "so a quick switch between threads never resets the clock).",
    )
    strict = forms.BooleanField(
        label="Strict mode",
        required=False,
        help_text="Once today's skips are spent, wait out the break instead of giving a reason.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        brk, idle = data.get("break_minutes"), data.get("idle_minutes")
        if brk is not None and idle is not None and idle < brk:
            self.add_error(
                "idle_minutes",
                "Idle time counts as a break only once it is at least as long as a break: "
                f"make it {brk} minutes or more.",
            )
        return data
