"""Figures, targets and verdicts, and the two outputs: a readable table and one JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bench.stats import Summary, summarise

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

Statistic = Literal["median", "p95", "p99"]
_LABEL = {"median": "p50", "p95": "p95", "p99": "p99"}


@dataclass(frozen=True)
class Target:
    """`statistic op value`, e.g. p95 <= 50 ms. A `goal` is aspirational; a `target` must be met."""

    statistic: Statistic
    op: Literal["<=", ">="]
    value: float
    kind: Literal["target", "goal"] = "target"

    def met(self, summary: Summary) -> bool:
        actual = summary.get(self.statistic)
        return actual <= self.value if self.op == "<=" else actual >= self.value

    def describe(self) -> str:
        op = "≤" if self.op == "<=" else "≥"
        text = f"{_LABEL[self.statistic]} {op} {self.value:g}"
        return text if self.kind == "target" else f"goal {text}"

    def as_dict(self) -> dict[str, Any]:
        return {"statistic": self.statistic, "op": self.op, "value": self.value, "kind": self.kind}


@dataclass
class Figure:
    """One measured quantity: its samples' summary, its targets, and what to say about it."""

    name: str
    unit: str
    summary: Summary | None = None
    targets: tuple[Target, ...] = ()
    note: str = ""
    not_run: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, unit: str, samples: Sequence[float], targets: Iterable[Target] = (), **kw: Any) -> Figure:
        if not samples:
            return cls(name, unit, targets=tuple(targets), not_run="no samples", **kw)
        return cls(name, unit, summarise(samples), tuple(targets), **kw)

    @property
    def misses(self) -> list[Target]:
        if self.summary is None:
            return []
        return [t for t in self.targets if not t.met(self.summary)]

    @property
    def verdict(self) -> str:
        if self.summary is None:
            return f"not run: {self.not_run}"
        if not self.targets:
            return "-"
        hard = [t for t in self.misses if t.kind == "target"]
        soft = [t for t in self.misses if t.kind == "goal"]
        if hard:
            return "** MISS ** " + ", ".join(t.describe() for t in hard)
        if soft:
            return "ok (below " + ", ".join(t.describe() for t in soft) + ")"
        return "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "summary": None if self.summary is None else self.summary.as_dict(),
            "targets": [t.as_dict() for t in self.targets],
            "verdict": self.verdict,
            "missed": [t.describe() for t in self.misses],
            "note": self.note,
            "not_run": self.not_run,
            **({"extra": self.extra} if self.extra else {}),
        }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def header(*, quick: bool, selected: Sequence[str]) -> dict[str, Any]:
    import django

    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        # Other work on the machine slows every figure: say how busy it was when the run began.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(dirty and dirty != "unknown"),
        "quick": quick,
        "benchmarks": list(selected),
        "argv": sys.argv[1:],
    }


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(figures: Sequence[Figure]) -> str:
    """A Markdown table that also reads well in a terminal."""
    head = ["figure", "unit", "median", "p95", "p99", "n", "target", "verdict"]
    rows = []
    for f in figures:
        s = f.summary
        nums = ["", "", "", ""] if s is None else [_fmt(s.median), _fmt(s.p95), _fmt(s.p99), str(s.n)]
        target = ", ".join(t.describe() for t in f.targets) or "-"
        rows.append([f.name, f.unit, *nums, target, f.verdict])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    right = {2, 3, 4, 5}

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(head), rule, *(line(r) for r in rows)])


def notes(figures: Sequence[Figure]) -> str:
    return "\n".join(f"- {f.name}: {f.note}" for f in figures if f.note)


def describe_header(head: dict[str, Any]) -> str:
    commit = head["git_commit"][:12] + (" (with uncommitted changes)" if head["git_dirty"] else "")
    mode = "quick" if head["quick"] else "full"
    return (
        f"{head['when']} · {head['cores']} cores ({head['machine']}, {head['system']}), "
        f"load {head['load_average'][0]:.1f} at start"
        + (f", {head['load_average_end'][0]:.1f} at end" if "load_average_end" in head else "")
        + " · "
        f"Python {head['python']} · Django {head['django']} · commit {commit} · {mode} run"
    )


def write(head: dict[str, Any], figures: Sequence[Figure], *, results: Path = RESULTS) -> tuple[Path, Path]:
    results.mkdir(parents=True, exist_ok=True)
    json_path = results / "latest.json"
    md_path = results / "latest.md"
    json_path.write_text(
        json.dumps({"header": head, "figures": [f.as_dict() for f in figures]}, indent=2, ensure_ascii=False) + "\n"
    )
    text = f"{describe_header(head)}\n\n{table(figures)}\n"
    if notes(figures):
        text += f"\nNotes:\n{notes(figures)}\n"
    md_path.write_text(text)
    return json_path, md_path
