"""The runner: pick benchmarks, run each (an exception is reported, not fatal), print and save."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.report import Figure, describe_header, header, notes, table, write


@dataclass
class Context:
    quick: bool

    def log(self, message: str) -> None:
        print(f"  · {message}", file=sys.stderr, flush=True)


Benchmark = Callable[[Context], list[Figure]]


def registry() -> dict[str, tuple[Benchmark, str]]:
    from bench import browser, embedded, expiry, floor, live, loop, profile, repos

    return {
        "floor": (floor.run, "req/s of /healthz and a logged-in page: ASGI (uvicorn) vs WSGI (gunicorn), bare ASGI"),
        "board": (embedded.run_board, "board page and requests/s vs /healthz (embedded)"),
        "state": (embedded.run_state_change, "an HTMX state-change POST end to end (embedded)"),
        "live": (live.run, "live update to 200 sockets over 2 web processes (RabbitMQ), and the AMQP floor"),
        "expiry": (expiry.run, "quantum expiry lateness (embedded and distributed)"),
        "repo": (repos.run, "repo get/upsert/list per backend at 10,000 documents"),
        "loop": (loop.run, "WebSocket ping while 20 boards load on a 50 ms store (the event loop stays free)"),
        "browser": (browser.run, "park/unpark in Chromium, click to frame: changed parts vs whole region"),
        "profile": (profile.run, "profile the board view with pyinstrument (writes bench/results/profile-*)"),
    }


DEFAULT = ("floor", "board", "state", "live", "expiry", "repo", "loop")


def main(argv: Sequence[str] | None = None) -> int:
    benchmarks = registry()
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the Parallel You benchmarks.")
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME]",
        help=f"run only these ({', '.join(benchmarks)}); default: {', '.join(DEFAULT)}",
    )
    parser.add_argument("--quick", action="store_true", help="fewer samples: a smoke run well under a minute")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (_, about) in benchmarks.items():
            print(f"{name:8} {about}")
        return 0
    selected = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else list(DEFAULT)
    unknown = [n for n in selected if n not in benchmarks]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(benchmarks)}")

    logging.basicConfig(level=logging.WARNING)
    ctx = Context(quick=args.quick)
    head = header(quick=args.quick, selected=selected)
    figures: list[Figure] = []
    failed: list[str] = []
    started = time.monotonic()
    for name in selected:
        run, about = benchmarks[name]
        print(f"[{name}] {about}", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        try:
            figures += run(ctx)
        except Exception as exc:
            traceback.print_exc()
            failed.append(name)
            figures.append(Figure(f"{name}: failed", "-", not_run=f"{type(exc).__name__}: {exc}"[:200]))
        print(f"[{name}] {time.monotonic() - t0:.1f} s", file=sys.stderr, flush=True)
    head["duration_s"] = round(time.monotonic() - started, 1)
    head["load_average_end"] = [round(x, 2) for x in os.getloadavg()]

    json_path, md_path = write(head, figures)
    print()
    print(describe_header(head))
    print()
    print(table(figures))
    if notes(figures):
        print("\nNotes:\n" + notes(figures))
    misses = [f for f in figures if any(t.kind == "target" for t in f.misses)]
    print()
    if misses:
        print(f"MISSED TARGETS ({len(misses)}): " + "; ".join(f"{f.name} ({f.verdict})" for f in misses))
    elif not failed:
        print("Every measured figure meets its target.")
    if failed:
        print(f"FAILED TO RUN: {', '.join(failed)} (see the tracebacks above)")
    print(f"Took {head['duration_s']:.0f} s. Wrote {json_path.relative_to(json_path.parents[2])} and {md_path.name}.")
    # Timings never fail the run; a benchmark that could not run does.
    return 1 if failed else 0
