"""Helpers of the configuration tests: writing deployments and reading problems."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from connector.cli import app
from connector.config import ConfigError

#: A small valid configuration; tests add to it or change it.
MINIMAL = """\
ahead:
  base_url: https://api.example.com
  auth:
    hmac:
      token: ${AHEAD_HMAC_TOKEN}
      secret: ${AHEAD_HMAC_SECRET}
adapters:
  inbox:
    kind: jsonfiles
    role: source
  outbox:
    kind: jsonfiles
    role: sink
flows:
  orders:
    source: inbox
    sink: outbox
"""

#: What the references of :data:`MINIMAL` resolve to.
MINIMAL_ENV = {"AHEAD_HMAC_TOKEN": "token-from-env", "AHEAD_HMAC_SECRET": "hmac-secret-in-env"}


def write(directory: Path, text: str, name: str = "connector.yaml") -> Path:
    """Write ``text`` (dedented) to ``directory/name``, creating folders on the way."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def located(error: ConfigError, directory: Path) -> list[tuple[str, int | None, int | None, str]]:
    """Each problem as (file relative to ``directory``, line, column, path)."""
    return [
        (p.file.relative_to(directory).as_posix(), p.line, p.column, p.path) for p in error.problems
    ]


def message_at(error: ConfigError, path: str) -> str:
    """The message of the one problem at ``path``."""
    messages = [p.message for p in error.problems if p.path == path]
    assert len(messages) == 1, [str(p) for p in error.problems]
    return messages[0]


def run(*args: str) -> Result:
    """``ahead-connector`` with ``args``, in the test process."""
    return CliRunner().invoke(app, list(args))


def row(output: str, subject: str) -> str:
    """The first line of the check table's row about ``subject``."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) > 2 and cells[1] == subject:
            return line
    raise AssertionError(f"no row {subject!r} in:\n{output}")


def deployment_text(base_url: str, auth: str, *, extra: str = "") -> str:
    """A deployment reading ``inbox/`` and writing ``outbox/`` with the JSON file adapters,
    against the AHEAD API at ``base_url`` with ``auth`` (indented YAML under ``auth:``)."""
    return (
        f"ahead:\n  base_url: {base_url}\n  auth:\n{auth}  retry:\n    max_attempts: 1\n"
        "adapters:\n"
        "  inbox:\n    kind: jsonfiles\n    role: source\n"
        "    settings: {inbox: inbox, key_field: customer_order}\n"
        "  outbox:\n    kind: jsonfiles\n    role: sink\n    settings: {outbox: outbox}\n"
        "flows:\n  orders:\n    source: inbox\n    sink: outbox\n    watch: inbox\n" + extra
    )


#: OAuth credentials whose secret comes from ``AHEAD_CLIENT_SECRET``.
OAUTH = "    oauth:\n      client_id: sandbox-client\n      client_secret: ${AHEAD_CLIENT_SECRET}\n"
#: HMAC credentials from ``AHEAD_HMAC_TOKEN`` and ``AHEAD_HMAC_SECRET``.
HMAC = "    hmac:\n      token: ${AHEAD_HMAC_TOKEN}\n      secret: ${AHEAD_HMAC_SECRET}\n"
