"""Thread pages: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parallel_you.web import app, owner_of
from threads.domain import BOARD_STATES
from threads.selectors import board_get, profile_get


@require_GET
async def board(request: HttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    board = board_get(repo=adapters.threads, owner=owner)
    profile = profile_get(repo=adapters.profiles, owner=owner)
    columns = [(state, board.columns[state]) for state in BOARD_STATES]
    return render(request, "threads/board.html", {"board": board, "columns": columns, "profile": profile})
