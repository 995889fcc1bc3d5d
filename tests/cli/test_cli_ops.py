"""The operations commands on a deployment made by ``ahead-connector init``: sync, status,
records list/show, replay and resolve, against a real sandbox on loopback and a real SQLite store.
"""

from __future__ import annotations

import copy
import getpass
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from connector.cli import app
from connector.config import load_deployment
from connector.runtime import open_store
from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN
from connector.sandbox.store import Table
from connector.store import AuditAction, RecordState

#: An item the sandbox knows but has archived: orders for it are refused until AHEAD
#: un-archives it (a problem fixed at the destination, which is what replay is for).
ARCHIVED_ITEM_ID = 123456
ARCHIVED_ITEM = "Generic Appliance"

_ORDER: dict[str, Any] = {
    "purchase_order": "PO-1",
    "customer_order": "CO-1",
    "ship_method_id": 12,
    "recipient": {
        "name": "Dana Smith",
        "address_1": "100 Industrial Way",
        "city": "Austin",
        "state": "TX",
        "zip": "78701",
        "country": "US",
    },
    "lines": [{"product_code": "StockBox 2000", "quantity": 1}],
}


def order(customer_order: str, *, address_1: str | None = None, item: str | None = None) -> Any:
    body = copy.deepcopy(_ORDER)
    body["customer_order"] = customer_order
    body["purchase_order"] = f"PO-{customer_order}"
    if address_1 is not None:
        body["recipient"]["address_1"] = address_1
    if item is not None:
        body["lines"][0]["product_code"] = item
    return body


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def submitted_orders(server: SandboxServer) -> list[str]:
    """The customer orders submitted to the sandbox (not its seeded ones)."""
    rows = server.sandbox.store.all(Table.CUSTOMER_ORDER_SUBMISSIONS)
    return sorted(r["customer_order"] for r in rows if not r["customer_order"].startswith("SEED-"))


class Deployment:
    """A deployment folder made by ``ahead-connector init``, pointed at the test's sandbox."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __call__(self, *args: str) -> Result:
        """Run an operations command on this deployment."""
        return run(*args, "--deployment", str(self.directory))

    def json(self, *args: str) -> Any:
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def drop(self, name: str, document: Any) -> None:
        (self.directory / "inbox" / name).write_text(json.dumps(document), encoding="utf-8")

    def files(self, folder: str) -> list[str]:
        return sorted(path.name for path in (self.directory / folder).iterdir())

    def edit(self, change: Any) -> None:
        file = self.directory / "connector.yaml"
        config = yaml.safe_load(file.read_text(encoding="utf-8"))
        change(config)
        file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


@pytest.fixture
def deployment(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Deployment:
    directory = tmp_path / "acme"
    created = run("init", str(directory))
    assert created.exit_code == 0, created.output
    made = Deployment(directory)

    def use_the_sandbox(config: dict[str, Any]) -> None:
        config["ahead"] = {
            "base_url": server.base_url,
            "auth": {"hmac": {"token": "${AHEAD_HMAC_TOKEN}", "secret": "${AHEAD_HMAC_SECRET}"}},
            "retry": {"max_attempts": 1},
        }

    made.edit(use_the_sandbox)
    monkeypatch.setenv("AHEAD_HMAC_TOKEN", DEFAULT_HMAC_TOKEN)
    monkeypatch.setenv("AHEAD_HMAC_SECRET", DEFAULT_HMAC_SECRET)
    return made


@pytest.fixture
def failed_order(deployment: Deployment, server: SandboxServer) -> Deployment:
    """A deployment whose order CO-9 for an archived item failed, next to a delivered CO-1."""
    deployment.drop("co-1.json", order("CO-1"))
    deployment.drop("co-9.json", order("CO-9", item=ARCHIVED_ITEM))
    result = deployment("sync", "orders")
    assert result.exit_code == 1, result.output
    return deployment


def unarchive_item(server: SandboxServer) -> None:
    """What AHEAD's support would do: make the archived item orderable again."""
    item = server.sandbox.store.get(Table.ITEMS, ARCHIVED_ITEM_ID)
    assert item is not None
    server.sandbox.store.update(Table.ITEMS, ARCHIVED_ITEM_ID, {**item, "archived_at": None})


# -- sync -----------------------------------------------------------------------------------------


def test_sync_submits_the_orders_in_the_inbox_and_archives_their_files(
    deployment: Deployment, server: SandboxServer
) -> None:
    deployment.drop("co-1.json", order("CO-1"))
    deployment.drop("co-2.json", order("CO-2"))

    result = deployment("sync", "orders")

    assert result.exit_code == 0, result.output
    assert "orders: succeeded" in result.stdout
    assert "2 submitted" in result.stdout
    assert submitted_orders(server) == ["CO-1", "CO-2"]
    assert "co-1.json" in deployment.files("archive")
    assert "co-2.json" in deployment.files("archive")


