"""Sprint forms: they parse what the browser sends; the domain decides what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from sprints.domain import FIRST_DAY, LAST_DAY, SPRINT_GOAL_MAX, SPRINT_NAME_MAX, Sprint
from threads.domain import MAX_ESTIMATE, EnergyBand
from threads.forms import CreateOnce

DATE_ATTRS = {"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
DATE_MESSAGES = {"required": "Choose a day.", "invalid": "Write a day as YYYY-MM-DD, for example 2026-03-02."}


class SprintForm(CreateOnce):
    name = forms.CharField(max_length=SPRINT_NAME_MAX, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    goal = forms.CharField(
        required=False,
        max_length=SPRINT_GOAL_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What this sprint is for, in a sentence.",
    )
    start = forms.DateField(widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"), error_messages=DATE_MESSAGES)
    end = forms.DateField(widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"), error_messages=DATE_MESSAGES)
    allow_overlap = forms.BooleanField(
        required=False,
        label="Overlap anyway",
        help_text="Keep these dates even though another sprint has some of them.",
    )

    def changes(self) -> dict[str, Any]:
        """The cleaned values as service keyword arguments."""
        return {k: v for k, v in self.cleaned_data.items() if k != "token"}

    def show_overlap(self) -> bool:
        return "start" in self.errors and "overlap" in " ".join(str(e) for e in self.errors["start"])

    @classmethod
    def of(cls, sprint: Sprint) -> SprintForm:
        return cls(initial={"name": sprint.name, "goal": sprint.goal, "start": sprint.start, "end": sprint.end})


class CapacityForm(forms.Form):
    """Quanta a day per energy band, one field per band the person has."""

    count_weekends = forms.BooleanField(
        required=False,
        label="Count weekends",
        help_text="Off: available quanta count Monday to Friday only. Tick it if you work weekends too.",
    )

    def __init__(
        self,
        *args: Any,
        bands: Sequence[EnergyBand],
        capacity: dict[str, int],
        count_weekends: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.bands = list(bands)
        self.fields["count_weekends"].initial = count_weekends
        for band in self.bands:
            self.fields[f"capacity_{band.id}"] = forms.IntegerField(
                label=band.name,
                min_value=0,
                max_value=50,
                initial=capacity.get(band.id, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "capacity-input"}),
            )

    def capacity(self) -> dict[str, int]:
        return {b.id: self.cleaned_data[f"capacity_{b.id}"] for b in self.bands}

    def band_fields(self) -> list[forms.BoundField]:
        return [self[f"capacity_{b.id}"] for b in self.bands]


ESTIMATE_MESSAGE = f"An estimate is a whole number of quanta, 1 to {MAX_ESTIMATE}."
# Far more than any sprint holds; the domain checks the real bound (the length of the list).
MAX_POSITION = 10_000


class EstimateForm(forms.Form):
    estimate = forms.IntegerField(
        min_value=1,
        max_value=MAX_ESTIMATE,
        error_messages={key: ESTIMATE_MESSAGE for key in ("required", "invalid", "min_value", "max_value")},
    )


class PositionForm(forms.Form):
    """Where in the sprint's list an item goes (0 is the top); empty means at the end."""

    position = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_POSITION,
        error_messages={
            key: "A position is a place in the sprint's list: 0 for the top, 1 for the next, and so on."
            for key in ("invalid", "min_value", "max_value")
        },
    )


class CloseForm(forms.Form):
    carry_to = forms.ChoiceField(label="Unfinished work goes to", widget=forms.RadioSelect)

    def __init__(self, *args: Any, planned: Sequence[Sprint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("backlog", "The backlog")] + [
            (s.id, f"Sprint “{s.name}” ({s.start:%d %b} – {s.end:%d %b})") for s in planned
        ]
        cast(forms.ChoiceField, self.fields["carry_to"]).choices = choices
        self.fields["carry_to"].initial = planned[0].id if planned else "backlog"
