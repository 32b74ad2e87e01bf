"""The `parallel-you` terminal client, run for real (a subprocess) against a real server.

A change made in the terminal shows on a board open in Chromium, and a change made in the browser
shows in `parallel-you watch`, down to the time's-up at the server's deadline.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.e2e.test_board import card
from tests.support.cli import Cli, api_call, issue_token
from tests.support.http import WebClient
from tests.support.servers import ONE_SECOND_MINUTES, Server, free_port

TIMEOUT = 5_000


@pytest.fixture
def server_settings() -> dict[str, str]:
    return ONE_SECOND_MINUTES  # a "minute" of one second: quanta run out in seconds


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "config")


def logged_in(cli: Cli, server: Server, username: str = "ada") -> WebClient:
    web = WebClient(server.url)
    web.sign_up(username)
    cli.run("login", "--url", server.url, "--token", issue_token(web))
    return web


def test_login_saves_the_token_for_the_user_only_and_commands_work(cli: Cli, server: Server) -> None:
    logged_in(cli, server)
    config = cli.home / "parallel-you" / "config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    added = cli.json("add", "Write the report", "--quantum", "30")
    assert added["title"] == "Write the report" and added["quantum"] == 30
    short = added["id"][:8]
    listing = cli.run("ls").stdout
    assert "Ready (1)" in listing and short in listing and "Write the report" in listing
    assert cli.json("start", short, "--minutes", "10")["state"] == "running"
    assert cli.json("pause", short)["run"]["paused_at"] is not None
    assert cli.json("resume", short)["run"]["paused_at"] is None
    assert cli.json("extend", short, "--minutes", "5")["run"]["planned_minutes"] == 15
    stopped = cli.json("stop", short, "--then", "parked", "--outcome", "completed")
    assert stopped["state"] == "parked" and stopped["sessions"][-1]["outcome"] == "completed"
    assert "completed" in cli.run("history", short).stdout
    assert cli.json("unpark", short)["state"] == "ready"
    assert cli.json("block", short, "--note", "waiting for numbers")["state"] == "blocked"
    assert cli.json("done", short)["state"] == "done"
    assert [t["id"] for t in cli.json("ls", "--state", "done")] == [added["id"]]
    assert cli.json("edit", short, "--title", "Report, written")["title"] == "Report, written"


def test_sprint_shows_the_active_sprint_and_its_capacity(cli: Cli, server: Server) -> None:
    web = WebClient(server.url)
    web.sign_up("ada")
    token = issue_token(web)
    cli.run("login", "--url", server.url, "--token", token)
    task = cli.json("add", "Plan the garden", "--estimate", "3")
    body = {"name": "Spring", "goal": "Beds dug", "start": "2030-03-04", "end": "2030-03-15", "capacity": {"deep": 2}}
    sprint = api_call(server, token, "POST", "/sprints", body)
    api_call(server, token, "POST", f"/sprints/{sprint['id']}/items", {"thread_id": task["id"]})
    api_call(server, token, "POST", f"/sprints/{sprint['id']}/start", {})
    shown = cli.run("sprint").stdout
    assert "Spring (2030-03-04 – 2030-03-15): Beds dug" in shown and "1 stories and tasks, 10 working days" in shown
    deep = next(line for line in shown.splitlines() if "Deep" in line)
    assert [cell.strip() for cell in deep.split("│")[1:-1]] == ["Deep", "2", "20", "3", ""], shown
    as_json = cli.json("sprint")
    assert as_json["sprint"]["id"] == sprint["id"]
    rows = {r["band"]["id"]: r for r in as_json["capacity"]["rows"]}
    assert (rows["deep"]["available"], rows["deep"]["planned"]) == (20, 3)


def test_pace_shows_the_fatigue_clock_and_todays_use_per_band(cli: Cli, server: Server) -> None:
    logged_in(cli, server)
    idle = cli.run("pace").stdout
    assert "Focus: 0 of 90 minutes since the last break" in idle and "the clock stands still" in idle
    deep = next(line for line in idle.splitlines() if "Deep" in line)
    assert [cell.strip() for cell in deep.split("│")[1:-1]] == ["Deep", "0", "", "", ""], idle
    task = cli.json("add", "Write the report", "--quantum", "30")
    cli.json("start", task["id"][:8])
    clock = cli.json("pace")
    assert clock["running"] is True and clock["focus_budget"] == 90 and clock["reached_at"] is not None
    assert "a break is due at" in cli.run("pace").stdout


def test_errors_are_one_clear_line_never_a_traceback(cli: Cli, server: Server, tmp_path: Path) -> None:
    not_yet = cli.run("ls", check=False)
    assert not_yet.returncode == 3 and "Not logged in" in not_yet.stderr
    bad = cli.run("login", "--url", server.url, "--token", "pyat_wrong", check=False)
    assert bad.returncode == 3 and "refused the token" in bad.stderr
    logged_in(cli, server)
    missing = cli.run("done", "ffffffff", check=False)
    assert missing.returncode == 4 and "No thread's id starts with" in missing.stderr
    added = cli.json("add", "Taxes")
    invalid = cli.run("edit", added["id"], "--quantum", "1000", check=False)
    assert invalid.returncode == 2 and "A quantum is 1 to 240 minutes." in invalid.stderr
    no_sprint = cli.run("sprint", check=False)
    assert no_sprint.returncode == 4 and "No sprint is active" in no_sprint.stderr
    down = Cli(cli.home)
    down.env["PARALLEL_YOU_URL"] = f"http://127.0.0.1:{free_port()}"
    unreachable = down.run("ls", check=False)
    assert unreachable.returncode == 7 and "Can't reach the server" in unreachable.stderr
    for done in (not_yet, bad, missing, invalid, no_sprint, unreachable):
        assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.chromium
def test_a_change_in_the_terminal_shows_on_the_open_board(context: Any, cli: Cli, server: Server) -> None:
    page = context.new_page()
    username = sign_up(page)
    expect(page.locator("body[data-live=open]")).to_be_attached(timeout=TIMEOUT)
    web = WebClient(server.url)
    web.log_in(username)
    cli.run("login", "--url", server.url, "--token", issue_token(web))

    added = cli.json("add", "Typed in a terminal")
    expect(card(page, "ready", "Typed in a terminal")).to_be_visible(timeout=TIMEOUT)
    cli.run("park", added["id"][:8])
    expect(card(page, "parked", "Typed in a terminal")).to_be_visible(timeout=TIMEOUT)


@pytest.mark.chromium
def test_a_change_in_the_browser_shows_in_watch_until_times_up(context: Any, cli: Cli, server: Server) -> None:
    page = context.new_page()
    username = sign_up(page)
    web = WebClient(server.url)
    web.log_in(username)
    cli.run("login", "--url", server.url, "--token", issue_token(web))
    added = cli.json("add", "Started in the browser", "--quantum", "5")
    # A stand-in for notify-send that records the desktop notification it was asked for.
    bin_dir, notified = cli.home / "bin", cli.home / "notified.txt"
    bin_dir.mkdir()
    (bin_dir / "notify-send").write_text(f'#!/bin/sh\necho "$@" >> {notified}\n')
    (bin_dir / "notify-send").chmod(0o755)
    cli.env["PATH"] = f"{bin_dir}:{cli.env.get('PATH', '/usr/bin:/bin')}"
    watch = cli.watch()
    try:
        watch.wait_for(lambda line: line["type"] == "idle")
        page.goto("/")
        card(page, "ready", "Started in the browser").get_by_role("button", name="Start").click()
        running = watch.wait_for(lambda line: line["type"] == "running")
        assert running["thread_id"] == added["id"] and running["deadline"]
        assert 0 < running["remaining_seconds"] <= 5
        expired = watch.wait_for(lambda line: line["type"] == "expired", timeout=15)
        assert expired["thread_id"] == added["id"]
        assert notified.read_text() == "Parallel You Time's up: Started in the browser\n"
        assert watch.process.poll() is None  # still watching
    finally:
        watch.stop()


def test_watch_reconnects_and_resyncs_after_the_server_restarts(cli: Cli, server: Server) -> None:
    web = logged_in(cli, server)
    added = cli.json("add", "Survives a restart", "--quantum", "30")
    watch = cli.watch()
    try:
        watch.wait_for(lambda line: line["type"] == "idle")
        server.stop()
        watch.wait_for(lambda line: line["type"] == "reconnecting")
        server.start()
        # Started while the watcher may still be away: it learns of it from the resync, not the event.
        web.log_in("ada")
        assert web.post(f"/timers/{added['id']}/start/", {}).status in (200, 302)
        watch.wait_for(lambda line: line["type"] == "resync", timeout=20)
        running = watch.wait_for(lambda line: line["type"] == "running", timeout=10)
        assert running["thread_id"] == added["id"]
    finally:
        watch.stop()


def test_export_from_one_account_imports_into_another(cli: Cli, server: Server, tmp_path: Path) -> None:
    logged_in(cli, server, "ada")
    saga = cli.json("add", "Garden", "--kind", "saga")
    cli.json("add", "Dig beds", "--saga", saga["id"][:8])
    cli.json("add", "Buy seeds")
    exported = tmp_path / "ada.json"
    assert f"Exported 3 threads and 0 sprints to {exported}." in cli.run("export", "-o", str(exported)).stdout
    assert json.loads(cli.run("export").stdout)["threads"] == json.loads(exported.read_text())["threads"]

    other = Cli(tmp_path / "other-config")
    logged_in(other, server, "grace")
    truncated = tmp_path / "cut.json"
    truncated.write_text(exported.read_text()[:200])
    refused = other.run("import", str(truncated), check=False)
    assert refused.returncode == 2 and "Nothing was imported" in refused.stderr and "cut short" in refused.stderr
    planned = other.run("import", str(exported), "--dry-run").stdout
    assert "would add 3 threads (1 saga, 2 tasks) and 0 sprints" in planned and "Nothing was written." in planned
    assert other.json("ls") == []

    assert other.json("import", str(exported))["counts"]["threads"] == 3

    titles = sorted(t["title"] for t in other.json("ls"))
    assert titles == ["Buy seeds", "Dig beds", "Garden"]