def test_a_second_sync_submits_nothing(deployment: Deployment, server: SandboxServer) -> None:
    deployment.drop("co-1.json", order("CO-1"))
    assert deployment("sync", "orders").exit_code == 0
    deployment.drop("co-1-again.json", order("CO-1"))

    result = deployment("sync", "orders")

    assert result.exit_code == 0, result.output
    assert "submitted" not in result.stdout
    assert "1 skipped" in result.stdout
    assert submitted_orders(server) == ["CO-1"]


def test_sync_names_each_failed_order_and_its_field_and_exits_1(
    deployment: Deployment, server: SandboxServer
) -> None:
    deployment.drop("co-1.json", order("CO-1"))
    deployment.drop("co-2.json", order("CO-2", address_1="9" * 36))

    result = deployment("sync", "orders")

    assert result.exit_code == 1, result.output
    assert "orders: partial" in result.stdout
    assert "Failed records" in result.stdout
    assert "CO-2" in result.stdout
    assert "recipient.address_1" in result.stdout
    assert submitted_orders(server) == ["CO-1"]
    assert "co-2.json" in deployment.files("error")
    report = (deployment.directory / "error" / "co-2.json.error.txt").read_text()
    assert "recipient.address_1" in report


def test_sync_dry_run_sends_nothing_and_moves_nothing(
    deployment: Deployment, server: SandboxServer
) -> None:
    deployment.drop("co-1.json", order("CO-1"))

    result = deployment("sync", "orders", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "dry run, what would happen" in result.stdout
    assert "1 submitted" in result.stdout
    assert submitted_orders(server) == []
    assert "co-1.json" in deployment.files("inbox")
    assert deployment.json("status")["flows"]["orders"]["last_run"] is None


def test_sync_of_an_unknown_flow_lists_the_flows_and_exits_2(deployment: Deployment) -> None:
    result = deployment("sync", "invoices")

    assert result.exit_code == 2
    assert "no flow named 'invoices'" in result.stderr
    assert "orders" in result.stderr


def test_sync_with_a_configuration_problem_names_its_place_and_exits_2(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AHEAD_HMAC_SECRET")

    result = deployment("sync", "orders")

    assert result.exit_code == 2
    assert "1 configuration problem" in result.stderr
    assert "connector.yaml:" in result.stderr
    assert "ahead.auth.hmac.secret" in result.stderr
    assert "AHEAD_HMAC_SECRET" in result.stderr


def test_store_commands_need_no_ahead_credentials_in_the_environment(
    failed_order: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AHEAD_HMAC_TOKEN")
    monkeypatch.delenv("AHEAD_HMAC_SECRET")

    status = failed_order("status")
    listed = failed_order.json("records", "list", "orders", "--state", "failed")
    synced = failed_order("sync", "orders")

    assert status.exit_code == 0, status.output
    assert [record["key"] for record in listed] == ["CO-9"]
    assert synced.exit_code == 2, "sending still needs the credentials"
    assert "AHEAD_HMAC_SECRET" in synced.stderr


def test_a_store_that_cannot_be_opened_names_the_setting_and_exits_2(
    deployment: Deployment,
) -> None:
    (deployment.directory / "state.db").write_text("not a database\n" * 100)

    result = deployment("status")

    assert result.exit_code == 2
    assert "store.url" in result.stderr
    assert "cannot be opened" in result.stderr


def test_sync_of_a_single_runner_flow_held_elsewhere_does_nothing_and_says_so(
    deployment: Deployment, server: SandboxServer
) -> None:
    deployment.edit(lambda config: config["flows"]["orders"].update(single_runner=True))
    deployment.drop("co-1.json", order("CO-1"))
    store = open_store(load_deployment(deployment.directory))
    # The engine names a flow's single-runner lock "flow:<name>".
    with store, store.advisory_lock("flow:orders", "daemon-on-another-host") as held:
        assert held
        result = deployment("sync", "orders")

    assert result.exit_code == 0, result.output
    assert "not run: another process holds" in result.stdout
    assert submitted_orders(server) == []


def test_sync_never_prints_the_credentials(deployment: Deployment) -> None:
    deployment.drop("co-1.json", order("CO-1"))
    deployment.drop("co-2.json", order("CO-2", address_1="9" * 36))

    result = deployment("sync", "orders")

    assert DEFAULT_HMAC_SECRET not in result.output
    assert DEFAULT_HMAC_TOKEN not in result.output


def test_the_deployment_comes_from_the_environment_else_the_current_folder(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    deployment.drop("co-1.json", order("CO-1"))
    monkeypatch.setenv("AHEAD_CONNECTOR_DEPLOYMENT", str(deployment.directory))
    assert run("sync", "orders").exit_code == 0

    monkeypatch.delenv("AHEAD_CONNECTOR_DEPLOYMENT")
    monkeypatch.chdir(deployment.directory)
    status = json.loads(run("status", "--format", "json").stdout)
    assert status["flows"]["orders"]["records"]["done"] == 1

    monkeypatch.chdir(tmp_path)
    elsewhere = run("status")
    assert elsewhere.exit_code == 2
    assert "no connector.yaml" in elsewhere.stderr


# -- status ---------------------------------------------------------------------------------------


def test_status_shows_the_last_run_the_counts_by_state_and_the_oldest_failure(
    failed_order: Deployment,
) -> None:
    status = failed_order.json("status")

    flow = status["flows"]["orders"]
    assert flow["enabled"] is True
    assert flow["records"] == {"pending": 0, "submitting": 0, "done": 1, "failed": 1, "dead": 0}
    assert flow["last_run"]["status"] == "partial"
    assert flow["last_run"]["counts"]["submitted"] == 1
    assert flow["last_run"]["counts"]["failed"] == 1
    assert flow["last_run"]["duration_seconds"] >= 0
    assert flow["oldest_failure"]["key"] == "CO-9"
    assert flow["oldest_failure"]["state"] == "failed"
    assert "lines.0.product_code" in flow["oldest_failure"]["error"]
    assert flow["oldest_failure"]["age_seconds"] >= 0


def test_status_table_names_each_flow_with_its_counts_and_oldest_failure(
    failed_order: Deployment,
) -> None:
    result = failed_order("status")

    assert result.exit_code == 0, result.output
    assert "orders" in result.stdout
    assert "partial at" in result.stdout
    assert "done: 1" in result.stdout
    assert "failed: 1" in result.stdout
    assert "CO-9 (failed for" in result.stdout


def test_status_of_a_flow_that_never_ran(deployment: Deployment) -> None:
    result = deployment("status")

    assert result.exit_code == 0, result.output
    assert "never" in result.stdout
    assert deployment.json("status")["flows"]["orders"]["oldest_failure"] is None


# -- records --------------------------------------------------------------------------------------


def test_records_list_filters_by_state(failed_order: Deployment) -> None:
    failed = failed_order.json("records", "list", "orders", "--state", "failed")
    every = failed_order.json("records", "list", "orders")

    assert [record["key"] for record in failed] == ["CO-9"]
    assert failed[0]["state"] == "failed"
    assert "lines.0.product_code" in failed[0]["last_error"]
    assert [record["key"] for record in every] == ["CO-1", "CO-9"]


def test_records_list_pages_with_limit_and_offset(failed_order: Deployment) -> None:
    first = failed_order("records", "list", "orders", "--limit", "1")
    second = failed_order.json("records", "list", "orders", "--limit", "1", "--offset", "1")

    assert first.exit_code == 0, first.output
    assert "CO-1" in first.stdout
    assert "more with --offset 1" in first.stdout
    assert [record["key"] for record in second] == ["CO-9"]


def test_records_list_of_an_unknown_flow_exits_2(deployment: Deployment) -> None:
    result = deployment("records", "list", "shipments")

    assert result.exit_code == 2
    assert "no flow named 'shipments'" in result.stderr


def test_records_show_gives_every_field_the_error_and_the_remote_reference(
    failed_order: Deployment, server: SandboxServer
) -> None:
    done = failed_order.json("records", "show", "orders", "CO-1")
    failed = failed_order.json("records", "show", "orders", "CO-9")

    [submitted] = server.sandbox.store.all(
        Table.CUSTOMER_ORDER_SUBMISSIONS, {"customer_order": "CO-1"}
    )
    assert done["record"]["state"] == "done"
    assert done["record"]["remote_ref"] == str(submitted["id"])
    assert done["record"]["last_error"] is None
    assert failed["record"]["state"] == "failed"
    assert failed["record"]["attempts"] == 1
    assert "lines.0.product_code" in failed["record"]["last_error"]
    assert failed["source_record"]["payload"]["customer_order"] == "CO-9"
    assert failed["audit_trail"] == []


def test_records_show_table_has_the_fields_and_the_source_record(failed_order: Deployment) -> None:
    result = failed_order("records", "show", "orders", "CO-9")

    assert result.exit_code == 0, result.output
    assert "orders/CO-9" in result.stdout
    assert "last_error" in result.stdout
    assert "lines.0.product_code" in result.stdout
    assert "No operator action on this record." in result.stdout
    assert ARCHIVED_ITEM in result.stdout


def test_records_show_of_an_unknown_key_exits_1(deployment: Deployment) -> None:
    result = deployment("records", "show", "orders", "CO-404")

    assert result.exit_code == 1
    assert "no record orders/CO-404" in result.stderr


# -- replay and resolve ---------------------------------------------------------------------------


def test_replay_after_the_destination_was_fixed_sends_the_kept_order(
    failed_order: Deployment, server: SandboxServer
) -> None:
    unarchive_item(server)

    replayed = failed_order("replay", "orders", "CO-9", "--note", "item unarchived by AHEAD")
    after_replay = failed_order.json("records", "show", "orders", "CO-9")
    synced = failed_order("sync", "orders")

    assert replayed.exit_code == 0, replayed.output
    assert "failed -> pending" in replayed.stdout
    assert after_replay["record"]["state"] == "pending"
    assert after_replay["record"]["attempts"] == 0
    [entry] = after_replay["audit_trail"]
    assert entry["action"] == AuditAction.REPLAY.value
    assert entry["actor"] == getpass.getuser()
    assert entry["note"] == "item unarchived by AHEAD"
    assert synced.exit_code == 0, synced.output
    assert "1 submitted" in synced.stdout
    assert submitted_orders(server) == ["CO-1", "CO-9"]
    assert failed_order.json("records", "show", "orders", "CO-9")["record"]["state"] == "done"


def test_replay_without_a_fix_fails_the_record_again(
    failed_order: Deployment, server: SandboxServer
) -> None:
    assert failed_order("replay", "orders", "CO-9").exit_code == 0

    synced = failed_order("sync", "orders")

    assert synced.exit_code == 1
    assert "CO-9" in synced.stdout
    assert submitted_orders(server) == ["CO-1"]
    assert failed_order.json("records", "show", "orders", "CO-9")["record"]["state"] == "failed"


def test_resolve_marks_the_record_done_without_sending_it(
    failed_order: Deployment, server: SandboxServer
) -> None:
    result = failed_order(
        "resolve", "orders", "CO-9", "--note", "entered by hand", "--remote-ref", "HAND-1",
        "--actor", "dana",
    )  # fmt: skip
    shown = failed_order.json("records", "show", "orders", "CO-9")
    synced = failed_order("sync", "orders")

    assert result.exit_code == 0, result.output
    assert "failed -> done as HAND-1" in result.stdout
    assert "resolved by dana" in result.stdout
    assert shown["record"]["state"] == "done"
    assert shown["record"]["remote_ref"] == "HAND-1"
    [entry] = shown["audit_trail"]
    assert (entry["action"], entry["actor"], entry["note"]) == (
        "resolve",
        "dana",
        "entered by hand",
    )
    assert synced.exit_code == 0, synced.output
    assert submitted_orders(server) == ["CO-1"]
    assert failed_order.json("status")["flows"]["orders"]["oldest_failure"] is None


def test_the_audit_trail_is_shown_in_the_record_table(failed_order: Deployment) -> None:
    failed_order("resolve", "orders", "CO-9", "--note", "entered by hand", "--actor", "dana")

    result = failed_order("records", "show", "orders", "CO-9")

    assert "Audit trail" in result.stdout
    assert "entered by hand" in result.stdout
    assert "dana" in result.stdout


@pytest.mark.parametrize("command", ["replay", "resolve"])
def test_replay_and_resolve_refuse_a_record_that_is_not_failed_or_dead(
    failed_order: Deployment, command: str
) -> None:
    result = failed_order(command, "orders", "CO-1")

    assert result.exit_code == 1
    assert "orders/CO-1 is done: only failed or dead records can be" in result.stderr
    assert failed_order.json("records", "show", "orders", "CO-1")["audit_trail"] == []


@pytest.mark.parametrize("command", ["replay", "resolve"])
def test_replay_and_resolve_of_an_unknown_record_exit_1(
    deployment: Deployment, command: str
) -> None:
    result = deployment(command, "orders", "CO-404")

    assert result.exit_code == 1
    assert "no record orders/CO-404" in result.stderr


def test_replay_of_a_dead_record_brings_it_back(deployment: Deployment) -> None:
    # A record can only go dead through the engine's retries; the store API stands in for a
    # run whose sends were all refused before they left.
    loaded = load_deployment(deployment.directory)
    with open_store(loaded) as store:
        claim = store.begin_submission("orders", "CO-7", "c1", "i1", "worker", 60)
        assert claim is not None
        store.mark_dead(claim, "gave up after 1 attempt", {"customer_order": "CO-7"})

    shown = deployment.json("records", "show", "orders", "CO-7")
    replayed = deployment("replay", "orders", "CO-7", "--actor", "dana")

    assert shown["dead_letters"][0]["error"] == "gave up after 1 attempt"
    assert replayed.exit_code == 0, replayed.output
    assert "dead -> pending" in replayed.stdout
    assert deployment.json("status")["flows"]["orders"]["records"][RecordState.PENDING] == 1
