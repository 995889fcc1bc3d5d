"""The automation tasks CSV report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from api_fakes import ScriptedApi, reply

from connector.api import UnexpectedResponseError, parse_automation_tasks_csv
from connector.api.reports import AUTOMATION_TASK_COLUMNS

HEADER = ",".join(AUTOMATION_TASK_COLUMNS)
REPORT = (
    f"{HEADER}\r\n"
    "1,10,3,1,2024-05-01T12:00:00Z,2024-05-01T12:30:00Z,false,Run-In passed,42,Acme,7,8,9,SN-1\r\n"
    '2,10,4,2,2024-05-01T12:31:00Z,,TRUE,"Burn-in failed, fan 2",,,7,8,9,SN-1\r\n'
    "3,10,4,3,,,,,,,7,8,9,SN-1\r\n"
)


def test_report_rows_become_tasks_with_empty_cells_as_none() -> None:
    first, second, third = parse_automation_tasks_csv(REPORT)

    assert first.id == 1
    assert first.automation_queue_id == 10
    assert first.started_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert first.failed is False
    assert first.assignee_name == "Acme"
    assert first.manufacturer_serial == "SN-1"

    assert second.failed is True
    assert second.completed_at is None
    assert second.message == "Burn-in failed, fan 2"
    assert second.assignee_id is None

    assert (third.started_at, third.message, third.failed) == (None, None, False)


def test_columns_in_another_order_and_unknown_columns_are_read() -> None:
    text = "sequence,id,failed,station\n5,99,false,bay 3\n"
    (task,) = parse_automation_tasks_csv(text)
    assert (task.id, task.sequence) == (99, 5)
    assert task.model_extra == {"station": "bay 3"}


def test_byte_order_mark_and_blank_lines_are_ignored() -> None:
    text = "\ufeffid,sequence\n\n1,1\n,\n"
    assert [t.id for t in parse_automation_tasks_csv(text)] == [1]


def test_empty_report_has_no_tasks() -> None:
    assert parse_automation_tasks_csv("") == []
    assert parse_automation_tasks_csv(HEADER + "\n") == []


def test_missing_required_column_is_named() -> None:
    with pytest.raises(ValueError, match="lacks the column\\(s\\) sequence"):
        parse_automation_tasks_csv("id,failed\n1,false\n")


def test_failed_that_is_not_true_or_false_names_row_and_column() -> None:
    with pytest.raises(ValueError, match="row 3, column failed: 'maybe'"):
        parse_automation_tasks_csv("id,sequence,failed\n1,1,false\n2,2,maybe\n")


def test_bad_cell_names_row_and_column() -> None:
    with pytest.raises(ValueError, match="row 2, column started_at"):
        parse_automation_tasks_csv("id,sequence,started_at\n1,1,yesterday\n")


def test_row_with_too_many_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="row 2 has 3 cells"):
        parse_automation_tasks_csv("id,sequence\n1,1,extra\n")


def test_client_fetches_and_parses_the_report() -> None:
    api = ScriptedApi().on(
        "GET",
        "/v2/reports/automation_tasks",
        reply(text=REPORT, headers={"Content-Type": "text/csv"}),
    )
    with api.client() as client:
        tasks = client.automation_tasks_report()
    assert [t.id for t in tasks] == [1, 2, 3]
    assert api.requests[0].headers["Accept"] == "text/csv"


def test_client_returns_the_raw_csv_for_the_command_line() -> None:
    api = ScriptedApi().on("GET", "/v2/reports/automation_tasks", reply(text=REPORT))
    with api.client() as client:
        assert client.automation_tasks_report_csv() == REPORT


def test_unreadable_report_is_unexpected_response_naming_the_row() -> None:
    api = ScriptedApi().on("GET", "/v2/reports/automation_tasks", reply(text="id,sequence\nx,1\n"))
    with api.client() as client, pytest.raises(UnexpectedResponseError, match="row 2, column id"):
        client.automation_tasks_report()
