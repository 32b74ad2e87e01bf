from typing import Any

import pytest


@pytest.mark.django_db
def test_health_check_needs_no_login_and_reports_server_time(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Server-Timing"].startswith("app;dur=")
