"""Checking that a loaded deployment can work: adapter settings, store, AHEAD API, folders.

Each check gives a :class:`CheckResult` saying what was found and, when something is wrong,
how to fix it. Nothing here prints a secret: the store's password is cut out of every message,
and the AHEAD client never shows its credentials.
"""

from __future__ import annotations

import enum
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import BaseModel
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from adapters.base import Adapter
from adapters.registry import AdapterError, Role, load_adapter_class
from connector.api import AheadError, AuthError, TransportError
from connector.config.deployment import Deployment
from connector.config.errors import ConfigError
from connector.store import CheckpointStore, StoreError

#: Finds the adapter class of a role and kind; raises :class:`LookupError` or
#: :class:`~adapters.registry.AdapterError` (with a message saying why) when there is none.
AdapterFinder = Callable[[Role, str], type[Adapter]]


class CheckStatus(enum.Enum):
    """The outcome of one check."""

    OK = "ok"
    INVALID = "invalid"
    """The configuration is wrong (e.g. an adapter's settings); fix the files."""
    FAILED = "failed"
    """The configuration is valid but does not work here (unreachable, refused, not writable)."""


@dataclass(frozen=True)
class CheckResult:
    """One check of a deployment.

    Attributes:
        subject: what was checked, e.g. ``AHEAD API`` or ``adapter inbox``.
        status: the outcome.
        detail: what was found; for adapter settings, one ``file:line:column path: message``
            line per problem.
        fix: how to fix it; empty when all is well.
    """

    subject: str
    status: CheckStatus
    detail: str
    fix: str = ""


