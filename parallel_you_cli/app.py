"""The `parallel-you` commands. Readable output by default; `--json` prints the server's JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from parallel_you_cli import config as settings
from parallel_you_cli.client import Api, CliError

app = typer.Typer(
    name="parallel-you",
    help="Parallel You from the terminal: your threads, quanta and sprints.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATES = ("ready", "running", "parked", "blocked", "done")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the server's documents) for scripts.")]
F = TypeVar("F", bound=Callable[..., Any])


def friendly(command: F) -> F:
    """Every failure becomes one line on stderr and an exit status, never a traceback."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CliError as exc:
            err.print(f"[red]Error:[/red] {exc.message}", markup=True)
            raise typer.Exit(exc.code) from None
        except settings.NotLoggedIn as exc:
            err.print(f"[red]Error:[/red] {exc}", markup=True)
            raise typer.Exit(3) from None

    return run  # type: ignore[return-value]


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a `friendly` command on the app (named after the function unless `name`)."""

    def register(function: F) -> F:
        return app.command(name)(friendly(function))

    return register


def api() -> Api:
    return Api(settings.load())


def show_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def short(thread_id: str) -> str:
    return thread_id[:8]


def when(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone().strftime("%d %b %H:%M")


def describe(thread: dict[str, Any]) -> str:
    run = thread.get("run")
    extra = ""
    if run:
        extra = " (paused)" if run.get("paused_at") else f" until {when(run['deadline'])}"
    return f"{short(thread['id'])} {thread['kind']} “{thread['title']}”: {thread['state']}{extra}"


def done_with(thread: dict[str, Any], as_json: bool) -> None:
    if as_json:
        show_json(thread)
    else:
        out.print(describe(thread), markup=False)


# --- login ----------------------------------------------------------------------------------------
@command()
def login(
    url: Annotated[str, typer.Option(prompt="Server URL", help="e.g. http://127.0.0.1:8000")],
    token: Annotated[str, typer.Option(prompt="Access token", hide_input=True, help="From Settings › Tokens")],
    as_json: JsonOption = False,
) -> None:
    """Check the URL and token against the server and save them (readable by you only)."""
    config = settings.Config(url=url.strip().rstrip("/"), token=token.strip())
    Api(config).get("/threads", limit=1)
    path = settings.save(config)
    if as_json:
        show_json({"url": config.url, "config": str(path)})
    else:
        out.print(f"Logged in to {config.url}; saved in {path}.", markup=False)


# --- the board ------------------------------------------------------------------------------------
@command("ls")
def list_threads(
    state: Annotated[list[str] | None, typer.Option("--state", "-s", help="Only this state (repeatable)")] = None,
    saga: Annotated[str, typer.Option(help="Only this saga (id or its start) and its stories and tasks")] = "",
    band: Annotated[str, typer.Option(help="Only this energy band id")] = "",
    query: Annotated[str, typer.Option("--query", "-q", help="Text in the title or notes")] = "",
    archived: Annotated[bool, typer.Option(help="The archive instead of the board")] = False,
    as_json: JsonOption = False,
) -> None:
    """The board, by state."""
    client = api()
    for wanted in state or []:
        if wanted not in STATES:
            raise CliError(f"“{wanted}” isn't a state: choose from {', '.join(STATES)}.", 2)
    saga_id = client.thread_id(saga) if saga else ""
    threads = client.all_threads(saga=saga_id, band=band, q=query, state=state or [], archived=str(archived).lower())
    if as_json:
        show_json(threads)
        return
    if not threads:
        out.print("Nothing here." if (state or saga or band or query or archived) else "Your board is empty.")
        return
    for column in STATES:
        held = [t for t in threads if t["state"] == column]
        if not held:
            continue
        table = Table(title=f"{column.capitalize()} ({len(held)})", title_justify="left", expand=False)
        for name in ("id", "kind", "title", "band", "quantum"):
            table.add_column(name)
        for thread in held:
            table.add_row(
                short(thread["id"]), thread["kind"], thread["title"], thread["energy_band"], f"{thread['quantum']} min"
            )
        out.print(table)


@command()
def add(
    title: str,
    kind: Annotated[str, typer.Option(help="task, story or saga")] = "task",
    saga: Annotated[str, typer.Option(help="The saga it belongs to (id or its start)")] = "",
    quantum: Annotated[int | None, typer.Option(help="Minutes per session")] = None,
    band: Annotated[str | None, typer.Option(help="Energy band id")] = None,
    estimate: Annotated[int | None, typer.Option(help="Quanta it will take")] = None,
    notes: Annotated[str, typer.Option()] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a task, story or saga."""
    client = api()
    body: dict[str, Any] = {"kind": kind, "title": title, "notes": notes}
    if saga:
        body["parent_id"] = client.thread_id(saga)
    for key, value in (("quantum", quantum), ("energy_band", band), ("estimate", estimate)):
        if value is not None:
            body[key] = value
    done_with(client.post("/threads", body), as_json)


