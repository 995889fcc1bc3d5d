"""``ahead-connector api``: generic commands for every endpoint, against a sandbox over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from cli_support import ORDER, Cli
from typer.testing import CliRunner

from connector.api.endpoints import ENDPOINTS, SANDBOX_FAULTS_PATH
from connector.cli import app
from connector.sandbox import SandboxServer


def test_list_prints_the_api_page_as_json(cli: Cli) -> None:
    page = cli.json("api", "countries", "list", "--limit", "3")

    assert page["count"] == 3
    assert page["total_results"] > 3
    assert [set(c) >= {"id", "iso_code", "name"} for c in page["results"]] == [True] * 3


def test_list_as_table_shows_the_records_columns(cli: Cli) -> None:
    result = cli("api", "shipping-methods", "list", "--format", "table")

    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[1]
    assert [c.strip() for c in header.split("┃")[1:-1]] == ["id", "name", "description", "carrier"]
    assert "FedEx Ground Canada" in result.stdout


def test_get_prints_one_record(cli: Cli) -> None:
    item = cli.json("api", "items", "get", "127188")

    assert item["name"] == "Generic Product 1"


def test_get_as_table_shows_each_field_beside_its_value(cli: Cli) -> None:
    result = cli("api", "items", "get", "127188", "-f", "table")

    assert result.exit_code == 0, result.output
    rows = {
        cells[0].strip(): cells[1].strip()
        for line in result.stdout.splitlines()
        if len(cells := line.split("│")[1:-1]) == 2
    }
    assert rows["name"] == "Generic Product 1"
    assert rows["id"] == "127188"


def test_create_reads_the_body_from_a_file_and_the_order_can_be_found_by_filter(
    cli: Cli, tmp_path: Path
) -> None:
    body = tmp_path / "order.json"
    body.write_text(json.dumps(ORDER))

    created = cli.json("api", "customer-order-submissions", "create", "--data", f"@{body}")
    found = cli.json(
        "api", "customer-order-submissions", "list", "--filter", "customer_order=CLI-9001"
    )

    assert created["status"] == "Pending"
    assert [order["id"] for order in found["results"]] == [created["id"]]


def test_create_takes_the_body_inline_and_prints_a_table(cli: Cli) -> None:
    result = cli(
        "api", "customer-order-submissions", "create", "-d", json.dumps(ORDER), "-f", "table"
    )

    assert result.exit_code == 0, result.output
    assert "CLI-9001" in result.stdout
    assert "Pending" in result.stdout


def test_filter_values_take_the_type_of_the_field(cli: Cli) -> None:
    # --all checks every record against the filters on the client too, where the JSON types
    # must match: a number field needs a number, a text field text even if it looks numeric.
    cli.json("api", "customer-order-submissions", "create", "-d", json.dumps(ORDER))
    numeric_text = {**ORDER, "customer_order": "9001", "purchase_order": "PO-2"}
    created = cli.json(
        "api", "customer-order-submissions", "create", "-d", json.dumps(numeric_text)
    )

    by_text = cli.json(
        "api", "customer-order-submissions", "list", "--all", "--filter", "customer_order=9001"
    )
    by_number = cli.json(
        "api", "customer-order-submissions", "list", "--all", "--filter", f"id={created['id']}"
    )

    assert [o["customer_order"] for o in by_text["results"]] == ["9001"]
    assert [o["customer_order"] for o in by_number["results"]] == ["9001"]


def test_a_filter_selects_the_matching_records(cli: Cli) -> None:
    by_code = cli.json("api", "countries", "list", "--filter", "iso_code=CA")

    assert [c["name"] for c in by_code["results"]] == ["Canada"]


def test_a_filter_value_that_does_not_fit_the_field_is_bad_input(cli: Cli) -> None:
    result = cli("api", "countries", "list", "--filter", "id=abc")

    assert result.exit_code == 2
    assert "--filter id=abc" in result.stderr


def test_all_reads_every_page(cli: Cli) -> None:
    first = cli.json("api", "countries", "list", "--limit", "50")
    every = cli.json("api", "countries", "list", "--all", "--limit", "50")

    ids = [c["id"] for c in every["results"]]
    assert first["count"] == 50
    assert len(ids) == len(set(ids)) == first["total_results"] == every["total_results"]


def test_offset_skips_records(cli: Cli) -> None:
    first_two = cli.json("api", "countries", "list", "--limit", "2")
    second = cli.json("api", "countries", "list", "--limit", "1", "--offset", "1")

    assert second["results"] == first_two["results"][1:]


def test_an_invalid_body_is_reported_per_field_exit_2_and_nothing_is_sent(
    cli: Cli, server: SandboxServer
) -> None:
    body = {
        **ORDER,
        "recipient": {**ORDER["recipient"], "address_1": "x" * 36, "country": "USA"},
        "lines": [{"product_code": "StockBox 2000", "quantity": 0}],
        "colour": "blue",
    }
    orders_before = server.sandbox.state().counts

    result = cli("api", "customer-order-submissions", "create", "--data", json.dumps(body))

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "not a valid OrderSubmission" in lines[0]
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "recipient.address_1",
        "recipient.country",
        "lines[0].quantity",
        "colour",
    ]
    assert result.stdout == ""
    assert server.sandbox.state().counts == orders_before


def test_data_that_is_not_json_is_bad_input(cli: Cli) -> None:
    result = cli("api", "rmas", "create", "--data", "{problem: 1}")

    assert result.exit_code == 2
    assert "--data is not JSON" in result.stderr


def test_an_api_rejection_names_the_endpoint_status_and_fields_exit_1(cli: Cli) -> None:
    body = {**ORDER, "lines": [{"product_code": "No Such Product", "quantity": 1}]}

    result = cli("api", "customer-order-submissions", "create", "--data", json.dumps(body))

    assert result.exit_code == 1
    first, *details = result.stderr.splitlines()
    assert "POST /v2/customer_order_submissions answered 422" in first
    assert any("product_code" in d and "No Such Product" in d for d in details)


def test_a_missing_record_is_an_api_error(cli: Cli) -> None:
    result = cli("api", "invoices", "get", "987654")

    assert result.exit_code == 1
    assert "GET /v2/invoices/987654 answered 404" in result.stderr


def test_a_lost_answer_to_a_create_says_to_look_the_record_up(
    cli: Cli, server: SandboxServer
) -> None:
    rule = {"method": "POST", "path": "/v2/customer_order_submissions", "drop_after_commit_rate": 1}
    httpx.put(f"{server.base_url}{SANDBOX_FAULTS_PATH}", json=[rule]).raise_for_status()

    result = cli("api", "customer-order-submissions", "create", "--data", json.dumps(ORDER))

    assert result.exit_code == 3
    assert "outcome is unknown" in result.stderr
    assert "Look the record up" in result.stderr
    httpx.put(f"{server.base_url}{SANDBOX_FAULTS_PATH}", json=[]).raise_for_status()
    found = cli.json(
        "api", "customer-order-submissions", "list", "--filter", "customer_order=CLI-9001"
    )
    assert found["count"] == 1


def test_a_webhook_subscription_can_be_created_and_deleted(cli: Cli) -> None:
    body = {"url": "http://127.0.0.1:9/hook", "events": ["order.shipped"]}
    created = cli.json("api", "webhooks", "create", "--data", json.dumps(body))

    deleted = cli("api", "webhooks", "delete", str(created["id"]))
    listed = cli.json("api", "webhooks", "list")

    assert deleted.exit_code == 0, deleted.output
    assert f"deleted webhooks {created['id']}" in deleted.stdout
    assert created["id"] not in [w["id"] for w in listed["results"]]


@pytest.mark.parametrize(
    ("resource", "action"),
    [(e.cli_name, v.value) for e in ENDPOINTS.values() for v in sorted(e.verbs)]
    + [(e.cli_name, which) for e in ENDPOINTS.values() for which in e.extra_paths],
)
def test_every_verb_and_sub_list_of_every_endpoint_has_a_command(
    resource: str, action: str
) -> None:
    result = CliRunner().invoke(app, ["api", resource, action, "--help"])

    assert result.exit_code == 0, result.output


def test_the_in_process_sandbox_needs_no_server_and_no_credentials() -> None:
    result = Cli(("--sandbox",))("api", "countries", "list", "--filter", "iso_code=DE")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["name"] == "Germany"


def test_a_command_without_a_base_url_says_how_to_give_one() -> None:
    result = Cli(())("api", "items", "list")

    assert result.exit_code == 2
    assert "--base-url" in result.stderr
    assert "AHEAD_BASE_URL" in result.stderr
