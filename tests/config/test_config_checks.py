"""``check_deployment``: adapter settings through a pluggable finder, store, AHEAD API, folders."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from config_support import write

from adapters.base import Adapter, AdapterSettings, Record, Sink, Source
from adapters.registry import Role
from connector.config import Secret, load_deployment
from connector.config.checks import CheckResult, CheckStatus, check_deployment
from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN


class TinySettings(AdapterSettings):
    folder: Path
    password: Secret


class TinySource(Source):
    kind = "tiny"
    settings_model = TinySettings

    def read(self, cursor: str | None) -> Iterator[Record]:
        return iter(())


class TinySink(Sink):
    kind = "tiny"
    settings_model = TinySettings

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        return record.key

    def lookup(self, record: Record) -> str | None:
        return None


def find_tiny(role: Role, kind: str) -> type[Adapter]:
    if kind != "tiny":
        raise LookupError(f"no {role.value} adapter of kind {kind!r} is installed")
    return TinySource if role is Role.SOURCE else TinySink


ENV = {
    "TOKEN": DEFAULT_HMAC_TOKEN,
    "SECRET": DEFAULT_HMAC_SECRET,
    "TINY_PASSWORD": "tiny-password-value",
}


def _config(base_url: str, *, source: str = "folder: in", store: str = "") -> str:
    return (
        f"ahead:\n  base_url: {base_url}\n  auth:\n    hmac: {{token: '${{TOKEN}}', "
        "secret: '${SECRET}'}\n  retry: {max_attempts: 1}\n"
        + (f"store:\n  url: {store}\n" if store else "")
        + "adapters:\n"
        f"  in:\n    kind: tiny\n    role: source\n    settings:\n      {source}\n"
        "      password: ${TINY_PASSWORD}\n"
        "  out:\n    kind: tiny\n    role: sink\n    settings: {folder: out, password: "
        "'${TINY_PASSWORD}'}\n"
        "flows:\n  orders: {source: in, sink: out, watch: drop}\n"
    )


def _check(directory: Path, **options: Any) -> dict[str, CheckResult]:
    deployment = load_deployment(directory, environ=ENV)
    return {r.subject: r for r in check_deployment(deployment, find_adapter=find_tiny, **options)}


def _statuses(results: dict[str, CheckResult]) -> dict[str, CheckStatus]:
    return {subject: result.status for subject, result in results.items()}


def _folders(directory: Path, *names: str) -> None:
    for name in names:
        (directory / name).mkdir()


def test_a_working_deployment_passes_every_check(
    deployment_dir: Path, sandbox: SandboxServer
) -> None:
    write(deployment_dir, _config(sandbox.base_url))
    _folders(deployment_dir, "in", "out", "drop")

    results = _check(deployment_dir)

    assert _statuses(results) == {
        "adapter in": CheckStatus.OK,
        "adapter out": CheckStatus.OK,
        "store": CheckStatus.OK,
        "AHEAD API": CheckStatus.OK,
        "path drop": CheckStatus.OK,
        "path in": CheckStatus.OK,
        "path out": CheckStatus.OK,
    }
    assert "Successfully authenticated as Sandbox Organization" in results["AHEAD API"].detail
    assert results["path in"].detail == "writable folder (used by adapters.in.settings.folder)"
    assert results["adapter in"].detail == "tiny source; settings valid"
    assert (deployment_dir / "state.db").is_file()
    assert sorted(p.name for p in (deployment_dir / "in").iterdir()) == []


def test_offline_checks_only_the_adapters_settings_and_touches_nothing(
    deployment_dir: Path,
) -> None:
    write(deployment_dir, _config("http://127.0.0.1:9"))

    results = _check(deployment_dir, offline=True)

    assert _statuses(results) == {"adapter in": CheckStatus.OK, "adapter out": CheckStatus.OK}
    assert sorted(p.name for p in deployment_dir.iterdir()) == ["connector.yaml"]


def test_adapter_settings_problems_are_invalid_and_located(deployment_dir: Path) -> None:
    write(deployment_dir, _config("http://127.0.0.1:9", source="foldr: in"))

    result = _check(deployment_dir, offline=True)["adapter in"]

    assert result.status is CheckStatus.INVALID
    assert result.detail.splitlines() == [
        "connector.yaml:10:5 adapters.in.settings.folder: missing: add folder",
        "connector.yaml:11:7 adapters.in.settings.foldr: unknown key 'foldr'; did you mean "
        "'folder'?",
    ]
    assert result.fix == "correct adapters.in.settings (see tiny source's documentation)"


def test_an_adapter_kind_nobody_registered_is_invalid(deployment_dir: Path) -> None:
    write(deployment_dir, _config("http://127.0.0.1:9").replace("kind: tiny", "kind: huge", 1))

    result = _check(deployment_dir, offline=True)["adapter in"]

    assert result.status is CheckStatus.INVALID
    assert result.detail == "no source adapter of kind 'huge' is installed"
    assert "install the package that provides it" in result.fix


def test_the_real_registry_is_used_by_default(deployment_dir: Path) -> None:
    write(deployment_dir, _config("http://127.0.0.1:9"))
    deployment = load_deployment(deployment_dir, environ=ENV)

    results = check_deployment(deployment, offline=True)

    assert [r.status for r in results] == [CheckStatus.INVALID, CheckStatus.INVALID]
    assert "no source adapter of kind 'tiny' is installed" in results[0].detail


def test_a_missing_folder_fails_with_how_to_create_it(
    deployment_dir: Path, sandbox: SandboxServer
) -> None:
    write(deployment_dir, _config(sandbox.base_url))
    _folders(deployment_dir, "in", "out")

    result = _check(deployment_dir)["path drop"]

    assert result.status is CheckStatus.FAILED
    assert result.detail == "does not exist (used by flows.orders.watch)"
    assert result.fix == f"mkdir -p {deployment_dir / 'drop'}"
    assert not (deployment_dir / "drop").exists()


def test_a_folder_that_cannot_be_written_fails(
    deployment_dir: Path, sandbox: SandboxServer
) -> None:
    _folders(deployment_dir, "in", "out")
    if os.geteuid() == 0:
        # Root writes into any folder it may chmod; the kernel's /sys refuses new files to all.
        watched = Path("/sys")
    else:
        watched = deployment_dir / "drop"
        watched.mkdir()
        watched.chmod(0o500)
    write(deployment_dir, _config(sandbox.base_url).replace("watch: drop", f"watch: {watched}"))
    inside = watched.is_relative_to(deployment_dir)
    subject = f"path {watched.relative_to(deployment_dir) if inside else watched}"
    try:
        result = _check(deployment_dir)[subject]
    finally:
        if inside:
            watched.chmod(0o700)

    assert result.status is CheckStatus.FAILED
    assert result.detail.startswith("not writable: Permission denied")


def test_wrong_credentials_fail_the_ahead_check_with_the_reason(
    deployment_dir: Path, sandbox: SandboxServer
) -> None:
    write(deployment_dir, _config(sandbox.base_url))
    deployment = load_deployment(deployment_dir, environ={**ENV, "SECRET": "not-the-secret"})

    results = {r.subject: r for r in check_deployment(deployment, find_adapter=find_tiny)}

    ahead = results["AHEAD API"]
    assert ahead.status is CheckStatus.FAILED
    assert ahead.detail.startswith("authentication failed: ")
    assert "401" in ahead.detail
    assert ahead.fix.startswith("check ahead.auth.hmac: ")


def test_an_unreachable_api_fails_naming_the_base_url(deployment_dir: Path) -> None:
    write(deployment_dir, _config("http://127.0.0.1:9"))

    result = _check(deployment_dir)["AHEAD API"]

    assert result.status is CheckStatus.FAILED
    assert result.detail.startswith("no answer: GET /v2/authenticate failed: ConnectError")
    assert result.fix == "check ahead.base_url (http://127.0.0.1:9) and the network"


def test_a_store_that_cannot_be_opened_fails(deployment_dir: Path) -> None:
    write(deployment_dir, _config("http://127.0.0.1:9", store="sqlite:///missing/state.db"))

    result = _check(deployment_dir)["store"]

    assert result.status is CheckStatus.FAILED
    assert result.detail == (
        f"sqlite:///{deployment_dir}/missing/state.db: unable to open database file"
    )


def test_a_store_failure_never_shows_the_password(deployment_dir: Path) -> None:
    url = "postgresql+psycopg://nobody:${PGPW}@127.0.0.1:9/test?connect_timeout=2"
    write(deployment_dir, _config("http://127.0.0.1:9", store=url))
    deployment = load_deployment(deployment_dir, environ={**ENV, "PGPW": "pg-password-value"})

    result = {r.subject: r for r in check_deployment(deployment, find_adapter=find_tiny)}["store"]

    assert result.status is CheckStatus.FAILED
    assert result.detail.startswith("postgresql+psycopg://nobody:***@127.0.0.1:9/test")
    assert "pg-password-value" not in result.detail + result.fix
