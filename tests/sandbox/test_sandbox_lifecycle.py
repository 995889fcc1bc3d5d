"""The pure parts of the sandbox: order lifecycle, shipment planning, automation task states."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from connector.api.models import (
    AutomationMessageType,
    AutomationTask,
    OrderLine,
    OrderStatus,
    WebhookEventName,
)
from connector.sandbox import automation, lifecycle
from connector.sandbox.config import LifecycleConfig
from connector.sandbox.fulfilment import ItemFacts, plan_shipment

SUBMITTED = datetime(2025, 1, 1, tzinfo=UTC)
TIMED = LifecycleConfig(release_after=60, ship_after=300)

PENDING, RELEASED, SHIPPED = OrderStatus.PENDING, OrderStatus.RELEASED, OrderStatus.SHIPPED


def at(seconds: float) -> datetime:
    return SUBMITTED + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("current", "elapsed", "config", "expected"),
    [
        (PENDING, 59, TIMED, PENDING),
        (PENDING, 60, TIMED, RELEASED),
        (PENDING, 300, TIMED, SHIPPED),
        (RELEASED, 299, TIMED, RELEASED),
        (RELEASED, 300, TIMED, SHIPPED),
        (SHIPPED, 10, TIMED, SHIPPED),
        (PENDING, 10_000, LifecycleConfig(release_after=None, ship_after=300), PENDING),
        (RELEASED, 10_000, LifecycleConfig(release_after=None, ship_after=300), SHIPPED),
        (PENDING, 10_000, LifecycleConfig(release_after=60, ship_after=None), RELEASED),
    ],
)
def test_due_status_follows_the_configured_delays(
    current: OrderStatus, elapsed: float, config: LifecycleConfig, expected: OrderStatus
) -> None:
    assert lifecycle.due_status(current, SUBMITTED, config, at(elapsed)) is expected


def test_next_status_walks_the_flow_and_stops_at_shipped() -> None:
    assert lifecycle.next_status(PENDING) is RELEASED
    assert lifecycle.next_status(RELEASED) is SHIPPED
    assert lifecycle.next_status(SHIPPED) is None


def test_steps_to_lists_every_status_passed_through() -> None:
    assert lifecycle.steps_to(PENDING, SHIPPED) == [RELEASED, SHIPPED]
    assert lifecycle.steps_to(RELEASED, RELEASED) == []
    assert lifecycle.steps_to(SHIPPED, PENDING) == []


def test_shipping_publishes_shipped_then_invoiced() -> None:
    assert lifecycle.events_on_entering(RELEASED) == (WebhookEventName.ORDER_RELEASED,)
    assert lifecycle.events_on_entering(SHIPPED) == (
        WebhookEventName.ORDER_SHIPPED,
        WebhookEventName.ORDER_INVOICED,
    )


FACTS = {
    "Server": ItemFacts(
        item_id=1, serialized=True, weight=Decimal("18.5"), price=Decimal("4999.99")
    ),
    "Cable": ItemFacts(item_id=2, serialized=False, weight=None, price=Decimal("7.10")),
}


def test_a_shipment_has_one_serial_per_unit_of_serialized_items_only() -> None:
    lines = [
        OrderLine(product_code="Server", quantity=3),
        OrderLine(product_code="Cable", quantity=2),
    ]

    shipment = plan_shipment(42, lines, FACTS, random.Random(1))

    assert len(shipment.serial_numbers[0]) == 3
    assert len(set(shipment.serial_numbers[0])) == 3
    assert shipment.serial_numbers[1] == []


def test_a_shipment_has_a_package_per_line_weighed_by_quantity() -> None:
    lines = [
        OrderLine(product_code="Server", quantity=2),
        OrderLine(product_code="Cable", quantity=1),
    ]

    shipment = plan_shipment(42, lines, FACTS, random.Random(1))

    assert [t.weight for t in shipment.tracking_numbers] == [Decimal("37.0"), None]
    assert len({t.tracking_number for t in shipment.tracking_numbers}) == 2


def test_the_invoice_total_is_the_exact_sum_of_price_times_quantity() -> None:
    lines = [
        OrderLine(product_code="Server", quantity=3),
        OrderLine(product_code="Cable", quantity=3),
        OrderLine(product_code="Unknown", quantity=5),
    ]

    shipment = plan_shipment(42, lines, FACTS, random.Random(1))

    assert shipment.invoice_total == Decimal("15021.27")


def test_serials_and_tracking_numbers_differ_between_orders_even_with_the_same_randomness() -> None:
    lines = [OrderLine(product_code="Server", quantity=1)]

    first = plan_shipment(1, lines, FACTS, random.Random(5))
    second = plan_shipment(2, lines, FACTS, random.Random(5))

    assert first.serial_numbers != second.serial_numbers
    assert first.tracking_numbers[0].tracking_number != second.tracking_numbers[0].tracking_number


NOW = datetime(2025, 2, 1, tzinfo=UTC)


def task(**fields: object) -> AutomationTask:
    return AutomationTask.model_validate(
        {"id": 1, "automation_queue_id": 9, "automation_task_type_id": 3, "sequence": 1} | fields
    )


def test_start_stamps_started_at_once() -> None:
    started = automation.apply_update(task(), AutomationMessageType.START, "go", NOW).task
    again = automation.apply_update(
        started, AutomationMessageType.START, None, NOW + timedelta(hours=1)
    ).task

    assert started.started_at == NOW
    assert started.message == "go"
    assert again.started_at == NOW


def test_complete_stamps_completed_at_and_started_at_when_missing() -> None:
    done = automation.apply_update(task(), AutomationMessageType.COMPLETE, None, NOW).task

    assert (done.started_at, done.completed_at) == (NOW, NOW)


def test_fail_marks_the_task_and_makes_a_new_unstarted_one_like_it() -> None:
    running = task(started_at=NOW, assignee_id=5, manufacturer_serial="S1")

    outcome = automation.apply_update(running, AutomationMessageType.FAIL, "disk error", NOW)

    assert outcome.task.failed
    assert outcome.task.message == "disk error"
    assert outcome.retry is not None
    assert outcome.retry.failed is False
    assert outcome.retry.started_at is None
    retry_fields = ("automation_task_type_id", "sequence", "assignee_id", "manufacturer_serial")
    assert [getattr(outcome.retry, f) for f in retry_fields] == [3, 1, 5, "S1"]


def test_notify_changes_only_the_message() -> None:
    running = task(started_at=NOW)

    notified = automation.apply_update(running, AutomationMessageType.NOTIFY, "50%", NOW).task

    assert notified == running.model_copy(update={"message": "50%"})


@pytest.mark.parametrize("message_type", [AutomationMessageType.START, AutomationMessageType.FAIL])
def test_a_completed_task_cannot_start_or_fail(message_type: AutomationMessageType) -> None:
    with pytest.raises(automation.TaskUpdateError) as caught:
        automation.apply_update(task(completed_at=NOW), message_type, None, NOW)

    assert caught.value.field == "message_type"


def test_the_current_task_of_a_sequence_is_the_newest_that_has_not_failed() -> None:
    tasks = [task(id=1, failed=True), task(id=4), task(id=2, sequence=2)]

    current = automation.current_task(tasks, 1)

    assert current is not None
    assert current.id == 4
    assert automation.current_task(tasks, 3) is None


def test_a_queue_is_finished_when_every_live_task_is_complete() -> None:
    assert not automation.queue_finished([task(id=1, completed_at=NOW), task(id=2, sequence=2)])
    assert automation.queue_finished([task(id=1, failed=True), task(id=2, completed_at=NOW)])
    assert not automation.queue_finished([])
