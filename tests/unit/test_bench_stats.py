"""The benchmark's statistics and verdicts: percentiles by linear interpolation, targets met or missed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.http_load import server_time
from bench.report import Figure, Target, table
from bench.stats import percentile, summarise


def test_percentiles_interpolate_between_the_nearest_ranks() -> None:
    samples = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(samples, 0) == 10.0
    assert percentile(samples, 50) == 30.0
    assert percentile(samples, 100) == 50.0
    assert percentile(samples, 95) == pytest.approx(48.0)  # rank 3.8: 40 + 0.8 * 10
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)  # unsorted input


def test_a_single_sample_is_every_percentile() -> None:
    summary = summarise([7.0])
    assert (summary.n, summary.median, summary.p95, summary.p99, summary.min, summary.max) == (1, 7, 7, 7, 7, 7)


def test_no_samples_or_a_bad_q_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=200))
def test_percentiles_are_ordered_and_within_the_samples(samples: list[float]) -> None:
    s = summarise(samples)
    assert s.min <= s.median <= s.p95 <= s.p99 <= s.max
    assert s.min == min(samples) and s.max == max(samples)


def test_a_missed_target_is_marked_and_a_missed_goal_is_not_a_miss() -> None:
    slow = Figure.of("board", "ms", [10.0] * 90 + [80.0] * 10, [Target("p95", "<=", 50)])
    assert [t.describe() for t in slow.misses] == ["p95 ≤ 50"]
    assert slow.verdict.startswith("** MISS **")
    low = Figure.of("ratio", "ratio", [0.2, 0.25], [Target("median", ">=", 0.3, kind="goal")])
    assert low.verdict == "ok (below goal p50 ≥ 0.3)"
    fast = Figure.of("state", "ms", [5.0, 6.0], [Target("p95", "<=", 30)])
    assert fast.verdict == "ok"


def test_a_figure_without_samples_says_why_it_was_not_run() -> None:
    figure = Figure("expiry", "ms", targets=(Target("p99", "<=", 1000),), not_run="not on main yet")
    assert figure.summary is None and figure.misses == []
    assert figure.verdict == "not run: not on main yet"
    assert "not run: not on main yet" in table([figure])


def test_server_time_is_read_from_the_server_timing_header() -> None:
    assert server_time("app;dur=12.34") == 12.34
    assert server_time("db;dur=1, app;dur=0.5") == 0.5
    assert server_time(None) is None and server_time("app") is None


def test_server_timing_gives_wall_and_cpu_time() -> None:
    from bench.http_load import server_cpu

    header = "app;dur=12.50, cpu;dur=9.25"
    assert server_time(header) == 12.5 and server_cpu(header) == 9.25
    assert server_cpu("app;dur=3") is None
