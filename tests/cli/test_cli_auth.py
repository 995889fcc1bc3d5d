"""``ahead-connector auth``: OAuth login, status and logout against a sandbox over HTTP."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from cli_support import Cli

from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET


def _cached_secrets(cache: Path) -> list[str]:
    tokens = json.loads(cache.read_text())["tokens"]
    return [
        value
        for entry in tokens.values()
        for value in (entry["access_token"], entry["refresh_token"])
        if value
    ]


def test_login_caches_the_token_readable_by_its_owner_only_and_never_prints_it(
    server: SandboxServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache" / "tokens.json"

    result = Cli.oauth(server.base_url, str(cache))("auth", "login")

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert "Successfully authenticated as Sandbox Organization" in result.stdout
    secrets = [*_cached_secrets(cache), DEFAULT_CLIENT_SECRET]
    assert len(secrets) == 3
    assert not [s for s in secrets if s in result.output]


def test_status_shows_the_client_and_the_tokens_validity_and_asks_the_api(
    server: SandboxServer, tmp_path: Path
) -> None:
    cache = tmp_path / "tokens.json"
    cli = Cli.oauth(server.base_url, str(cache))
    assert cli("auth", "login").exit_code == 0

    result = cli("auth", "status")

    assert result.exit_code == 0, result.output
    assert f"API:          {server.base_url}" in result.stdout
    assert f"Client id:    {DEFAULT_CLIENT_ID}" in result.stdout
    assert "Token:        valid until" in result.stdout
    assert "Server:       Successfully authenticated as Sandbox Organization" in result.stdout
    assert not [s for s in _cached_secrets(cache) if s in result.output]


def test_commands_use_the_cached_token(server: SandboxServer, tmp_path: Path) -> None:
    cache = tmp_path / "tokens.json"
    cli = Cli.oauth(server.base_url, str(cache))
    assert cli("auth", "login").exit_code == 0
    before = _cached_secrets(cache)

    page = cli.json("api", "items", "list", "--limit", "1")

    assert page["count"] == 1
    assert _cached_secrets(cache) == before


def test_logout_removes_the_token_and_status_then_fails(
    server: SandboxServer, tmp_path: Path
) -> None:
    cache = tmp_path / "tokens.json"
    cli = Cli.oauth(server.base_url, str(cache))
    assert cli("auth", "login").exit_code == 0

    logged_out = cli("auth", "logout")
    status = cli("auth", "status")

    assert logged_out.exit_code == 0, logged_out.output
    assert "Logged out" in logged_out.stdout
    assert json.loads(cache.read_text())["tokens"] == {}
    assert status.exit_code == 1
    assert "none cached" in status.stdout


def test_a_wrong_client_secret_fails_login_with_exit_1_and_caches_nothing(
    server: SandboxServer, tmp_path: Path
) -> None:
    cache = tmp_path / "tokens.json"

    result = Cli.oauth(server.base_url, str(cache), secret="not-the-secret")("auth", "login")

    assert result.exit_code == 1
    assert "authentication failed" in result.stderr
    assert "not-the-secret" not in result.output
    assert not cache.exists()


def test_the_client_secret_can_come_from_a_file(server: SandboxServer, tmp_path: Path) -> None:
    secret_file = tmp_path / "client-secret"
    secret_file.write_text(DEFAULT_CLIENT_SECRET + "\n")
    cache = tmp_path / "tokens.json"
    options = (
        "--base-url", server.base_url, "--client-id", DEFAULT_CLIENT_ID,
        "--client-secret-file", str(secret_file), "--token-cache", str(cache),
    )  # fmt: skip

    result = Cli(options)("auth", "login")

    assert result.exit_code == 0, result.output
    assert cache.exists()


def test_status_with_hmac_credentials_asks_the_api(cli: Cli) -> None:
    result = cli("auth", "status")

    assert result.exit_code == 0, result.output
    assert "HMAC" in result.stdout
    assert "Successfully authenticated" in result.stdout


def test_auth_commands_refuse_the_in_process_sandbox() -> None:
    result = Cli(("--sandbox",))("auth", "login")

    assert result.exit_code == 2
    assert "auth login needs a real server" in result.stderr


def test_the_token_cache_defaults_to_the_connector_home(
    server: SandboxServer, tmp_path: Path
) -> None:
    options = (
        "--base-url", server.base_url, "--client-id", DEFAULT_CLIENT_ID,
        "--client-secret", DEFAULT_CLIENT_SECRET,
    )  # fmt: skip

    result = Cli(options)("auth", "login")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "home" / "tokens.json").exists()
