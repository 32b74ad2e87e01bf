"""Every environment variable settings.py reads is listed in .env.example and in README's table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""\benv(?:\.(?:str|bool|int|float|list|db|url|json))?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def variables_read() -> set[str]:
    return set(READ.findall((ROOT / "parallel_you" / "settings.py").read_text()))


def test_settings_reads_the_variables_we_expect() -> None:
    names = variables_read()
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "PARALLEL_YOU_REPO", "RABBITMQ_URL", "STATIC_ROOT"} <= names


def test_env_example_lists_every_variable_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    listed: dict[str, int] = {}
    for number, line in enumerate(lines):
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            listed[match.group(1)] = number
    assert variables_read() - set(listed) == set()
    assert set(listed) - variables_read() == set(), "listed but never read"


def test_env_example_values_are_safe_defaults() -> None:
    active = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text(), re.MULTILINE)
    }
    assert "SECRET_KEY" not in active and "MONGO_URI" not in active  # no shared secret to copy
    assert active["DEBUG"] == "1" and active["PARALLEL_YOU_SECONDS_PER_MINUTE"] == "60"


def test_readme_configuration_table_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Configuration") : readme.index("\n## ", readme.index("## Configuration") + 5)]
    in_table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, re.MULTILINE))
    assert variables_read() - in_table == set()
