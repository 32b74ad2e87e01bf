"""Where the client keeps the server URL and token: the user's config dir, readable by them only."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import typer

APP_NAME = "parallel-you"


def config_path() -> Path:
    return Path(typer.get_app_dir(APP_NAME)) / "config.json"


@dataclass(frozen=True)
class Config:
    url: str
    token: str


class NotLoggedIn(Exception):
    pass


def save(config: Config) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created 0600 from the start (not chmod-ed after): the token is never readable by others.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"url": config.url, "token": config.token}, file)
    os.chmod(path, 0o600)
    return path


def load() -> Config:
    """The saved config; PARALLEL_YOU_URL and PARALLEL_YOU_TOKEN override it (for scripts)."""
    url, token = os.environ.get("PARALLEL_YOU_URL"), os.environ.get("PARALLEL_YOU_TOKEN")
    path = config_path()
    if path.exists():
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise NotLoggedIn(f"Can't read {path} ({exc}): run `parallel-you login` again.") from None
        url, token = url or saved.get("url"), token or saved.get("token")
    if not url or not token:
        raise NotLoggedIn("Not logged in: run `parallel-you login --url URL --token TOKEN` first.")
    return Config(url=url.rstrip("/"), token=token)
