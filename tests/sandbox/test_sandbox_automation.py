"""Forge automation over HTTP: queues, task updates, the CSV report; and serial data."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from sandbox_support import errors_of, q

from connector.api.models import AutomationQueue
from connector.sandbox import Sandbox

QUEUES = "/v2/automation_queues"
SERIAL = "SYS-0001"
QUEUE_REQUEST: dict[str, Any] = {
    "manufacturer_serial": SERIAL,
    "ip_address": "10.0.0.7",
    "automation_tasks": [
        {"task_type_id": 1, "sequence": 1},
        {"task_type_id": 3, "sequence": 2, "assignee_id": 1234},
    ],
}


def update(client: httpx.Client, message_type: str, sequence: int, **extra: Any) -> httpx.Response:
    body = {
        "manufacturer_serial": SERIAL,
        "ip_address": "10.0.0.7",
        "sequence": sequence,
        "message_type": message_type,
        **extra,
    }
    return client.put(QUEUES, json=body)


@pytest.fixture
def queue(client: httpx.Client) -> AutomationQueue:
    response = client.post(QUEUES, json=QUEUE_REQUEST)
    assert response.status_code == 201, response.text
    return AutomationQueue.model_validate(response.json())


def task_of(queue: AutomationQueue | dict[str, Any], sequence: int) -> dict[str, Any]:
    data = queue if isinstance(queue, dict) else queue.model_dump(mode="json")
    live = [t for t in data["automation_tasks"] if t["sequence"] == sequence and not t["failed"]]
    assert len(live) == 1
    return live[0]


def test_a_new_queue_gets_a_serial_a_work_order_and_its_unstarted_tasks(
    queue: AutomationQueue,
) -> None:
    assert queue.serial_id is not None
    assert queue.work_order_id is not None
    assert queue.finished is False
    assert [(t.sequence, t.automation_task_type_id) for t in queue.automation_tasks] == [
        (1, 1),
        (2, 3),
    ]
    assert all(t.started_at is None and t.work_order_id == queue.work_order_id
               for t in queue.automation_tasks)  # fmt: skip
    assert queue.automation_tasks[1].assignee_name == "Sandbox Organization"


def test_queues_are_listed_and_read_with_their_tasks(
    client: httpx.Client, queue: AutomationQueue
) -> None:
    listed = client.get(QUEUES, params=q(manufacturer_serial=SERIAL)).json()
    one = client.get(f"{QUEUES}/{queue.id}").json()

    assert [r["id"] for r in listed["results"]] == [queue.id]
    assert len(one["automation_tasks"]) == 2
    assert client.get(f"{QUEUES}/999").status_code == 404


def test_a_queue_for_a_shipped_serial_knows_its_item(client: httpx.Client) -> None:
    shipped_serial = client.get("/v2/rmas/closed").json()["results"][0]["manufacturer_serial"]

    created = client.post(QUEUES, json={**QUEUE_REQUEST, "manufacturer_serial": shipped_serial})

    assert {t["item_id"] for t in created.json()["automation_tasks"]} == {1423291}


def test_an_unknown_task_type_is_a_422_naming_the_task(client: httpx.Client) -> None:
    body = {**QUEUE_REQUEST, "automation_tasks": [{"task_type_id": 77, "sequence": 1}]}

    response = client.post(QUEUES, json=body)

    assert response.status_code == 422
    assert "unknown task type 77" in errors_of(response)["automation_tasks.0.task_type_id"]


def test_a_sequence_used_twice_in_a_queue_is_a_422(client: httpx.Client, sandbox: Sandbox) -> None:
    tasks = [{"task_type_id": 1, "sequence": 4}, {"task_type_id": 2, "sequence": 4}]

    response = client.post(QUEUES, json={**QUEUE_REQUEST, "automation_tasks": tasks})

    assert response.status_code == 422
    assert "sequence 4 is used twice" in errors_of(response)["automation_tasks"]
    assert sandbox.store.count("automation_queues") == 0


def test_start_then_complete_stamps_the_task_and_finishes_the_queue(
    client: httpx.Client, queue: AutomationQueue
) -> None:
    started = update(client, "start", 1, message="Started Burn-In").json()
    assert task_of(started, 1)["started_at"] == "2025-03-01T12:00:00Z"
    assert task_of(started, 1)["message"] == "Started Burn-In"

    update(client, "complete", 1)
    done = update(client, "complete", 2).json()

    assert task_of(done, 1)["completed_at"] == "2025-03-01T12:00:00Z"
    assert done["finished"] is True


def test_fail_keeps_the_failed_task_and_adds_a_new_unstarted_one(
    client: httpx.Client, queue: AutomationQueue
) -> None:
    update(client, "start", 2)

    failed = update(client, "fail", 2, message="memory error").json()

    same_sequence = [t for t in failed["automation_tasks"] if t["sequence"] == 2]
    assert [(t["failed"], t["started_at"] is None) for t in same_sequence] == [
        (True, False),
        (False, True),
    ]
    assert same_sequence[0]["message"] == "memory error"
    assert same_sequence[1]["automation_task_type_id"] == 3
    assert failed["finished"] is False


def test_updates_after_a_fail_go_to_the_new_task(
    client: httpx.Client, queue: AutomationQueue
) -> None:
    update(client, "fail", 1)

    restarted = update(client, "start", 1).json()

    failed, retry = [t for t in restarted["automation_tasks"] if t["sequence"] == 1]
    assert failed["started_at"] is None
    assert retry["started_at"] is not None


def test_notify_updates_only_the_message(client: httpx.Client, queue: AutomationQueue) -> None:
    update(client, "start", 1)

    notified = update(client, "notify", 1, message="Reticulating splines").json()

    task = task_of(notified, 1)
    assert task["message"] == "Reticulating splines"
    assert task["completed_at"] is None


def test_an_update_for_an_unknown_serial_is_a_404(client: httpx.Client) -> None:
    response = update(client, "start", 1)

    assert response.status_code == 404
    assert "manufacturer_serial" in errors_of(response)


def test_an_update_for_an_unknown_sequence_is_a_422(
    client: httpx.Client, queue: AutomationQueue
) -> None:
    response = update(client, "start", 9)

    assert response.status_code == 422
    assert "sequence 9" in errors_of(response)["sequence"]


def test_an_invalid_message_type_is_a_422(client: httpx.Client, queue: AutomationQueue) -> None:
    response = update(client, "pause", 1)

    assert response.status_code == 422
    assert "message_type" in errors_of(response)


def test_starting_a_completed_task_is_a_422(client: httpx.Client, queue: AutomationQueue) -> None:
    update(client, "complete", 1)

    response = update(client, "start", 1)

    assert response.status_code == 422
    assert "already complete" in errors_of(response)["message_type"]


def test_the_report_is_csv_with_the_reference_columns_in_order(
    client: httpx.Client, queue: AutomationQueue
) -> None:
    update(client, "start", 1, message="go")
    update(client, "fail", 1, message="no boot")

    response = client.get("/v2/reports/automation_tasks")

    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "id",
        "automation_queue_id",
        "automation_task_type_id",
        "sequence",
        "started_at",
        "completed_at",
        "failed",
        "message",
        "assignee_id",
        "assignee_name",
        "work_order_id",
        "serial_id",
        "item_id",
        "manufacturer_serial",
    ]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["sequence"], r["failed"], r["message"]) for r in records] == [
        ("1", "true", "no boot"),
        ("2", "false", ""),
        ("1", "false", ""),
    ]
    assert records[0]["manufacturer_serial"] == SERIAL
    assert records[1]["assignee_name"] == "Sandbox Organization"
    assert {r["work_order_id"] for r in records} == {str(queue.work_order_id)}


def test_the_report_takes_q_filters(client: httpx.Client, queue: AutomationQueue) -> None:
    response = client.get("/v2/reports/automation_tasks", params=q(sequence=2))

    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[3] for row in rows[1:]] == ["2"]


SERIAL_DATA = {"manufacturer_serial": SERIAL, "serial_data_type_id": 1, "value": "aa:bb:cc"}


def test_serial_data_is_submitted_and_listed(client: httpx.Client) -> None:
    response = client.post("/v2/serial_data", json={**SERIAL_DATA, "metadata": "eth0"})

    assert response.status_code == 201
    datum = response.json()
    assert datum["created_at"] == "2025-03-01T12:00:00Z"
    listed = client.get("/v2/serial_data", params=q(manufacturer_serial=SERIAL)).json()
    assert listed["results"] == [datum]
    assert client.get(f"/v2/serial_data/{datum['id']}").json() == datum


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"serial_data_type_id": 99}, "serial_data_type_id"),
        ({"value": "v" * 257}, "value"),
        ({"manufacturer_serial": ""}, "manufacturer_serial"),
    ],
)
def test_invalid_serial_data_is_a_422_naming_the_field(
    client: httpx.Client, change: dict[str, Any], field: str
) -> None:
    response = client.post("/v2/serial_data", json={**SERIAL_DATA, **change})

    assert response.status_code == 422
    assert field in errors_of(response)
