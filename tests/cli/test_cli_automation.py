"""Automation queues, RMAs and the CSV report on the command line, against a sandbox over HTTP."""

from __future__ import annotations

import csv
import io

from cli_support import Cli

SERIAL = "SN-CLI-1"
IP = "10.0.0.5"


def _update(cli: Cli, action: str, sequence: int, *extra: str) -> dict:
    return cli.json(
        "api", "automation-queues", action,
        "--serial", SERIAL, "--sequence", str(sequence), "--ip", IP, *extra,
    )  # fmt: skip


def test_a_test_station_creates_starts_fails_and_completes_tasks(cli: Cli) -> None:
    created = cli.json(
        "api", "automation-queues", "create",
        "--serial", SERIAL, "--ip", IP, "--task", "1:1", "--task", "2:2:1234",
    )  # fmt: skip
    _update(cli, "start", 1, "--message", "Burn-in started")
    failed = _update(cli, "fail", 1, "-m", "ECC errors")
    _update(cli, "start", 1)
    done = _update(cli, "complete", 1, "--message", "Burn-in passed")

    assert created["manufacturer_serial"] == SERIAL
    assert [(t["sequence"], t["assignee_id"]) for t in created["automation_tasks"]] == [
        (1, None),
        (2, 1234),
    ]
    first_tries = [t for t in failed["automation_tasks"] if t["sequence"] == 1]
    assert [(t["failed"], t["started_at"] is not None) for t in first_tries] == [
        (True, True),
        (False, False),
    ]
    retried = [t for t in done["automation_tasks"] if t["sequence"] == 1 and not t["failed"]]
    assert retried[0]["completed_at"] is not None
    assert retried[0]["message"] == "Burn-in passed"
    assert done["finished"] is False


def test_a_queue_can_also_be_created_from_a_json_body(cli: Cli) -> None:
    body = '{"manufacturer_serial": "SN-J", "ip_address": "", "automation_tasks": '
    body += '[{"task_type_id": 3, "sequence": 5}]}'

    created = cli.json("api", "automation-queues", "create", "--data", body)

    assert [t["sequence"] for t in created["automation_tasks"]] == [5]


def test_a_malformed_task_option_is_bad_input(cli: Cli) -> None:
    result = cli("api", "automation-queues", "create", "--serial", SERIAL, "--ip", IP,
                 "--task", "burn-in")  # fmt: skip

    assert result.exit_code == 2
    assert "--task 'burn-in' is not TYPE_ID:SEQUENCE[:ASSIGNEE]" in result.stderr


def test_repeated_sequences_are_refused_before_anything_is_sent(cli: Cli) -> None:
    result = cli("api", "automation-queues", "create", "--serial", SERIAL, "--ip", IP,
                 "--task", "1:1", "--task", "2:1")  # fmt: skip
    listed = cli.json("api", "automation-queues", "list")

    assert result.exit_code == 2
    assert "automation_tasks: Value error, sequence 1 is used twice" in result.stderr
    assert listed["count"] == 0


def test_updating_a_serial_without_a_queue_is_an_api_error(cli: Cli) -> None:
    result = cli("api", "automation-queues", "start", "--serial", "NOPE", "--sequence", "1",
                 "--ip", IP)  # fmt: skip

    assert result.exit_code == 1
    assert "PUT /v2/automation_queues answered 404" in result.stderr
    assert "manufacturer_serial: no automation queue" in result.stderr


def test_the_report_prints_the_csv_as_the_api_sent_it(cli: Cli) -> None:
    cli.json("api", "automation-queues", "create", "--serial", SERIAL, "--ip", IP,
             "--task", "1:1", "--task", "2:2")  # fmt: skip
    _update(cli, "fail", 2, "-m", "Imaging server unreachable")

    result = cli("api", "automation-tasks-report", "list")

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["sequence"], r["failed"], r["manufacturer_serial"]) for r in rows] == [
        ("1", "false", SERIAL),
        ("2", "true", SERIAL),
        ("2", "false", SERIAL),
    ]


def test_the_report_as_a_table(cli: Cli) -> None:
    cli.json("api", "automation-queues", "create", "--serial", SERIAL, "--ip", IP,
             "--task", "4:1")  # fmt: skip
    _update(cli, "notify", 1, "-m", "Flashing BIOS")

    result = cli("api", "automation-tasks-report", "list", "--format", "table")

    assert result.exit_code == 0, result.output
    assert "Flashing BIOS" in result.stdout
    assert "1 tasks (/v2/reports/automation_tasks)" in result.stdout


def test_rmas_open_and_closed_list_their_own_rmas(cli: Cli) -> None:
    opened = cli.json("api", "rmas", "open")
    closed = cli.json("api", "rmas", "closed", "--all")
    every = cli.json("api", "rmas", "list")

    open_ids = {r["id"] for r in opened["results"]}
    closed_ids = {r["id"] for r in closed["results"]}
    assert open_ids
    assert closed_ids
    assert not open_ids & closed_ids
    assert open_ids | closed_ids == {r["id"] for r in every["results"]}
    assert all(r["closed_date"] is None for r in opened["results"])


def test_a_new_rma_shows_among_the_open_ones(cli: Cli) -> None:
    body = (
        '{"problem": "No POST", "request_type_id": 3, "manufacturer_serial": "SN-R1", '
        '"replacement_name": "Acme receiving"}'
    )
    created = cli.json("api", "rmas", "create", "--data", body)

    result = cli("api", "rmas", "open", "--format", "table")

    assert result.exit_code == 0, result.output
    assert str(created["id"]) in result.stdout
    assert "SN-R1" in result.stdout


def test_all_pages_of_open_rmas_are_read_one_record_per_page(cli: Cli) -> None:
    for serial in ("SN-R1", "SN-R2"):
        body = (
            f'{{"problem": "No POST", "request_type_id": 1, "manufacturer_serial": "{serial}", '
            '"replacement_name": "Acme receiving"}'
        )
        cli.json("api", "rmas", "create", "--data", body)
    first_page = cli.json("api", "rmas", "open", "--limit", "1")

    every = cli.json("api", "rmas", "open", "--all", "--limit", "1")

    ids = [r["id"] for r in every["results"]]
    assert first_page["count"] == 1
    assert len(ids) == len(set(ids)) == first_page["total_results"] >= 3
