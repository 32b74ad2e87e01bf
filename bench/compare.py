"""Before and after in the same minutes: this tree against another commit, on one busy machine.

`python -m bench.compare REF` exports REF (`git archive`) to a temporary folder, starts one
embedded server from each tree (own data folders, the same seeded 550-thread board), and
interleaves the requests: one board from A, one from B, and so on; then alternating load windows
of `/healthz` and the board. Whatever else runs on the machine slows both alike, so the ratios
hold where absolute figures don't. Prints a table and writes bench/results/compare.md.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import http_load
from bench.deploy import seed_board, sign_up
from bench.report import RESULTS, ROOT, Figure, describe_header, header, table
from bench.stats import summarise
from tests.support.servers import Server, free_port, migrate, server_env


def export(ref: str, into: Path) -> str:
    commit = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True)
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return commit.stdout.strip()


def start(tree: Path, data_dir: Path) -> tuple[Server, dict[str, str]]:
    env = server_env(data_dir, LOG_LEVEL="WARNING")
    migrate(env, cwd=tree)
    port = free_port()
    server = Server(f"http://127.0.0.1:{port}", port, env, data_dir / "server.log", cwd=tree)
    return server.start(), env


def cpu_seconds(server: Server) -> float:
    """CPU time (user + system, every thread) the server process has used so far (Linux /proc)."""
    assert server.process is not None
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare against (before), e.g. main or a hash")
    parser.add_argument("--rounds", type=int, default=150, help="board requests per server, interleaved")
    parser.add_argument("--windows", type=int, default=4, help="load windows per server and path")
    args = parser.parse_args(argv)
    head = header(quick=False, selected=["compare"])
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        before_tree = Path(tmp) / "before"
        before_commit = export(args.ref, before_tree)
        servers: dict[str, Server] = {}
        headers: dict[str, dict[str, str]] = {}
        try:
            for name, tree in (("before", before_tree), ("after", ROOT)):
                data_dir = Path(tmp) / f"data-{name}"
                server, env = start(tree, data_dir)
                servers[name] = server
                person = sign_up(server, data_dir)
                seed_board(env, person.owner)
                headers[name] = person.headers()
            conns = {name: http_load.connect(s.port) for name, s in servers.items()}
            server_ms: dict[str, list[float]] = {name: [] for name in servers}
            cpu_at: dict[str, float] = {}
            for i in range(10 + args.rounds):  # the first 10: warm-up
                if i == 10:
                    cpu_at = {name: cpu_seconds(s) for name, s in servers.items()}
                for name, conn in conns.items():
                    reply = http_load.send(conn, "GET", "/", headers[name])
                    if reply.status != 200:
                        raise RuntimeError(f"{name}: the board answered {reply.status}")
                    if i >= 10 and reply.server_ms is not None:
                        server_ms[name].append(reply.server_ms)
            cpu_per_board = {name: (cpu_seconds(s) - cpu_at[name]) * 1000 / args.rounds for name, s in servers.items()}
            for conn in conns.values():
                conn.close()
            rps: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.windows):
                for path in ("/healthz", "/"):
                    for name, server in servers.items():
                        hdrs = headers[name] if path == "/" else {}
                        window = http_load.load(server.port, path, hdrs, connections=4, duration=3)
                        rps.setdefault((name, path), []).append(window.rps)
        finally:
            for server in servers.values():
                server.stop()

    def ratio(a: list[float], b: list[float]) -> list[float]:
        return [x / y for x, y in zip(a, b, strict=True) if y > 0]

    figures = [
        Figure.of("board server time, before", "ms", server_ms["before"], note=f"{args.ref} = {before_commit[:12]}"),
        Figure.of("board server time, after", "ms", server_ms["after"], note="this tree"),
        Figure.of("board server time, after ÷ before (pairs)", "ratio", ratio(server_ms["after"], server_ms["before"])),
        Figure.of(
            "board CPU per request, before", "ms", [cpu_per_board["before"]], note="server process, every thread"
        ),
        Figure.of("board CPU per request, after", "ms", [cpu_per_board["after"]]),
        Figure.of("healthz req/s, before", "req/s", rps[("before", "/healthz")]),
        Figure.of("healthz req/s, after", "req/s", rps[("after", "/healthz")]),
        Figure.of("board req/s, before", "req/s", rps[("before", "/")]),
        Figure.of("board req/s, after", "req/s", rps[("after", "/")]),
        Figure.of("board ÷ healthz req/s, before", "ratio", ratio(rps[("before", "/")], rps[("before", "/healthz")])),
        Figure.of("board ÷ healthz req/s, after", "ratio", ratio(rps[("after", "/")], rps[("after", "/healthz")])),
    ]
    head["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    text = f"{describe_header(head)}\n\n{table(figures)}\n"
    print(text)
    medians = {n: summarise(v).median for n, v in server_ms.items() if v}
    if len(medians) == 2:
        print(f"board server time median: {medians['before']:.1f} → {medians['after']:.1f} ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "compare.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
