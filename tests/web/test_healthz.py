import re
from typing import Any

import pytest


@pytest.mark.django_db
def test_health_check_needs_no_login_and_reports_server_time(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert re.fullmatch(r"app;dur=[0-9.]+, cpu;dur=[0-9.]+", response["Server-Timing"])


def test_the_live_paused_trigger_joins_any_the_view_set() -> None:
    import json

    from parallel_you.middleware import with_trigger

    assert with_trigger(None, "b") == "b"
    assert with_trigger("a", "b") == "a, b"
    assert json.loads(with_trigger('{"a": {"x": 1}}', "b")) == {"a": {"x": 1}, "b": True}
