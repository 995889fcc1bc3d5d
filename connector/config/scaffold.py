"""A new deployment folder: a working, commented ``connector.yaml`` and the folders around it.

:data:`CONFIG_FILENAME` is the name of every deployment's configuration file, written here and
read by the loader; this module imports no library, so the command line's help can name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

#: The configuration file of every deployment.
CONFIG_FILENAME = "connector.yaml"
#: The folders of a new deployment, in the order they are reported.
FOLDERS = ("mappings", "templates", "inbox", "outbox", "archive", "error")
#: Folders whose files are work in progress, not configuration: git keeps only the folder.
_DROP_FOLDERS = ("inbox", "outbox", "archive", "error")

_CONFIG = """\
# The ahead-connector deployment in this folder. Check it with `ahead-connector check`.
#
# Relative paths are relative to this folder. Secrets are never written here: write
# ${VARIABLE} (taken from the environment) or {file: secrets/name} (a file kept out of
# version control). Any other text may use ${VARIABLE} too; $${ stands for a literal ${.

# The AHEAD API. This points at a sandbox on this machine; to try it, run
# `ahead-connector sandbox` and `export AHEAD_CLIENT_SECRET=sandbox-client-secret`.
ahead:
  base_url: http://127.0.0.1:8080
  auth:
    oauth:
      client_id: sandbox-client
      client_secret: ${AHEAD_CLIENT_SECRET}
      token_cache: .tokens.json
    # The older HMAC scheme, instead of oauth:
    # hmac:
    #   token: ${AHEAD_HMAC_TOKEN}
    #   secret: ${AHEAD_HMAC_SECRET}
  timeout: 30                  # seconds
  retry:
    max_attempts: 5

# The checkpoint store remembers what was sent, so that nothing is sent twice.
store:
  url: sqlite:///state.db
  # Several connector processes sharing one PostgreSQL database:
  # url: postgresql+psycopg://connector:${PGPASSWORD}@db.example.com/connector

# Adapters read records (role: source) or write them (role: sink).
adapters:
  inbox:
    kind: jsonfiles            # one JSON order per file
    role: source
    settings:
      inbox: inbox
      archive: archive         # files whose orders were sent
      error: error             # files that failed, each with a report beside it
      key_field: customer_order
  ahead-orders:
    kind: ahead-orders         # POST /v2/customer_order_submissions
    role: sink

# Trading partners by id (X12).
partners: {}

# Flows move records from a source, through a mapping, to a sink.
flows:
  orders:
    source: inbox
    sink: ahead-orders
    mapping: passthrough
    schedule:
      interval: 300            # seconds; or cron: "*/15 6-20 * * mon-fri"
    watch: inbox               # also run as soon as a file is dropped here
    change_policy: warn        # an order that changes after it was sent is reported
    concurrency: 4

# AHEAD's order events (released, shipped, invoiced):
# webhooks:
#   port: 8081
#   path: /webhooks/ahead
#   secret: ${AHEAD_WEBHOOK_SECRET}

# More files with adapters, partners and flows:
# include:
#   - partners/*.yaml
"""

_GITIGNORE = """\
# Runtime state and credentials of this deployment: never commit them.
state.db
state.db-*
.tokens.json
secrets/
# Files passing through: keep the folders, not their content.
{drops}
!*/.gitkeep
"""


class ConfigExistsError(FileExistsError):
    """The folder already has a ``connector.yaml`` and replacing it was not asked for."""


class Outcome(Enum):
    """What :func:`scaffold_deployment` did with one path."""

    CREATED = "created"
    REPLACED = "replaced"
    KEPT = "kept"


@dataclass(frozen=True)
class ScaffoldEntry:
    """One path of a new deployment and what was done with it.

    Attributes:
        path: the file or folder.
        outcome: created, replaced (``connector.yaml`` with ``force``) or kept as it was.
    """

    path: Path
    outcome: Outcome


def scaffold_deployment(directory: Path, *, force: bool = False) -> list[ScaffoldEntry]:
    """Create a deployment in ``directory`` (created if missing).

    Folders and a ``.gitignore`` that already exist are kept; ``connector.yaml`` is replaced
    only with ``force``.

    Args:
        directory: the deployment folder.
        force: replace an existing ``connector.yaml``.

    Returns:
        Every path of the deployment and what was done with it.

    Raises:
        ConfigExistsError: ``connector.yaml`` exists and ``force`` is not set.
        OSError: a file or folder could not be created.
    """
    config = directory / CONFIG_FILENAME
    existed = config.exists()
    if existed and not force:
        raise ConfigExistsError(f"{config} exists; use --force to replace it")
    directory.mkdir(parents=True, exist_ok=True)
    entries = [_write(config, _CONFIG, replace=True)]
    if existed:
        entries[0] = ScaffoldEntry(config, Outcome.REPLACED)
    drops = "\n".join(f"{folder}/*" for folder in _DROP_FOLDERS)
    entries.append(_write(directory / ".gitignore", _GITIGNORE.format(drops=drops), replace=False))
    for name in FOLDERS:
        folder = directory / name
        outcome = Outcome.KEPT if folder.is_dir() else Outcome.CREATED
        folder.mkdir(exist_ok=True)
        # git keeps no empty folder; a deployment cloned elsewhere needs them.
        (folder / ".gitkeep").touch()
        entries.append(ScaffoldEntry(folder, outcome))
    return entries


def _write(path: Path, text: str, *, replace: bool) -> ScaffoldEntry:
    if path.exists() and not replace:
        return ScaffoldEntry(path, Outcome.KEPT)
    path.write_text(text, encoding="utf-8")
    return ScaffoldEntry(path, Outcome.CREATED)
