"""Your data: download everything as one JSON file, or add a file's contents to your account.

Importing is two steps bound to one file: the first POST checks the file and shows what it will
add (with the file's SHA-256); the second adds it only if the file sent again has that digest, so
a person confirms exactly what is imported. With htmx the file input keeps its file between the
steps (`hx-preserve`); without JavaScript the person chooses the file again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.portability import (
    ImportPlan,
    ImportRefused,
    pace_repos,
    person_export,
    person_import,
    person_import_plan,
)
from parallel_you.bootstrap import current_adapters
from parallel_you.domain import DomainError
from parallel_you.htmx import HtmxHttpRequest, page_or_fragment, refused_status
from parallel_you.web import owner_of

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Export file (.json)",
        error_messages={"required": "Choose a file exported from Parallel You.", "empty": "That file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json", "hx-preserve": "true"}),
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            limit = filesizeformat(MAX_IMPORT_BYTES)
            raise forms.ValidationError(f"That file is over {limit}: is it a Parallel You export?")
        data: bytes = upload.read()
        return data


def _page(
    request: HtmxHttpRequest, form: ImportForm, *, plan: ImportPlan | None = None, refused: bool = False
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "plan": plan}
    template = page_or_fragment(request, "accounts/data.html", "accounts/_import.html")
    return render(request, template, context, status=refused_status(request) if refused else 200)


@require_GET
async def data_page(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request, ImportForm(auto_id="import-%s"))


@require_GET
async def data_export(request: HttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    export = person_export(**adapters.stores(), **pace_repos(adapters), owner=owner)
    user = await request.auser()
    name = f"parallel-you-{user.get_username()}-{timezone.now():%Y-%m-%d}.json"
    response = HttpResponse(export.model_dump_json(indent=1), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
async def data_import(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    form = ImportForm(request.POST, request.FILES, auto_id="import-%s")
    if not form.is_valid():
        return _page(request, form, refused=True)
    data: bytes = form.cleaned_data["file"]
    digest = hashlib.sha256(data).hexdigest()
    try:
        if form.cleaned_data["digest"] != digest:
            # First look at this file (or another file than the one confirmed): show what it adds.
            plan = person_import_plan(**adapters.stores(), **pace_repos(adapters), owner=owner, data=data)
            shown = ImportForm(initial={"digest": digest}, auto_id="import-%s")
            return _page(request, shown, plan=plan)
        plan = await person_import(
            **adapters.stores(),
            **pace_repos(adapters),
            bus=adapters.bus,
            owner=owner,
            data=data,
            scheduler=adapters.scheduler,
            break_timer=adapters.break_timer,
        )
    except ImportRefused as exc:
        for problem in exc.problems:
            form.add_error("file", problem)
        return _page(request, form, refused=True)
    except DomainError as exc:
        form.add_error("file", exc.message)
        return _page(request, form, refused=True)
    counts = plan.counts
    messages.success(
        request,
        f"Imported {counts['threads']} thread{'s' if counts['threads'] != 1 else ''} and "
        f"{counts['sprints']} sprint{'s' if counts['sprints'] != 1 else ''}.",
    )
    url = reverse("account_data")
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
