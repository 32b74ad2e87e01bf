"""Order statistics for benchmark samples: median, p95 and p99 with linear interpolation.

Linear interpolation between the two nearest ranks (numpy's default, Hyndman & Fan type 7) so
that a percentile of a small sample is still a value between two observations rather than a jump
to the maximum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0 <= q <= 100) of `samples`, which need not be sorted."""
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, not {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    p95: float
    p99: float
    mean: float
    min: float
    max: float

    def get(self, statistic: str) -> float:
        return float(getattr(self, statistic))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(samples: Iterable[float]) -> Summary:
    values = sorted(float(s) for s in samples)
    if not values:
        raise ValueError("no samples to summarise")
    return Summary(
        n=len(values),
        median=percentile(values, 50),
        p95=percentile(values, 95),
        p99=percentile(values, 99),
        mean=sum(values) / len(values),
        min=values[0],
        max=values[-1],
    )
