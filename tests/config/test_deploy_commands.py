"""``ahead-connector init`` and ``check`` from the command line, against a real sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import HMAC, OAUTH, deployment_text, row, run, write

from connector.config import load_deployment
from connector.sandbox import SandboxServer
from connector.sandbox.config import (
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
)

SCAFFOLD = [
    "connector.yaml",
    ".gitignore",
    "mappings/",
    "templates/",
    "inbox/",
    "outbox/",
    "archive/",
    "error/",
]


def _deployment(directory: Path, text: str) -> Path:
    write(directory, text)
    for folder in ("inbox", "outbox"):
        (directory / folder).mkdir()
    return directory


def test_init_creates_a_deployment_that_loads_and_passes_the_offline_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "acme"

    created = run("init", str(directory))

    assert created.exit_code == 0, created.output
    assert [line.split()[-1] for line in created.stdout.splitlines()[: len(SCAFFOLD)]] == SCAFFOLD
    assert all(line.split()[0] == "created" for line in created.stdout.splitlines()[:8])
    assert f"ahead-connector check {directory}" in created.stdout
    for folder in ("mappings", "templates", "inbox", "outbox", "archive", "error"):
        assert (directory / folder).is_dir()
    ignored = (directory / ".gitignore").read_text().splitlines()
    assert {"state.db", ".tokens.json", "inbox/*"} <= set(ignored)

    monkeypatch.setenv("AHEAD_CLIENT_SECRET", "from-the-environment")
    config = load_deployment(directory).config
    assert config.ahead.base_url == "http://127.0.0.1:8080"
    flow = config.flows["orders"]
    assert (flow.source, flow.sink, flow.watch) == ("inbox", "ahead-orders", Path("inbox"))
    assert flow.schedule is not None
    assert flow.schedule.interval == 300

    checked = run("check", "--offline", str(directory))

    assert checked.exit_code == 0, checked.output
    assert "ok" in row(checked.stdout, "adapter ahead-orders")
    assert "Offline: the store, the AHEAD API and the folders were not checked." in checked.stdout


def test_init_refuses_to_replace_a_configuration_without_force(tmp_path: Path) -> None:
    directory = tmp_path / "acme"
    assert run("init", str(directory)).exit_code == 0
    (directory / "connector.yaml").write_text("# mine\n")
    (directory / "inbox" / "order.json").write_text("{}")

    refused = run("init", str(directory))

    assert refused.exit_code == 2
    assert "connector.yaml exists" in refused.output
    assert "--force" in refused.output
    assert (directory / "connector.yaml").read_text() == "# mine\n"

    forced = run("init", "--force", str(directory))

    assert forced.exit_code == 0, forced.output
    outcomes = dict(reversed(line.split()) for line in forced.stdout.splitlines()[:8])
    assert outcomes == {"connector.yaml": "replaced"} | {name: "kept" for name in SCAFFOLD[1:]}
    assert (directory / "connector.yaml").read_text().startswith("# The ahead-connector")
    assert (directory / "inbox" / "order.json").read_text() == "{}"


def test_check_prints_every_problem_with_its_place_and_exits_2(deployment_dir: Path) -> None:
    text = deployment_text("https://api.example.com", OAUTH).replace("sink: outbox", "sink: out")
    write(deployment_dir, text + "    concurrency: 0\n")

    result = run("check", str(deployment_dir))

    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "3 configuration problems:",
        "  connector.yaml:6:22 ahead.auth.oauth.client_secret: the environment variable "
        "AHEAD_CLIENT_SECRET is not set",
        "  connector.yaml:21:11 flows.orders.sink: no adapter named 'out' (adapters: inbox, "
        "outbox)",
        "  connector.yaml:23:18 flows.orders.concurrency: input should be greater than or "
        "equal to 1",
    ]


def test_check_finds_the_deployment_in_the_environment_or_the_current_folder(
    deployment_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deployment(deployment_dir, deployment_text("http://127.0.0.1:9", OAUTH))
    monkeypatch.setenv("AHEAD_CLIENT_SECRET", "x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    missing = run("check", "--offline")
    monkeypatch.setenv("AHEAD_CONNECTOR_DEPLOYMENT", str(deployment_dir))
    from_environment = run("check", "--offline")
    monkeypatch.delenv("AHEAD_CONNECTOR_DEPLOYMENT")
    monkeypatch.chdir(deployment_dir)
    from_current_folder = run("check", "--offline")

    assert missing.exit_code == 2
    assert "no connector.yaml in" in missing.stdout
    assert from_environment.exit_code == 0, from_environment.output
    assert from_current_folder.exit_code == 0, from_current_folder.output


def test_check_reports_the_ahead_connection_ok_against_the_sandbox(
    deployment_dir: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deployment(deployment_dir, deployment_text(sandbox.base_url, OAUTH))
    monkeypatch.setenv("AHEAD_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)

    result = run("check", str(deployment_dir))

    assert result.exit_code == 0, result.output
    ahead = row(result.stdout, "AHEAD API")
    assert "│ ok " in ahead
    authenticated = "Successfully authenticated as Sandbox Organization"
    assert f"{sandbox.base_url} (oauth): {authenticated}" in ahead
    for subject in ("configuration", "adapter inbox", "adapter outbox", "store", "path inbox"):
        assert "│ ok " in row(result.stdout, subject), subject
    assert (deployment_dir / ".tokens.json").is_file()


def test_check_with_hmac_credentials_against_the_sandbox(
    deployment_dir: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deployment(deployment_dir, deployment_text(sandbox.base_url, HMAC))
    monkeypatch.setenv("AHEAD_HMAC_TOKEN", DEFAULT_HMAC_TOKEN)
    monkeypatch.setenv("AHEAD_HMAC_SECRET", DEFAULT_HMAC_SECRET)

    result = run("check", str(deployment_dir))

    assert result.exit_code == 0, result.output
    assert "(hmac): Successfully authenticated" in row(result.stdout, "AHEAD API")


def test_check_with_a_wrong_secret_reports_the_connection_failing_with_the_reason(
    deployment_dir: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deployment(deployment_dir, deployment_text(sandbox.base_url, OAUTH))
    monkeypatch.setenv("AHEAD_CLIENT_SECRET", "wrong-client-secret-4711")

    result = run("check", str(deployment_dir))

    assert result.exit_code == 1
    ahead = row(result.stdout, "AHEAD API")
    assert "│ failed " in ahead
    assert "authentication failed: POST /oauth/token answered 401" in ahead
    assert "fix: check ahead.auth.oauth" in result.stdout
    assert "│ ok " in row(result.stdout, "store")
    assert "wrong-client-secret-4711" not in result.output


def test_init_into_a_path_that_is_a_file_says_it_cannot_create_the_deployment(
    tmp_path: Path,
) -> None:
    occupied = tmp_path / "acme"
    occupied.write_text("not a folder")

    result = run("init", str(occupied))

    assert result.exit_code == 2
    assert f"cannot create the deployment in {occupied}" in result.output
