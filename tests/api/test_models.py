"""The AHEAD models: exact decimals, aware datetimes, and the reference's limits."""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal

import pytest
from pydantic import ValidationError

from connector.api import models


def order_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "purchase_order": "56789",
        "customer_order": "AHEAD-01234-56789",
        "ship_method_id": 12,
        "recipient": {
            "name": "John L. Doe",
            "address_1": "467 Highway #1",
            "city": "Toronto",
            "state": "ON",
            "zip": "M5A 123",
            "country": "CA",
        },
        "lines": [
            {"product_code": "Generic Product 1", "quantity": 2, "customs_declared_value": 123.4}
        ],
    }
    body.update(overrides)
    return body


def test_customs_value_is_an_exact_decimal_and_serializes_as_a_json_number() -> None:
    order = models.OrderSubmission.model_validate(order_body())
    assert order.lines[0].customs_declared_value == Decimal("123.4")
    dumped = json.loads(order.model_dump_json())
    assert dumped["lines"][0]["customs_declared_value"] == 123.4


def test_naive_timestamps_from_the_api_are_taken_as_utc() -> None:
    order = models.CustomerOrder.model_validate(
        {
            "id": 1,
            "customer_order": "X",
            "status": "Pending",
            "end_user_order_dt": "2015-04-30T14:36:13.073726",
        }
    )
    assert order.end_user_order_dt is not None
    assert order.end_user_order_dt.tzinfo is UTC


def test_status_is_read_whatever_its_case() -> None:
    order = models.CustomerOrder.model_validate(
        {"id": 1, "customer_order": "X", "status": "shipped"}
    )
    assert order.status is models.OrderStatus.SHIPPED


def test_address_line_longer_than_35_characters_is_rejected_with_its_field() -> None:
    body = order_body()
    body["recipient"] = {**body["recipient"], "address_1": "x" * 36}  # type: ignore[dict-item]
    with pytest.raises(ValidationError) as caught:
        models.OrderSubmission.model_validate(body)
    assert caught.value.errors()[0]["loc"] == ("recipient", "address_1")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"product_code": "P", "quantity": 0}, "quantity"),
        (
            {"product_code": "P", "quantity": 1, "customs_declared_value": -1},
            "customs_declared_value",
        ),
    ],
)
def test_non_positive_quantity_and_negative_customs_value_are_rejected(
    line: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        models.OrderSubmission.model_validate(order_body(lines=[line]))
    assert caught.value.errors()[0]["loc"] == ("lines", 0, field)


def test_request_models_reject_unknown_fields() -> None:
    with pytest.raises(ValidationError) as caught:
        models.OrderSubmission.model_validate(order_body(purchase_ordr="typo"))
    assert caught.value.errors()[0]["loc"] == ("purchase_ordr",)


def test_response_models_keep_fields_they_do_not_know() -> None:
    item = models.Item.model_validate({"id": 1, "name": "StockBox 2000", "new_field": 7})
    assert item.model_extra == {"new_field": 7}


def test_task_sequences_must_be_unique_within_a_queue() -> None:
    with pytest.raises(ValidationError, match="sequence 1 is used twice"):
        models.AutomationQueueCreate.model_validate(
            {
                "manufacturer_serial": "SN1",
                "ip_address": "10.0.0.5",
                "automation_tasks": [
                    {"task_type_id": 1, "sequence": 1},
                    {"task_type_id": 2, "sequence": 1},
                ],
            }
        )


def test_account_numbers_given_as_numbers_become_text() -> None:
    order = models.OrderSubmission.model_validate(order_body(duties_and_taxes_account=10000000))
    assert order.duties_and_taxes_account == "10000000"


def test_rma_request_type_outside_the_documented_ones_is_rejected() -> None:
    with pytest.raises(ValidationError):
        models.RmaCreate.model_validate(
            {
                "problem": "p",
                "request_type_id": 6,
                "manufacturer_serial": "S",
                "replacement_name": "R",
            }
        )
