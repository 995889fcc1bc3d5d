"""Targets: the built-in ones, validators registered by other packages, entry points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from mapping_support import LOOKUPS, ShipmentNotice, line_of, write_mapping

from connector.mapping import (
    TARGET_ENTRY_POINT_GROUP,
    DeclarativeMapping,
    InvalidTargetError,
    ModelTarget,
    RecordMappingError,
    TargetIssue,
    TargetRegistry,
    TargetValidationError,
    UnknownTargetError,
    ValidatorTarget,
    load_mapping,
    target_from_entry_point,
    x12_document_issues,
)


def no_widgets(document: Mapping[str, Any]) -> Sequence[TargetIssue]:
    """A validator: a document may not hold a widget."""
    return [
        TargetIssue(("items", index), "widgets are not allowed here")
        for index, item in enumerate(document.get("items", []))
        if item == "widget"
    ]


NOT_A_TARGET = 42
MISNAMED = ValidatorTarget("other.name", no_widgets)


def _entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=TARGET_ENTRY_POINT_GROUP)


def test_the_standard_registry_has_the_built_in_targets() -> None:
    registry = TargetRegistry.standard()

    # Besides the built-in ones, the installed adapters' targets (NetSuite, X12) are there.
    assert {
        "ahead.order_submission",
        "ahead.rma",
        "ahead.serial_data",
        "x12.810",
        "x12.856",
    } <= set(registry.names())
    assert registry.names() == sorted(registry.names())
    with pytest.raises(UnknownTargetError, match=r"unknown target 'ahead\.order'"):
        registry.get("ahead.order")


def test_a_registered_validator_checks_documents_and_its_issues_get_lines(
    tmp_path: Path,
) -> None:
    registry = TargetRegistry.standard()
    registry.register(ValidatorTarget("test.basket", no_widgets))
    file = write_mapping(
        tmp_path,
        "basket",
        """
        target: test.basket
        fields:
          items:
            each: "{{ things }}"
            as: thing
            value: "{{ thing.kind }}"
        """,
    )
    mapping = DeclarativeMapping(load_mapping(file, targets=registry), LOOKUPS)

    good = mapping.apply({"things": [{"kind": "gadget"}]})
    with pytest.raises(RecordMappingError) as error:
        mapping.apply({"things": [{"kind": "gadget"}, {"kind": "widget"}]})

    assert good.document == {"items": ["gadget"]}
    [issue] = error.value.issues
    assert issue.field == "items[1]"
    assert issue.line == line_of(file, "items:")
    assert issue.value == "'widget'"
    assert issue.source == "things[1].kind"
    assert issue.message == "widgets are not allowed here (target test.basket)"


def test_a_later_registration_replaces_a_target_of_the_same_name() -> None:
    registry = TargetRegistry.standard()
    registry.register(ValidatorTarget("x12.856", no_widgets))

    with pytest.raises(TargetValidationError):
        registry.get("x12.856").validate({"items": ["widget"]})


def test_an_entry_point_may_name_a_model_a_validator_or_a_target() -> None:
    model = target_from_entry_point(_entry_point("test.shipment", "mapping_support:ShipmentNotice"))
    validator = target_from_entry_point(
        _entry_point("test.basket", "test_mapping_targets:no_widgets")
    )

    assert isinstance(model, ModelTarget)
    assert model.model is ShipmentNotice
    assert isinstance(validator, ValidatorTarget)
    assert validator.name == "test.basket"
    assert validator.model is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("test_mapping_targets:NOT_A_TARGET", "neither a pydantic model, a Target nor a validator"),
        ("test_mapping_targets:MISNAMED", "names a target called 'other.name'"),
    ],
)
def test_an_entry_point_naming_something_else_is_refused(value: str, message: str) -> None:
    with pytest.raises(InvalidTargetError, match=message):
        target_from_entry_point(_entry_point("test.thing", value))


def test_a_model_target_returns_the_json_form_of_the_fields_set() -> None:
    target = ModelTarget("test.shipment", ShipmentNotice)

    document = target.validate(
        {"shipment_id": "S", "shipped_on": "d", "packages": [{"tracking_number": "T", "weight": 1}]}
    )

    assert document == {
        "shipment_id": "S",
        "shipped_on": "d",
        "packages": [{"tracking_number": "T", "weight": 1.0}],
    }


def test_the_generic_x12_check_knows_segments_loops_and_elements() -> None:
    issues = x12_document_issues(
        {
            "envelope": {},
            "BSN": {"BSN01": "00", "BSN02": "S1", "BSX03": "x", "BSN04": True},
            "REF": [{"REF01": "BM", "REF02": ["A", "B"]}, "oops"],
            "HL_loop": [{"HL": {"HL03": "S"}, "TD1": {"TD107": 5}}, 3],
            "PO1_loop": {"PO1": {}},
            "shipment": {},
        }
    )

    assert [(issue.path, issue.unknown) for issue in issues] == [
        (("envelope",), True),
        (("BSN", "BSX03"), True),
        (("BSN", "BSN04"), False),
        (("REF", 1), False),
        (("HL_loop", 1), False),
        (("PO1_loop",), False),
        (("shipment",), True),
    ]
    assert "leave the envelope out" in issues[0].message
