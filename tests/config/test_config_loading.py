"""Loading a valid deployment: defaults, references, secret files, includes, adapter settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import MINIMAL, MINIMAL_ENV, located, write
from pydantic import Field, SecretStr

from adapters.base import AdapterSettings
from adapters.registry import Role
from connector.config import ConfigError, Secret, load_deployment
from connector.store import ChangePolicy


class PathAndPassword(AdapterSettings):
    """Settings of an adapter that reads a folder and logs in."""

    folder: Path
    password: Secret
    retries: int = Field(default=3, ge=0)


def test_a_minimal_configuration_gets_the_documented_defaults(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL)

    deployment = load_deployment(deployment_dir, environ=MINIMAL_ENV)

    config = deployment.config
    assert deployment.directory == deployment_dir
    assert deployment.files == (deployment_dir / "connector.yaml",)
    assert config.ahead.timeout == 30.0
    assert config.ahead.retry.policy().max_attempts == 5
    assert deployment.store_url() == f"sqlite:///{deployment_dir}/state.db"
    assert config.adapters["inbox"].role is Role.SOURCE
    assert config.adapters["outbox"].role is Role.SINK
    flow = config.flows["orders"]
    assert (flow.mapping, flow.change_policy, flow.schedule, flow.watch) == (
        "passthrough",
        ChangePolicy.WARN,
        None,
        None,
    )
    assert (flow.concurrency, flow.max_attempts, flow.lease_seconds) == (4, 8, 300.0)
    assert (flow.single_runner, flow.enabled) == (False, True)
    assert config.partners == {}
    assert config.webhooks is None


def test_secrets_come_from_the_environment_or_from_files(deployment_dir: Path) -> None:
    write(
        deployment_dir,
        MINIMAL.replace("${AHEAD_HMAC_SECRET}", "{file: secrets/hmac}")
        + "webhooks:\n  secret: {file: '${HOOK_FILE}'}\n",
    )
    write(deployment_dir, "secret-from-file\n", "secrets/hmac")
    hook = write(deployment_dir, "hook-secret", "elsewhere/hook")

    deployment = load_deployment(deployment_dir, environ={**MINIMAL_ENV, "HOOK_FILE": str(hook)})

    hmac = deployment.config.ahead.auth.hmac
    assert hmac is not None
    assert hmac.token.get_secret_value() == "token-from-env"
    assert hmac.secret.get_secret_value() == "secret-from-file"
    assert deployment.config.webhooks is not None
    assert deployment.config.webhooks.secret.get_secret_value() == "hook-secret"


def test_references_fill_in_any_text_and_a_doubled_dollar_stays_literal(
    deployment_dir: Path,
) -> None:
    text = MINIMAL.replace("https://api.example.com", "https://${AHEAD_HOST}/") + (
        "    watch: ${DROP_ROOT}/inbox\n    mapping: price$${x}\n"
    )
    write(deployment_dir, text)
    environ = {**MINIMAL_ENV, "AHEAD_HOST": "api.acme.test", "DROP_ROOT": "/srv/drop"}

    config = load_deployment(deployment_dir, environ=environ).config

    assert config.ahead.base_url == "https://api.acme.test"
    assert config.flows["orders"].watch == Path("/srv/drop/inbox")
    assert config.flows["orders"].mapping == "price${x}"


def test_the_environment_is_read_by_default(
    deployment_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(deployment_dir, MINIMAL)
    for name, value in MINIMAL_ENV.items():
        monkeypatch.setenv(name, value)

    deployment = load_deployment(deployment_dir)

    assert deployment.config.ahead.auth.hmac is not None


def test_oauth_with_its_token_cache_in_the_deployment_folder(deployment_dir: Path) -> None:
    write(
        deployment_dir,
        "ahead:\n  base_url: https://api.example.com\n  auth:\n    oauth:\n"
        "      client_id: acme\n      client_secret: ${SECRET}\n",
    )

    deployment = load_deployment(deployment_dir, environ={"SECRET": "s"})

    oauth = deployment.config.ahead.auth.oauth
    assert oauth is not None
    assert deployment.path(oauth.token_cache) == deployment_dir / ".tokens.json"
    assert deployment.path("/abs/file") == Path("/abs/file")


def test_a_postgresql_password_comes_from_a_reference(deployment_dir: Path) -> None:
    write(
        deployment_dir,
        MINIMAL + "store:\n  url: postgresql+psycopg://app:${PGPASSWORD}@db.acme.test/app\n",
    )

    deployment = load_deployment(deployment_dir, environ={**MINIMAL_ENV, "PGPASSWORD": "pw-9"})

    assert deployment.store_url() == "postgresql+psycopg://app:pw-9@db.acme.test/app"
    assert "pw-9" not in repr(deployment.config)


def test_an_absolute_sqlite_path_is_kept(deployment_dir: Path, tmp_path: Path) -> None:
    write(deployment_dir, MINIMAL + f"store:\n  url: sqlite:///{tmp_path}/shared.db\n")

    deployment = load_deployment(deployment_dir, environ=MINIMAL_ENV)

    assert deployment.store_url() == f"sqlite:///{tmp_path}/shared.db"


def test_schedules_by_interval_or_by_cron_in_a_time_zone(deployment_dir: Path) -> None:
    write(
        deployment_dir,
        MINIMAL
        + "    schedule: {interval: 90}\n"
        + "  nightly:\n    source: inbox\n    sink: outbox\n"
        + "    schedule: {cron: '30 2 * * mon-fri', timezone: Europe/Berlin}\n",
    )

    flows = load_deployment(deployment_dir, environ=MINIMAL_ENV).config.flows

    assert flows["orders"].schedule is not None
    assert flows["orders"].schedule.interval == 90
    nightly = flows["nightly"].schedule
    assert nightly is not None
    assert (nightly.cron, nightly.timezone, nightly.interval) == (
        "30 2 * * mon-fri",
        "Europe/Berlin",
        None,
    )


def test_included_files_add_adapters_partners_and_flows_in_name_order(
    deployment_dir: Path,
) -> None:
    write(deployment_dir, "include: ['partners/*.yaml', flows.yaml]\n" + MINIMAL)
    write(
        deployment_dir, "partners:\n  globex: {name: Globex, isa_id: GLOBEX}\n", "partners/b.yaml"
    )
    write(deployment_dir, "partners:\n  acme: {name: Acme}\n", "partners/a.yaml")
    write(deployment_dir, "flows:\n  returns: {source: inbox, sink: outbox}\n", "flows.yaml")

    deployment = load_deployment(deployment_dir, environ=MINIMAL_ENV)

    assert [f.relative_to(deployment_dir).as_posix() for f in deployment.files] == [
        "connector.yaml",
        "partners/a.yaml",
        "partners/b.yaml",
        "flows.yaml",
    ]
    partners = deployment.config.partners
    assert list(partners) == ["acme", "globex"]
    assert partners["globex"].model_extra == {"isa_id": "GLOBEX"}
    assert set(deployment.config.flows) == {"orders", "returns"}


def test_yaml_merge_keys_share_settings_between_flows(deployment_dir: Path) -> None:
    text = MINIMAL.replace("  orders:\n", "  orders: &defaults\n") + (
        "    concurrency: 2\n  rush:\n    <<: *defaults\n    concurrency: 8\n"
    )
    write(deployment_dir, text)

    flows = load_deployment(deployment_dir, environ=MINIMAL_ENV).config.flows

    assert (flows["rush"].source, flows["rush"].concurrency) == ("inbox", 8)
    assert flows["orders"].concurrency == 2


def _with_adapter_settings(directory: Path, settings: str) -> None:
    write(
        directory,
        MINIMAL.replace("    role: source\n", f"    role: source\n    settings:\n{settings}", 1),
    )


def test_adapter_settings_are_kept_as_written_until_the_adapter_validates_them(
    deployment_dir: Path,
) -> None:
    _with_adapter_settings(
        deployment_dir, "      folder: ${DROP}/in\n      password: ${ERP_PASSWORD}\n"
    )
    environ = {**MINIMAL_ENV, "DROP": "/srv", "ERP_PASSWORD": "erp-pw"}
    deployment = load_deployment(deployment_dir, environ=environ)

    settings = deployment.adapter_settings("inbox", PathAndPassword)

    assert deployment.config.adapters["inbox"].settings == {
        "folder": "${DROP}/in",
        "password": "${ERP_PASSWORD}",
    }
    assert settings.folder == Path("/srv/in")
    assert settings.password == SecretStr("erp-pw")
    assert "erp-pw" not in repr(settings)


def test_adapter_settings_problems_point_at_their_lines(deployment_dir: Path) -> None:
    _with_adapter_settings(
        deployment_dir, "      password: in-clear\n      retries: -1\n      foldr: in\n"
    )
    deployment = load_deployment(deployment_dir, environ=MINIMAL_ENV)

    with pytest.raises(ConfigError) as caught:
        deployment.adapter_settings("inbox", PathAndPassword)

    assert located(caught.value, deployment_dir) == [
        ("connector.yaml", 11, 5, "adapters.inbox.settings.folder"),
        ("connector.yaml", 12, 17, "adapters.inbox.settings.password"),
        ("connector.yaml", 13, 16, "adapters.inbox.settings.retries"),
        ("connector.yaml", 14, 7, "adapters.inbox.settings.foldr"),
    ]
    messages = [p.message for p in caught.value.problems]
    assert messages[0] == "missing: add folder"
    assert messages[3] == "unknown key 'foldr'; did you mean 'folder'?"


def test_asking_for_an_adapter_that_does_not_exist_is_a_key_error(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL)
    deployment = load_deployment(deployment_dir, environ=MINIMAL_ENV)

    with pytest.raises(KeyError):
        deployment.adapter_settings("nowhere", PathAndPassword)


def test_sections_whose_entries_are_all_commented_out_are_empty(deployment_dir: Path) -> None:
    head = MINIMAL.split("adapters:")[0]
    write(deployment_dir, head + "include:\nadapters:\n#  inbox: {}\npartners:\nflows:\n")

    config = load_deployment(deployment_dir, environ=MINIMAL_ENV).config

    assert (config.include, config.adapters, config.partners, config.flows) == ([], {}, {}, {})
