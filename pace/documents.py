"""The pace app's stored documents: a person's break policy, their breaks, skips and what was announced."""

from __future__ import annotations

from pace.domain import Break, PaceMarks, PaceSettings, Skip
from parallel_you.documents import Collection
from parallel_you.repo import Codec

PACE_SETTINGS = Collection("pace_settings", Codec.pydantic(PaceSettings), ())
BREAKS = Collection("breaks", Codec.pydantic(Break), (("started_at",), ("ended_at",)))
SKIPS = Collection("skips", Codec.pydantic(Skip), (("at",),))
PACE_MARKS = Collection("pace_marks", Codec.pydantic(PaceMarks), ())
