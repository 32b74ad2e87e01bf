from typing import Any

import pytest


@pytest.mark.django_db
def test_health_check_needs_no_login_and_reports_server_time(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Server-Timing"].startswith("app;dur=")


def test_live_paused_is_an_htmx_trigger_added_to_the_views_own(rf: Any, adapters: Any) -> None:
    import json

    from django.http import HttpResponse
    from django_htmx.http import trigger_client_event

    from parallel_you.middleware import LivePausedMiddleware

    class HeldBack:
        """The bus port while the broker is away: everything else as the in-memory bus."""

        paused = True

    def view(request: Any) -> HttpResponse:
        return trigger_client_event(HttpResponse("ok"), "parallel-you:changed", {"id": "1"})

    middleware = LivePausedMiddleware(view)
    assert json.loads(middleware(rf.post("/"))["HX-Trigger"]) == {"parallel-you:changed": {"id": "1"}}
    adapters.bus = HeldBack()
    triggers = json.loads(middleware(rf.post("/"))["HX-Trigger"])
    assert triggers == {"parallel-you:changed": {"id": "1"}, "parallel-you:live-paused": {}}