@command()
def edit(
    thread: str,
    title: Annotated[str | None, typer.Option()] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    quantum: Annotated[int | None, typer.Option()] = None,
    band: Annotated[str | None, typer.Option()] = None,
    estimate: Annotated[int | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a thread's title, notes, quantum, energy band or estimate."""
    client = api()
    changes = {
        k: v
        for k, v in (
            ("title", title),
            ("notes", notes),
            ("quantum", quantum),
            ("energy_band", band),
            ("estimate", estimate),
        )
        if v is not None
    }
    if not changes:
        raise CliError("Say what to change: --title, --notes, --quantum, --band or --estimate.", 2)
    done_with(client.patch(f"/threads/{client.thread_id(thread)}", changes), as_json)


@command("rm")
def remove(
    thread: str, yes: Annotated[bool, typer.Option("--yes", help="Don't ask")] = False, as_json: JsonOption = False
) -> None:
    """Delete a thread (a saga takes its stories and tasks with it)."""
    client = api()
    thread_id = client.thread_id(thread)
    if not yes and not typer.confirm(f"Delete {short(thread_id)}?"):
        raise typer.Exit(1)
    result = client.delete(f"/threads/{thread_id}")
    if as_json:
        show_json(result)
    else:
        out.print(f"Deleted {', '.join(short(i) for i in result['deleted'])}.")


def _transition(action: str, doc: str) -> None:
    def transition(thread: str, as_json: JsonOption = False) -> None:
        client = api()
        done_with(client.post(f"/threads/{client.thread_id(thread)}/{action}"), as_json)

    transition.__doc__ = doc
    command(action)(transition)


for _action, _doc in (
    ("park", "Set a thread aside for later (a running quantum is recorded)."),
    ("unpark", "Take a parked thread up again (Ready)."),
    ("done", "Mark a thread done."),
    ("unblock", "Unblock a thread (Ready again)."),
    ("reopen", "Reopen a done thread."),
    ("archive", "Archive a done thread."),
):
    _transition(_action, _doc)


@command()
def block(
    thread: str,
    by: Annotated[list[str] | None, typer.Option("--by", help="A thread that blocks it (repeatable)")] = None,
    note: Annotated[str, typer.Option(help="What blocks it, in words")] = "",
    as_json: JsonOption = False,
) -> None:
    """Block a thread, by other threads and/or a note."""
    client = api()
    blockers = [client.thread_id(b) for b in by or []]
    done_with(
        client.post(f"/threads/{client.thread_id(thread)}/block", {"blocked_by": blockers, "note": note}), as_json
    )


# --- quanta -----------------------------------------------------------------------------------------
CurrentOption = Annotated[str | None, typer.Option("--current", help="pause or park a quantum running elsewhere first")]


def _quantum(thread: str, verb: str, as_json: bool, body: dict[str, Any] | None = None) -> None:
    """POST /threads/<id>/quantum/<verb> and show the thread it answers with."""
    client = api()
    done_with(client.post(f"/threads/{client.thread_id(thread)}/quantum/{verb}", body), as_json)


@command()
def start(
    thread: str,
    minutes: Annotated[int | None, typer.Option(help="Default: the thread's quantum")] = None,
    current: CurrentOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a quantum on a thread."""
    _quantum(thread, "start", as_json, {"minutes": minutes, "current": current})


@command()
def pause(thread: str, as_json: JsonOption = False) -> None:
    """Pause the running quantum (the time left is kept)."""
    _quantum(thread, "pause", as_json)


@command()
def resume(thread: str, current: CurrentOption = None, as_json: JsonOption = False) -> None:
    """Resume a paused quantum (restart the clock)."""
    _quantum(thread, "resume", as_json, {"current": current})


@command()
def extend(thread: str, minutes: int = 5, as_json: JsonOption = False) -> None:
    """Add minutes to the running quantum."""
    _quantum(thread, "extend", as_json, {"minutes": minutes})


@command()
def stop(
    thread: str,
    then: Annotated[str, typer.Option(help="ready, parked or done")] = "ready",
    outcome: Annotated[
        str | None, typer.Option(help="completed, overran, stopped_early or abandoned (default: judged)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Stop the quantum and record the session."""
    _quantum(thread, "stop", as_json, {"then": then, "outcome": outcome})


@command()
def history(thread: str, as_json: JsonOption = False) -> None:
    """A thread's sessions and the quantum suggested for it."""
    client = api()
    found = client.get(f"/threads/{client.thread_id(thread)}/history")
    if as_json:
        show_json(found)
        return
    if not found["sessions"]:
        out.print("No sessions yet.")
    else:
        table = Table(title="Sessions", title_justify="left")
        for name in ("started", "planned", "worked", "outcome", "band"):
            table.add_column(name)
        for s in found["sessions"]:
            table.add_row(
                when(s["started_at"]),
                f"{s['planned_minutes']} min",
                f"{s['actual_minutes']:.0f} min",
                s["outcome"].replace("_", " "),
                s["energy_band_name"],
            )
        out.print(table)
    suggestion = found.get("suggestion")
    if suggestion and suggestion["minutes"] != suggestion["current"]:
        out.print(f"Suggested quantum: {suggestion['minutes']} min ({suggestion['reason']})", markup=False)


# --- sprint -----------------------------------------------------------------------------------------
@command()
def sprint(as_json: JsonOption = False) -> None:
    """The active sprint and its capacity per energy band."""
    client = api()
    active = client.get("/sprints/active")
    capacity = client.get(f"/sprints/{active['id']}/capacity")
    if as_json:
        show_json({"sprint": active, "capacity": capacity})
        return
    goal = f": {active['goal']}" if active.get("goal") else ""
    out.print(f"{active['name']} ({active['start']} – {active['end']}){goal}", markup=False)
    out.print(f"{len(active['members'])} stories and tasks, {capacity['working_days']} working days")
    table = Table(title="Capacity (quanta)", title_justify="left")
    for name in ("band", "per day", "available", "planned", ""):
        table.add_column(name)
    for row in capacity["rows"]:
        table.add_row(
            row["band"]["name"],
            str(row["per_day"]),
            str(row["available"]),
            str(row["planned"]),
            "over" if row["over"] else "",
        )
    out.print(table)


# --- pace -----------------------------------------------------------------------------------------
def clock_lines(clock: dict[str, Any]) -> list[str]:
    """The fatigue clock (`GET /pace`) as lines a person reads."""
    focused, budget = clock["focused_minutes"], clock["focus_budget"]
    lines = [f"Focus: {focused} of {budget} minutes since the last break"]
    current = clock.get("current_break")
    if current:
        lines.append(f"On a break until {when(current['ends_at'])[-5:]}.")
    elif clock["reached"]:
        lines.append("The focus budget is reached: time for a break.")
    elif clock["running"] and clock.get("reached_at"):
        lines.append(f"{clock['left_minutes']} minutes left: a break is due at {when(clock['reached_at'])[-5:]}.")
    else:
        lines.append(f"{clock['left_minutes']} minutes left; the clock stands still (no quantum counting).")
    strict = " Strict mode is on." if clock["strict"] else ""
    lines.append(f"Skips left today: {clock['skips_left']} ({clock['skips_today']} used).{strict}")
    return lines


@command()
def pace(as_json: JsonOption = False) -> None:
    """The fatigue clock (focus since the last break) and today's use of each energy band."""
    clock = api().get("/pace")
    if as_json:
        show_json(clock)
        return
    for line in clock_lines(clock):
        out.print(line, markup=False)
    table = Table(title="Today (minutes)", title_justify="left")
    for name in ("band", "used", "cap", "left", ""):
        table.add_column(name)
    for band in clock["today"]:
        cap, left = band["cap"], band["left"]
        table.add_row(
            band["name"],
            str(band["minutes"]),
            "" if cap is None else str(cap),
            "" if left is None else str(left),
            "cap reached" if band["reached"] else "",
        )
    out.print(table)


# --- your data -------------------------------------------------------------------------------------
def _counted(counts: dict[str, int]) -> str:
    parts = [
        f"{counts.get(name, 0)} {name if counts.get(name, 0) != 1 else name[:-1]}" for name in ("threads", "sprints")
    ]
    plural = {"saga": "sagas", "story": "stories", "task": "tasks"}
    kinds = ", ".join(f"{counts[k]} {k if counts[k] == 1 else plural[k]}" for k in plural if counts.get(k))
    return f"{parts[0]} ({kinds}) and {parts[1]}" if kinds else " and ".join(parts)


@command("export")
def export_data(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: standard output)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Everything of yours as one JSON document (the same file as Settings › Your data)."""
    document = api().get("/export")
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"Couldn't write {output}: {exc.strerror or exc}.", 2) from None
    threads, sprints = len(document.get("threads", [])), len(document.get("sprints", []))
    if as_json:
        show_json({"file": str(output), "threads": threads, "sprints": sprints})
    else:
        out.print(f"Exported {threads} threads and {sprints} sprints to {output}.", markup=False)


@command("import")
def import_data(
    file: Annotated[Path, typer.Argument(help="A file made by `parallel-you export` or the Your data page")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only check the file and say what it would add")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add an exported file's threads, sprints and energy bands to your account (all or nothing)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CliError(f"Couldn't read {file}: {exc.strerror or exc}.", 2) from None
    headers = {"Content-Type": "application/json"}
    result = api().request("POST", "/import", content=data, headers=headers, params={"dry_run": str(dry_run).lower()})
    if as_json:
        show_json(result)
        return
    counts = result["counts"]
    what = f"{_counted(counts)}, {counts.get('sessions', 0)} past sessions"
    if result["bands_added"]:
        what += f", energy bands {', '.join(result['bands_added'])}"
    paced = [f"{counts[k]} {k if counts[k] != 1 else k[:-1]}" for k in ("breaks", "skips") if counts.get(k)]
    if counts.get("pace_settings"):
        paced.insert(0, "your break policy")
    if paced:
        what += f", {' and '.join(paced)}"
    renamed = f" ({result['remapped']} ids were taken here and got new ones)" if result["remapped"] else ""
    if dry_run:
        out.print(f"{file} would add {what}{renamed}. Nothing was written.", markup=False)
    else:
        out.print(f"Imported {what}{renamed}.", markup=False)


# --- watch ------------------------------------------------------------------------------------------
@command()
def watch(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line: state, events, expiry")] = False,
) -> None:
    """A live countdown of the running quantum; rings (and notifies) at expiry. Ctrl-C to leave."""
    from parallel_you_cli.watch import Watcher

    client = api()
    Watcher(client, as_json=as_json).run()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
