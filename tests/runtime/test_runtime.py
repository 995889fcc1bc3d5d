"""Runtime: a deployment folder wired into store, AHEAD client, adapters, flows and engine.

Every test runs a real deployment folder against a real sandbox on loopback, with a real
SQLite store in the folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from runtime_support import (
    ENVIRON,
    DeploymentFolder,
    order,
    submitted_orders,
    with_address,
)

import connector.runtime
from adapters.ahead import AheadOrderSink
from adapters.jsonfiles import JsonFileSource
from connector.api import AheadClient
from connector.config import ConfigError
from connector.engine import Outcome, ProgressEvent
from connector.runtime import Runtime, UnknownFlowError
from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from connector.store import ChangePolicy, RecordState, RunStatus


def open_runtime(deployment: DeploymentFolder, **options: object) -> Runtime:
    return Runtime.open(deployment.directory, environ=ENVIRON, **options)  # type: ignore[arg-type]


def line_of(file: Path, text: str) -> int:
    """The 1-based line of ``file`` holding ``text``."""
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def problems_of(error: pytest.ExceptionInfo[ConfigError]) -> dict[str, str]:
    return {problem.path: problem.message for problem in error.value.problems}


def test_the_module_exports_only_the_runtime_and_its_helpers() -> None:
    assert sorted(connector.runtime.__all__) == [
        "PASSTHROUGH_MAPPING",
        "Runtime",
        "UnknownFlowError",
        "open_store",
    ]


def test_open_builds_each_enabled_flow_from_its_configuration(
    deployment: DeploymentFolder,
) -> None:
    config = deployment.config()
    config["flows"]["orders"].update(
        concurrency=2, max_attempts=3, lease_seconds=120, single_runner=True,
        change_policy="update",
    )  # fmt: skip
    config["flows"]["paused"] = {"source": "inbox", "sink": "ahead-orders", "enabled": False}
    deployment.write(config)

    with open_runtime(deployment, owner="host-a:1") as runtime:
        assert list(runtime.flows) == ["orders"]
        flow = runtime.flows["orders"]
        assert isinstance(flow.source, JsonFileSource)
        assert isinstance(flow.sink, AheadOrderSink)
        assert flow.sink.client is runtime.ahead
        assert isinstance(runtime.ahead, AheadClient)
        assert flow.policy.concurrency == 2
        assert flow.policy.max_attempts == 3
        assert flow.policy.lease_seconds == 120
        assert flow.policy.single_runner is True
        assert flow.policy.change_policy is ChangePolicy.UPDATE
        assert runtime.engine.owner == "host-a:1"
        assert runtime.deployment.directory == deployment.directory.absolute()
        assert (deployment.directory / "state.db").is_file()


def test_run_flow_submits_the_orders_in_the_inbox_once(
    deployment: DeploymentFolder, server: SandboxServer
) -> None:
    deployment.drop("po-1.json", order("CO-1"))
    deployment.drop("po-2.json", order("CO-2"))

    with open_runtime(deployment) as runtime:
        first = runtime.run_flow("orders")
        second = runtime.run_flow("orders")

    assert first.status is RunStatus.SUCCEEDED
    assert first.counts.submitted == 2
    assert second.counts.submitted == 0
    assert submitted_orders(server) == ["CO-1", "CO-2"]
    assert deployment.files("archive") == ["po-1.json", "po-2.json"]
    assert deployment.files("inbox") == []


def test_a_new_runtime_on_the_same_folder_sends_nothing_again(
    deployment: DeploymentFolder, server: SandboxServer
) -> None:
    deployment.drop("po-1.json", order("CO-1"))
    with open_runtime(deployment) as runtime:
        runtime.run_flow("orders")
    # The same order dropped again after a restart: the store remembers it.
    deployment.drop("po-1-again.json", order("CO-1"))

    with open_runtime(deployment) as runtime:
        report = runtime.run_flow("orders")
        record = runtime.store.get("orders", "CO-1")

    assert report.counts.submitted == 0
    assert report.counts.skipped == 1
    assert submitted_orders(server) == ["CO-1"]
    assert record is not None
    assert record.state is RecordState.DONE


def test_an_invalid_order_fails_with_its_field_named_and_its_file_set_aside(
    deployment: DeploymentFolder, server: SandboxServer
) -> None:
    deployment.drop("good.json", order("CO-1"))
    deployment.drop("bad.json", with_address("CO-2", "x" * 36))

    with open_runtime(deployment) as runtime:
        report = runtime.run_flow("orders")
        record = runtime.store.get("orders", "CO-2")

    assert report.status is RunStatus.PARTIAL
    assert report.counts.submitted == 1
    assert report.counts.failed == 1
    [(key, message)] = report.errors
    assert key == "CO-2"
    assert "recipient.address_1" in message
    assert record is not None
    assert record.state is RecordState.FAILED
    assert "recipient.address_1" in (record.last_error or "")
    assert submitted_orders(server) == ["CO-1"]
    assert deployment.files("error") == ["bad.json", "bad.json.error.txt"]
    assert "recipient.address_1" in (deployment.directory / "error/bad.json.error.txt").read_text()


def test_a_dry_run_sends_nothing_and_leaves_the_inbox_alone(
    deployment: DeploymentFolder, server: SandboxServer
) -> None:
    deployment.drop("po-1.json", order("CO-1"))

    with open_runtime(deployment) as runtime:
        report = runtime.run_flow("orders", dry_run=True)
        record = runtime.store.get("orders", "CO-1")

    assert report.dry_run is True
    assert report.counts.submitted == 1  # what would have happened
    assert submitted_orders(server) == []
    assert record is None
    assert deployment.files("inbox") == ["po-1.json"]


def test_run_flow_reports_each_settled_record_to_the_progress_callback(
    deployment: DeploymentFolder,
) -> None:
    deployment.drop("po-1.json", order("CO-1"))
    deployment.drop("po-2.json", with_address("CO-2", "y" * 40))
    events: list[ProgressEvent] = []

    with open_runtime(deployment) as runtime:
        runtime.run_flow("orders", progress=events.append)

    assert sorted((event.key, event.outcome) for event in events) == [
        ("CO-1", Outcome.SUBMITTED),
        ("CO-2", Outcome.FAILED),
    ]
    assert all(event.flow == "orders" for event in events)


def test_run_flow_of_an_unknown_flow_names_the_flows(deployment: DeploymentFolder) -> None:
    with open_runtime(deployment) as runtime, pytest.raises(UnknownFlowError) as error:
        runtime.run_flow("invoices")

    assert "no flow named 'invoices'" in str(error.value)
    assert "orders" in str(error.value)
    assert error.value.known == ["orders"]


def test_run_flow_of_a_disabled_flow_says_it_is_disabled(deployment: DeploymentFolder) -> None:
    config = deployment.config()
    config["flows"]["orders"]["enabled"] = False
    deployment.write(config)

    with open_runtime(deployment) as runtime, pytest.raises(UnknownFlowError) as error:
        runtime.run_flow("orders")

    assert "'orders' is disabled" in str(error.value)


def test_a_stop_requested_before_the_run_sends_nothing(
    deployment: DeploymentFolder, server: SandboxServer
) -> None:
    import threading

    deployment.drop("po-1.json", order("CO-1"))
    stop = threading.Event()
    stop.set()

    with open_runtime(deployment) as runtime:
        report = runtime.run_flow("orders", stop=stop)

    assert report.counts.submitted == 0
    assert submitted_orders(server) == []


def test_oauth_credentials_keep_their_tokens_in_the_configured_cache(
    deployment: DeploymentFolder, server: SandboxServer
) -> None:
    config = deployment.config()
    config["ahead"]["auth"] = {
        "oauth": {
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": "${AHEAD_CLIENT_SECRET}",
            "token_cache": "secrets/tokens.json",
        }
    }
    deployment.write(config)
    deployment.drop("po-1.json", order("CO-1"))

    with Runtime.open(
        deployment.directory, environ={"AHEAD_CLIENT_SECRET": DEFAULT_CLIENT_SECRET}
    ) as runtime:
        report = runtime.run_flow("orders")

    assert report.counts.submitted == 1
    assert submitted_orders(server) == ["CO-1"]
    cache = deployment.directory / "secrets/tokens.json"
    assert cache.is_file()
    assert DEFAULT_CLIENT_SECRET not in cache.read_text()


def test_an_unknown_mapping_is_a_problem_of_its_flow(deployment: DeploymentFolder) -> None:
    config = deployment.config()
    config["flows"]["orders"]["mapping"] = "x12-850-to-order"
    deployment.write(config)

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    [problem] = error.value.problems
    assert problem.path == "flows.orders.mapping"
    assert "'x12-850-to-order'" in problem.message
    assert "'passthrough'" in problem.message
    assert problem.line == line_of(problem.file, "mapping: x12-850-to-order")


def test_an_adapter_kind_not_installed_is_a_problem_of_its_kind(
    deployment: DeploymentFolder,
) -> None:
    config = deployment.config()
    config["adapters"]["inbox"]["kind"] = "netsuite-orders"
    deployment.write(config)

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    [problem] = error.value.problems
    assert problem.path == "adapters.inbox.kind"
    assert "'netsuite-orders'" in problem.message
    assert "jsonfiles" in problem.message  # the kinds that are installed
    assert problem.file == deployment.directory.absolute() / "connector.yaml"
    assert problem.line == line_of(problem.file, "kind: netsuite-orders")


def test_a_problem_of_an_included_adapter_is_placed_in_its_file(
    deployment: DeploymentFolder,
) -> None:
    config = deployment.config()
    config["include"] = ["partners/*.yaml"]
    partner = {"adapters": {"acme-in": config["adapters"].pop("inbox")}}
    partner["adapters"]["acme-in"]["kind"] = "sap-idoc"
    config["flows"]["orders"]["source"] = "acme-in"
    deployment.write(config)
    included = deployment.directory / "partners" / "acme.yaml"
    included.parent.mkdir()
    included.write_text(yaml.safe_dump(partner), encoding="utf-8")

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    [problem] = error.value.problems
    assert problem.path == "adapters.acme-in.kind"
    assert problem.file == included.absolute()
    assert problem.line == line_of(included, "kind: sap-idoc")


def test_adapter_settings_that_do_not_fit_are_located_in_the_file(
    deployment: DeploymentFolder,
) -> None:
    config = deployment.config()
    del config["adapters"]["inbox"]["settings"]["key_field"]
    config["adapters"]["inbox"]["settings"]["inbx"] = "typo"
    deployment.write(config)

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    problems = {problem.path: problem for problem in error.value.problems}
    assert "adapters.inbox.settings.key_field" in problems
    typo = problems["adapters.inbox.settings.inbx"]
    assert typo.file == deployment.directory.absolute() / "connector.yaml"
    assert typo.line is not None


def test_every_adapter_problem_is_reported_at_once(deployment: DeploymentFolder) -> None:
    config = deployment.config()
    config["adapters"]["inbox"]["kind"] = "netsuite-orders"
    config["adapters"]["ahead-orders"]["settings"] = {"prefix": "ACME:"}
    deployment.write(config)

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    assert set(problems_of(error)) == {
        "adapters.inbox.kind",
        "adapters.ahead-orders.settings.prefix",
    }


def test_a_store_that_cannot_be_opened_is_a_problem_of_the_store_url(
    deployment: DeploymentFolder,
) -> None:
    config = deployment.config()
    config["store"] = {"url": "sqlite:///no-such-folder/state.db"}
    deployment.write(config)

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    [problem] = error.value.problems
    assert problem.path == "store.url"
    assert "cannot be opened" in problem.message
    assert problem.line == line_of(problem.file, "url: sqlite:///no-such-folder/state.db")


def test_settings_an_adapter_cannot_work_with_are_located_in_the_file(
    deployment: DeploymentFolder,
) -> None:
    config = deployment.config()
    config["adapters"]["inbox"]["settings"]["archive"] = "inbox"
    deployment.write(config)

    with pytest.raises(ConfigError) as error:
        open_runtime(deployment)

    [problem] = error.value.problems
    assert problem.path == "adapters.inbox.settings.archive"
    assert "is the inbox" in problem.message
    assert problem.line == line_of(problem.file, "archive: inbox")


def test_a_store_error_never_shows_the_database_password(deployment: DeploymentFolder) -> None:
    config = deployment.config()
    # Port 1 on loopback refuses connections at once.
    config["store"] = {"url": "postgresql+psycopg://connector:${PGPASSWORD}@127.0.0.1:1/db"}
    deployment.write(config)
    password = "do-not-print-me-7781"

    with pytest.raises(ConfigError) as error:
        Runtime.open(deployment.directory, environ={**ENVIRON, "PGPASSWORD": password})

    assert "store.url" in problems_of(error)
    assert password not in str(error.value)


def test_configuration_problems_are_raised_as_they_are(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        Runtime.open(tmp_path / "nowhere")

    assert "connector.yaml" in str(error.value)


def test_closing_the_runtime_closes_the_ahead_client(deployment: DeploymentFolder) -> None:
    with open_runtime(deployment) as runtime:
        assert runtime.ahead.authenticate()

    with pytest.raises(RuntimeError, match="closed"):
        runtime.ahead.authenticate()
