"""Where the time goes: pyinstrument profiles of the board view and of a web process's live fan-out.

- The board view and a state change (quantum start/stop), in-process through Django's AsyncClient
  (no network, no server), on the board benchmark's 550 threads:
  `bench/results/profile-board.{txt,html}`, `bench/results/profile-state-change.{txt,html}`.
- A web process serving the live benchmark's sockets, run under `python -m pyinstrument` while
  POSTs fan out to its 100 sockets: `bench/results/profile-live-web.{txt,html}`.

Not in the default run (profiling slows what it watches); `python -m bench --only profile`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import RESULTS, Figure
from bench.runner import Context
from tests.support.servers import ROOT, server_env


def profile_views(ctx: Context) -> list[Figure]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        env = server_env(Path(tmp), LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="parallel_you.settings")
        done = subprocess.run(
            [sys.executable, "-m", "bench._profile_views", str(RESULTS), "8" if ctx.quick else "24"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"profiling the board failed:\n{done.stderr[-3000:]}")
    timings = json.loads(done.stdout.strip().splitlines()[-1])
    where = RESULTS.relative_to(ROOT)
    ctx.log(f"wrote {where}/profile-board.* and {where}/profile-state-change.*")
    return [
        Figure.of(
            "board view in-process (AsyncClient)",
            "ms",
            timings["board_ms"],
            note=f"no server, no network; profile in {where}/profile-board.txt",
        ),
        Figure.of(
            "state change in-process (AsyncClient)",
            "ms",
            timings["state_ms"],
            note=f"start/stop, HTMX; profile in {where}/profile-state-change.txt",
        ),
    ]


def run(ctx: Context) -> list[Figure]:
    from bench import live

    figures = profile_views(ctx)
    figures += live.run(ctx, profile_b=RESULTS / "profile-live-web")
    return figures
