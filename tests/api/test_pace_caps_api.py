"""Daily caps over the API: a start past the cap carries the warning on its run; in strict mode it
is refused with the same words as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from pace.domain import PaceSettings
from parallel_you.bootstrap import Adapters
from parallel_you.service_layer import save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_wednesday")]


def test_a_start_past_the_cap_warns_and_strict_mode_refuses(api: Any, adapters: Adapters, person: Any) -> None:
    assert api.patch("/energy-bands/deep", {"daily_cap": 20}).status_code == 200
    first = api.post("/threads", {"kind": "task", "title": "One", "energy_band": "deep", "quantum": 25}).json()
    started = api.post(f"/threads/{first['id']}/quantum/start", {})
    assert started.status_code == 200
    assert started.json()["run"]["cap_warning"] == (
        "This 25-minute quantum takes Deep past its daily cap: 0 of 20 minutes used today, 25 after it."
    )
    assert api.post(f"/threads/{first['id']}/quantum/stop", {}).status_code == 200
    save(adapters.pace_settings, PaceSettings(id=str(person.pk), owner=str(person.pk), strict=True))
    refused = api.post(f"/threads/{first['id']}/quantum/start", {})
    assert refused.status_code == 422
    assert "Strict mode is on, so it wasn't started" in str(refused.json())
    assert adapters.threads.get(first["id"]).run is None  # type: ignore[union-attr]
