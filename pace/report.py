"""The pace report: focused minutes per day by band, days over a cap, and a verdict (pure)."""

from __future__ import annotations