def check_deployment(
    deployment: Deployment,
    *,
    find_adapter: AdapterFinder = load_adapter_class,
    offline: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> list[CheckResult]:
    """Check every adapter's settings, then (unless ``offline``) the store, the AHEAD API and
    the folders the flows and adapters use.

    Opening the store creates or upgrades its schema, as the connector does when it starts, and
    OAuth tokens obtained are kept in the token cache.

    Args:
        deployment: a loaded deployment.
        find_adapter: how adapter classes are found; default the installed entry points.
        offline: check the configuration only: touch no database, network or folder.
        transport: the httpx transport of the AHEAD client (tests plug an app in here).
    """
    results = []
    folders: dict[Path, list[str]] = {}
    for name, flow in deployment.config.flows.items():
        if flow.enabled and flow.watch is not None:
            folders.setdefault(deployment.path(flow.watch), []).append(f"flows.{name}.watch")
    for name in deployment.config.adapters:
        result, settings = _check_adapter(deployment, name, find_adapter)
        results.append(result)
        if settings is not None:
            for field, path in _paths_in(settings):
                where = f"adapters.{name}.settings.{field}"
                folders.setdefault(deployment.path(path), []).append(where)
    if offline:
        return results
    results.append(_check_store(deployment))
    results.append(_check_ahead(deployment, transport))
    results.extend(
        _check_path(path, users, deployment.directory) for path, users in folders.items()
    )
    return results


def _check_adapter(
    deployment: Deployment, name: str, find_adapter: AdapterFinder
) -> tuple[CheckResult, BaseModel | None]:
    adapter = deployment.config.adapters[name]
    subject = f"adapter {name}"
    try:
        adapter_class = find_adapter(adapter.role, adapter.kind)
    except (LookupError, AdapterError) as exc:
        message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        fix = (
            f"set adapters.{name}.kind to an installed {adapter.role.value} kind, or install "
            "the package that provides it"
        )
        return CheckResult(subject, CheckStatus.INVALID, message, fix), None
    description = f"{adapter.kind} {adapter.role.value}"
    try:
        settings = deployment.adapter_settings(name, adapter_class.settings_model)
    except ConfigError as exc:
        detail = "\n".join(p.describe(deployment.directory) for p in exc.problems)
        fix = f"correct adapters.{name}.settings (see {description}'s documentation)"
        return CheckResult(subject, CheckStatus.INVALID, detail, fix), None
    return CheckResult(subject, CheckStatus.OK, f"{description}; settings valid"), settings


def _paths_in(settings: BaseModel) -> Iterator[tuple[str, Path]]:
    """Every path-valued setting, top level only: those are the adapter's files and folders."""
    for field in type(settings).model_fields:
        value = getattr(settings, field)
        if isinstance(value, Path):
            yield field, value


def _check_store(deployment: Deployment) -> CheckResult:
    url = deployment.store_url()
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    password = parsed.password

    def hidden(text: str) -> str:
        return text.replace(str(password), "***") if password else text

    try:
        with CheckpointStore.open(url):
            pass
    except StoreError as exc:
        fix = "upgrade ahead-connector to the version that wrote this store, or use another store"
        return CheckResult("store", CheckStatus.FAILED, hidden(f"{shown}: {exc}"), fix)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fix = "check store.url, that the database server runs and the user may connect"
        return CheckResult("store", CheckStatus.FAILED, hidden(f"{shown}: {reason}"), fix)
    except (ValueError, OSError) as exc:
        return CheckResult(
            "store", CheckStatus.FAILED, hidden(f"{shown}: {exc}"), "check store.url"
        )
    return CheckResult("store", CheckStatus.OK, f"{shown}: opened, schema current")


def _check_ahead(deployment: Deployment, transport: httpx.BaseTransport | None) -> CheckResult:
    ahead = deployment.config.ahead
    scheme = "oauth" if ahead.auth.oauth is not None else "hmac"
    subject = "AHEAD API"
    try:
        with deployment.ahead_client(transport=transport) as client:
            answer = client.authenticate()
    except AuthError as exc:
        fix = (
            f"check ahead.auth.{scheme}: the credentials, and the environment variables or "
            "files their secrets come from"
        )
        return CheckResult(subject, CheckStatus.FAILED, f"authentication failed: {exc}", fix)
    except TransportError as exc:
        fix = f"check ahead.base_url ({ahead.base_url}) and the network"
        return CheckResult(subject, CheckStatus.FAILED, f"no answer: {exc}", fix)
    except AheadError as exc:
        fix = f"check ahead.base_url ({ahead.base_url}): it should be the AHEAD API's root"
        return CheckResult(subject, CheckStatus.FAILED, str(exc), fix)
    except OSError as exc:
        fix = "make the token cache's folder writable, or set ahead.auth.oauth.token_cache"
        return CheckResult(
            subject, CheckStatus.FAILED, f"cannot keep the OAuth token: {exc.strerror}", fix
        )
    return CheckResult(subject, CheckStatus.OK, f"{ahead.base_url} ({scheme}): {answer}")


def _check_path(path: Path, users: list[str], directory: Path) -> CheckResult:
    subject = f"path {path.relative_to(directory) if path.is_relative_to(directory) else path}"
    used_by = f"used by {', '.join(users)}"
    if not path.exists():
        return CheckResult(
            subject, CheckStatus.FAILED, f"does not exist ({used_by})", f"mkdir -p {path}"
        )
    if path.is_file():
        if os.access(path, os.R_OK):
            return CheckResult(subject, CheckStatus.OK, f"readable file ({used_by})")
        return CheckResult(
            subject, CheckStatus.FAILED, f"cannot be read ({used_by})", f"chmod u+r {path}"
        )
    try:
        descriptor, probe = tempfile.mkstemp(dir=path, prefix=".ahead-connector-check-")
    except OSError as exc:
        fix = f"let the user running the connector write there: chmod u+w {path}"
        return CheckResult(
            subject, CheckStatus.FAILED, f"not writable: {exc.strerror} ({used_by})", fix
        )
    os.close(descriptor)
    os.unlink(probe)
    return CheckResult(subject, CheckStatus.OK, f"writable folder ({used_by})")
