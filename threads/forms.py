"""The widgets' validation: shapes and bounds a person can fix in place before any service runs.

The domain checks again (and has the last word); its `InvalidValue` errors are put back on these
forms with `add_domain_errors` so every message appears next to its field.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, cast

from django import forms

from threads.domain import (
    DEFAULT_QUANTUM,
    MAX_DAILY_CAP,
    MAX_QUANTUM,
    MIN_QUANTUM,
    NOTES_MAX,
    TITLE_MAX,
    EnergyBand,
    Kind,
    Thread,
)

QUANTUM_MESSAGE = f"A quantum is {MIN_QUANTUM} to {MAX_QUANTUM} minutes."
KIND_CHOICES = [(k.value, k.label) for k in Kind]


_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_TOKEN_NAMESPACE = uuid.UUID("0b5e4f0e-8d1c-4f57-9a3e-6d2f1c7b9a10")


class UncutCharField(forms.CharField):
    """A CharField whose input carries no `maxlength`: a browser silently cuts pasted text at it,
    so a too-long title is sent whole and refused with a message instead."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class CreateOnce(forms.Form):
    """A create form with a token per render (a hidden field): the same token sent twice (a double
    click, a retry after a slow network) names the same new document, so it is made once.

    The token becomes the new document's id (per person), so the check is the repo's own and holds
    across web processes; a missing or malformed token creates as usual."""

    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["token"].initial = uuid.uuid4().hex

    def created_id(self, owner: str) -> str | None:
        """The id the document this submission creates gets, or None without a usable token."""
        token = self.cleaned_data.get("token") or ""
        if not _TOKEN.match(token):
            return None
        return uuid.uuid5(_TOKEN_NAMESPACE, f"{owner}:{token}").hex


class ThreadForm(CreateOnce):
    """Create (with `kind`) or edit (without) a saga, story or task."""

    kind = forms.ChoiceField(choices=KIND_CHOICES, initial=Kind.TASK.value)
    title = UncutCharField(
        max_length=TITLE_MAX,
        error_messages={
            "required": "Give it a title.",
            "max_length": f"Keep the title to {TITLE_MAX} characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "What is it?"}),
    )
    parent_id = forms.ChoiceField(required=False, label="Saga")
    energy_band = forms.ChoiceField(label="Energy band")
    quantum = forms.IntegerField(
        label="Quantum (minutes)",
        min_value=MIN_QUANTUM,
        max_value=MAX_QUANTUM,
        initial=DEFAULT_QUANTUM,
        error_messages={
            "required": QUANTUM_MESSAGE,
            "invalid": QUANTUM_MESSAGE,
            "min_value": QUANTUM_MESSAGE,
            "max_value": QUANTUM_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    notes = UncutCharField(
        required=False,
        max_length=NOTES_MAX,
        error_messages={"max_length": f"Keep the notes to {NOTES_MAX} characters or fewer."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        bands: list[EnergyBand],
        sagas: list[Thread],
        thread: Thread | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.thread = thread
        cast(forms.ChoiceField, self.fields["energy_band"]).choices = [(b.id, b.name) for b in bands]
        self.fields["energy_band"].initial = bands[0].id
        cast(forms.ChoiceField, self.fields["parent_id"]).choices = [("", "— none —")] + [
            (s.id, s.title) for s in sagas if thread is None or s.id != thread.id
        ]
        self.fields["parent_id"].error_messages["invalid_choice"] = "Choose one of your sagas."
        self.fields["energy_band"].error_messages["invalid_choice"] = "Choose one of your energy bands."
        if thread is not None:
            del self.fields["kind"]
            del self.fields["token"]
            if thread.kind is Kind.SAGA:
                del self.fields["parent_id"]

    @property
    def kind_value(self) -> Kind:
        if self.thread is not None:
            return self.thread.kind
        return Kind(self.cleaned_data.get("kind") or self.data.get("kind") or Kind.TASK.value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.kind_value if "kind" not in self.errors else None
        if "parent_id" in data:
            data["parent_id"] = data["parent_id"] or None
            if kind is Kind.SAGA:
                data["parent_id"] = None
            elif kind is Kind.STORY and not data["parent_id"]:
                self.add_error("parent_id", "A story belongs to a saga: choose one.")
        return data

    def changes(self) -> dict[str, Any]:
        """The cleaned values as service keyword arguments."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("kind", "token")}

    def creates(self, owner: str) -> dict[str, Any]:
        """What a create submission asks for, as `thread_create` keyword arguments."""
        return {"kind": self.kind_value, "thread_id": self.created_id(owner), **self.changes()}


class MinutesForm(forms.Form):
    """Minutes to add to a running quantum."""

    minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTUM,
        error_messages={
            key: f"Add 1 to {MAX_QUANTUM} minutes." for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class QuantumForm(forms.Form):
    """A thread's quantum, chosen from a suggestion."""

    minutes = forms.IntegerField(
        min_value=MIN_QUANTUM,
        max_value=MAX_QUANTUM,
        error_messages={key: QUANTUM_MESSAGE for key in ("required", "invalid", "min_value", "max_value")},
    )


class BlockForm(forms.Form):
    blocked_by = forms.MultipleChoiceField(
        required=False, label="Blocked by", widget=forms.CheckboxSelectMultiple, help_text="Your own threads."
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. waiting for the editor's reply"}),
        error_messages={"max_length": "Keep the note to 2000 characters or fewer."},
    )

    def __init__(self, *args: Any, choices: list[Thread], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["blocked_by"]).choices = [
            (t.id, f"{t.title} ({t.kind.label}, {t.state.label})") for t in choices
        ]
        self.fields["blocked_by"].error_messages["invalid_choice"] = "Choose from your own threads."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("blocked_by") and not (data.get("note") or "").strip():
            self.add_error("blocked_by", "Say what blocks it: choose threads, write a note, or both.")
        return data

    # The domain keys the note's error as "blocked_note"; show it on the note field.
    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error("note" if field == "blocked_note" else field, error)


class EnergyBandForm(forms.Form):
    name = forms.CharField(
        max_length=40,
        error_messages={"required": "Give the band a name.", "max_length": "Keep it to 40 characters or fewer."},
    )
    colour = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#64748b",
        error_messages={"invalid": "A colour is written #rrggbb, for example #4f46e5.", "required": "Pick a colour."},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    daily_cap = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DAILY_CAP,
        label="Daily cap (minutes)",
        help_text="Focused minutes a day, at most. Empty: no cap.",
        error_messages={
            "invalid": f"Write the cap as whole minutes (1 to {MAX_DAILY_CAP}), or leave it empty for no cap.",
            "min_value": f"A daily cap is 1 to {MAX_DAILY_CAP} minutes, or empty for no cap.",
            "max_value": f"A daily cap is 1 to {MAX_DAILY_CAP} minutes (a whole day), or empty for no cap.",
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_DAILY_CAP, "step": 1, "placeholder": "no cap"}),
    )


class EnergyBandRemoveForm(forms.Form):
    move_to = forms.ChoiceField(required=False, label="Move its threads to")

    def __init__(self, *args: Any, bands: list[EnergyBand], removing: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["move_to"]).choices = [(b.id, b.name) for b in bands if b.id != removing]
        self.fields["move_to"].error_messages["invalid_choice"] = "Choose one of your other energy bands."

    def clean_move_to(self) -> str | None:
        """The band its threads move to; None (nothing chosen) when no thread uses it."""
        return self.cleaned_data["move_to"] or None
