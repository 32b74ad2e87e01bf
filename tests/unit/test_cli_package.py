"""The terminal client stands alone: installed by pyproject's console script, importing no server code."""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_PACKAGES = {"parallel_you", "threads", "sprints", "timers", "accounts", "django", "channels", "tests"}


def test_the_console_script_points_at_the_clients_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = project["project"]["scripts"]["parallel-you"]
    module, _, function = target.partition(":")
    assert callable(getattr(importlib.import_module(module), function))
    assert {d.split("==")[0] for d in project["project"]["dependencies"]} == {"typer", "httpx", "httpx-ws", "rich"}


def test_the_client_imports_nothing_from_the_server() -> None:
    for path in (ROOT / "parallel_you_cli").glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in SERVER_PACKAGES, f"{path.name} imports {name}"
