"""The console script itself: version, help, the demo and the sandbox server command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_support import Cli
from typer.testing import CliRunner

from connector.cli import app
from connector.sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

SCRIPT = Path(sys.executable).with_name("ahead-connector")
_STARTUP_SECONDS = 30


def test_version_prints_the_package_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.stdout.strip() == f"ahead-connector {version('ahead-connector')}"


def test_the_package_exports_only_the_app_and_its_entry_point() -> None:
    import connector.cli

    assert sorted(connector.cli.__all__) == ["app", "main"]


def test_help_never_shows_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AHEAD_CLIENT_SECRET", "env-client-secret-value")
    monkeypatch.setenv("AHEAD_HMAC_SECRET", "env-hmac-secret-value")

    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0
    assert "AHEAD_CLIENT_SECRET" in result.stdout
    assert "secret-value" not in result.output


def test_both_a_secret_and_a_secret_file_is_bad_input(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file")
    options = (
        "--base-url", "http://127.0.0.1:9", "--client-id", "c",
        "--client-secret", "inline-secret", "--client-secret-file", str(secret_file),
    )  # fmt: skip

    result = Cli(options)("api", "items", "list")

    assert result.exit_code == 2
    assert "give --client-secret or --client-secret-file, not both" in result.stderr
    assert "inline-secret" not in result.output
    assert "from-file" not in result.output


def test_the_demo_runs_the_x12_story_and_keeps_the_files_to_read(tmp_path: Path) -> None:
    temporary, home = tmp_path / "tmp", tmp_path / "home"
    temporary.mkdir()
    home.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "HOME": str(home), "COLUMNS": "200"}

    result = subprocess.run(
        [str(SCRIPT), "demo"], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    [deployment] = list(temporary.iterdir())
    assert deployment.name.startswith("ahead-x12-demo-")
    assert f"The deployment is kept in {deployment}" in result.stdout.replace("\n", "")
    for shown in ("acme-orders", "acme-shipments", "acme-invoices", "ACME-4500012347"):
        assert shown in result.stdout
    assert "BEG01 (Transaction Set Purpose Code, data element 353) is '09'" in result.stdout
    outbox = sorted(path.name[:3] for path in (deployment / "outbox").iterdir())
    assert outbox == ["810"] * 3 + ["856"] * 3 + ["997", "999"]
    assert list(home.iterdir()) == []


def test_the_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "something.txt").write_text("mine")

    result = subprocess.run(
        [str(SCRIPT), "demo", "--folder", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "is not empty" in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["something.txt"]


def test_the_api_demo_walks_through_the_api_and_leaves_nothing_behind(tmp_path: Path) -> None:
    temporary, home = tmp_path / "tmp", tmp_path / "home"
    temporary.mkdir()
    home.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "HOME": str(home), "COLUMNS": "200"}

    result = subprocess.run(
        [str(SCRIPT), "demo", "--api"], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "Successfully authenticated as Sandbox Organization" in result.stdout
    assert "Both are Shipped now" in result.stdout
    assert "tracking_number" in result.stdout
    assert "Invoices: on the order, and from /v2/invoices" in result.stdout
    summary = result.stdout[result.stdout.index("Summary") :]
    assert "orders shipped   │ 2" in summary
    assert list(temporary.iterdir()) == []
    assert list(home.iterdir()) == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served_sandbox() -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = _free_port()
    with subprocess.Popen(
        [str(SCRIPT), "sandbox", "--port", str(port), "--no-seed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            yield process, banner
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(_STARTUP_SECONDS)


def test_the_sandbox_command_serves_over_http_and_prints_url_and_credentials(
    served_sandbox: tuple[subprocess.Popen[str], str],
) -> None:
    process, banner = served_sandbox
    url = banner.split()[-1]
    assert process.stdout is not None
    details = "".join(process.stdout.readline() for _ in range(4))
    _wait_until_listening(url)

    page = Cli.hmac(url).json("api", "countries", "list")

    assert url.startswith("http://127.0.0.1:")
    assert DEFAULT_CLIENT_ID in details
    assert DEFAULT_CLIENT_SECRET in details
    assert page["total_results"] == 0


def _wait_until_listening(url: str) -> None:
    """Wait for the server to accept connections (it prints its banner before it listens)."""
    for _ in range(_STARTUP_SECONDS * 20):
        try:
            httpx.get(f"{url}/sandbox/state", timeout=1)
            return
        except httpx.ConnectError:
            time.sleep(0.05)
    raise AssertionError(f"the sandbox at {url} never accepted a connection")
