"""A person's whole data over `/api/v1/`: the export document, and importing one.

The same services as the Your data page (accounts/portability.py): `GET /export` answers the very
JSON the page downloads; `POST /import` takes that document as the body. `?dry_run=true` checks
and plans without writing; a refused file is a 422 whose `details.problems` name each problem's
place, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from accounts.portability import (
    ImportPlan,
    ImportRefused,
    PersonExport,
    pace_repos,
    person_export,
    person_import,
    person_import_plan,
)
from parallel_you.api_support import ERRORS, READ_ERRORS, ApiError, Error, adapters, call, owner_of

router = Router(tags=["your data"])


@router.get(
    "/export",
    response={200: PersonExport, **READ_ERRORS},
    summary="Everything of yours as one versioned JSON document (the Your data page's download)",
)
async def data_export(request: HttpRequest) -> HttpResponse:
    a = adapters()
    export = person_export(**a.stores(), **pace_repos(a), owner=owner_of(request))
    response = HttpResponse(export.model_dump_json(indent=1), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class ImportOut(Schema):
    dry_run: bool = Field(description="True: checked and planned, nothing written")
    counts: dict[str, int] = Field(
        description="What the import adds (or would add): threads, sessions, sprints, pace_settings, breaks, skips, …"
    )
    remapped: int = Field(description="Ids already taken in this store, given new ones (references follow)")
    clashing: int = Field(description="The file's documents among the remapped ids")
    bands_added: list[str] = Field(description="Energy bands the file adds to your profile")


def _out(plan: ImportPlan, *, dry_run: bool) -> ImportOut:
    return ImportOut(
        dry_run=dry_run,
        counts=plan.counts,
        remapped=len(plan.remapped),
        clashing=plan.clashing,
        bands_added=list(plan.bands_added),
    )


IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "An export document, as `GET /api/v1/export` answers it.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post(
    "/import",
    response={200: ImportOut, 413: Error, **ERRORS},
    summary="Add an export document to your account (dry_run: only check and count)",
    openapi_extra=IMPORT_BODY,
)
async def data_import(request: HttpRequest, dry_run: bool = False) -> ImportOut:
    # The raw body, not a parsed schema: the import's own reader names a truncated or broken file's
    # problem and place, as on the page.
    try:
        data = request.body
    except RequestDataTooBig:
        raise ApiError(413, "too_large", "That document is too large to import over the API.") from None
    a = adapters()
    try:
        if dry_run:
            plan = person_import_plan(**a.stores(), **pace_repos(a), owner=owner_of(request), data=data)
        else:
            plan = await call(
                request,
                person_import,
                uses=("threads", "sprints", "profiles", "scheduler"),
                break_timer=a.break_timer,
                **pace_repos(a),
                data=data,
            )
    except ImportRefused as exc:
        raise ApiError(422, "import_refused", exc.message, details={"problems": exc.problems}) from None
    return _out(plan, dry_run=dry_run)
