"""Secrets never show: not in a repr, a str, a problem or the command line's output."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from config_support import MINIMAL, MINIMAL_ENV, OAUTH, deployment_text, run, write
from pydantic import SecretStr

from connector.config import ConfigError, HmacConfig, load_deployment
from connector.sandbox import SandboxServer


def test_a_loaded_deployment_shows_no_secret_in_repr_or_str(deployment_dir: Path) -> None:
    write(
        deployment_dir,
        MINIMAL.replace("${AHEAD_HMAC_TOKEN}", "{file: token.txt}")
        + "webhooks:\n  secret: ${HOOK}\n"
        + "store:\n  url: postgresql+psycopg://app:${PGPW}@db/app\n",
    )
    write(deployment_dir, "token-in-a-file\n", "token.txt")
    environ = {**MINIMAL_ENV, "HOOK": "hook-secret-value", "PGPW": "pg-secret-value"}

    deployment = load_deployment(deployment_dir, environ=environ)

    shown = repr(deployment) + repr(deployment.config) + str(deployment.config)
    for secret in ("token-in-a-file", "hmac-secret-in-env", "hook-secret-value", "pg-secret-value"):
        assert secret not in shown
    assert "**********" in shown


def test_a_secret_in_clear_is_not_repeated_in_the_problem(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL.replace("${AHEAD_HMAC_SECRET}", "hunter2-literal"))

    with pytest.raises(ConfigError) as caught:
        load_deployment(deployment_dir, environ=MINIMAL_ENV)

    assert "hunter2-literal" not in str(caught.value)
    assert "hunter2-literal" not in repr(caught.value.problems)


def test_in_python_a_secret_is_a_secretstr_never_a_plain_string() -> None:
    accepted = HmacConfig(token=SecretStr("t"), secret=SecretStr("s"))

    with pytest.raises(pydantic.ValidationError) as caught:
        HmacConfig.model_validate({"token": "t-in-clear", "secret": SecretStr("s")})

    assert accepted.secret.get_secret_value() == "s"
    assert "must not be written in the file" in str(caught.value)


def test_check_shows_no_secret_when_the_connection_works(
    deployment_dir: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(deployment_dir, deployment_text(sandbox.base_url, OAUTH))
    monkeypatch.setenv("AHEAD_CLIENT_SECRET", "sandbox-client-secret")

    result = run("check", str(deployment_dir))

    assert "Successfully authenticated" in result.stdout
    assert "sandbox-client-secret" not in result.output


def test_check_shows_no_secret_when_the_configuration_is_wrong(
    deployment_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = deployment_text("https://api.example.com", OAUTH).replace("sink: outbox", "sink: x")
    write(deployment_dir, text)
    monkeypatch.setenv("AHEAD_CLIENT_SECRET", "secret-while-invalid")

    result = run("check", str(deployment_dir))

    assert result.exit_code == 2
    assert "no adapter named 'x'" in result.stdout
    assert "secret-while-invalid" not in result.output


def test_secrets_may_be_deferred_for_store_commands_but_the_store_url_may_not(
    deployment_dir: Path,
) -> None:
    write(
        deployment_dir,
        MINIMAL.replace("${AHEAD_HMAC_SECRET}", "{file: secrets/missing}")
        + "store:\n  url: sqlite:///${STATE_FILE}\n",
    )

    loaded = load_deployment(deployment_dir, environ={"STATE_FILE": "state.db"}, defer_secrets=True)
    with pytest.raises(ConfigError) as refused:
        load_deployment(deployment_dir, environ={}, defer_secrets=True)

    assert loaded.secrets_deferred
    assert loaded.store_url().endswith("/state.db")
    with pytest.raises(ConfigError, match="credentials were not resolved"), loaded.ahead_client():
        pass
    assert [problem.path for problem in refused.value.problems] == ["store.url"]
    with pytest.raises(ConfigError):
        load_deployment(deployment_dir, environ={"STATE_FILE": "state.db"})
