"""The filters mappings add to Jinja2's: formats, the visible cut rule, X12 element helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mapping_support import LOOKUPS, apply, line_of, mapping_from

from connector.mapping import RecordMappingError

SHIPMENT_TEXT = """
target: test.shipment
fields:
  shipment_id: "{{ value }}"
  shipped_on: "{{ day }}"
  packages:
    - "{{ [{'tracking_number': 'T1'}] }}"
"""


def _field(tmp_path: Path, expression: str, payload: dict[str, Any]) -> Any:
    """The value ``expression`` gives as the shipment id (a model field that takes any text)."""
    text = SHIPMENT_TEXT.replace('"{{ value }}"', f'"{{{{ ({expression}) | string }}}}"')
    return apply(tmp_path, text, {"day": "x", **payload}).document["shipment_id"]


def _errors(tmp_path: Path, expression: str, payload: dict[str, Any]) -> list[str]:
    text = SHIPMENT_TEXT.replace('"{{ value }}"', f'"{{{{ {expression} }}}}"')
    with pytest.raises(RecordMappingError) as error:
        apply(tmp_path, text, {"day": "x", **payload})
    return [issue.message for issue in error.value.issues]


@pytest.mark.parametrize(
    ("expression", "value", "expected"),
    [
        ("v | date('%Y%m%d')", "20250115", "2025-01-15"),
        ("v | date('%Y%m%d', '%d.%m.%Y')", "20250115", "15.01.2025"),
        ("v | date('%Y%m%d%H%M')", "202501151530", "2025-01-15T15:30:00"),
        ("v | date", "2025-01-15", "2025-01-15"),
        ("v | number", "12", "12"),
        ("v | number", " 12.000 ", "12"),
        ("v | number + 1", 41, "42"),
        ("v | decimal", "8.50", "8.50"),
        ("v | decimal(1)", "8.25", "8.3"),
        ("v | decimal(2)", 0.1, "0.10"),
        ("v | cut(5)", "ABC", "ABC"),
    ],
)
def test_format_filters(tmp_path: Path, expression: str, value: Any, expected: str) -> None:
    assert _field(tmp_path, expression, {"v": value}) == expected


@pytest.mark.parametrize(
    ("expression", "value", "message"),
    [
        ("v | date('%Y%m%d')", "2025-01-15", "'2025-01-15' is not a date in the format '%Y%m%d'"),
        ("v | date", "15.01.2025", "'15.01.2025' is not an ISO date"),
        ("v | number", "12.5", "'12.5' is not a whole number"),
        ("v | number", "twelve", "'twelve' is not a number"),
        ("v | decimal", "NaN", "'NaN' is not a decimal number"),
        ("v | number", True, "cannot read as a number bool True"),
        ("v | cut(3)", 1234, "cut applies to text, not int"),
    ],
)
def test_format_filters_name_the_value_they_cannot_read(
    tmp_path: Path, expression: str, value: Any, message: str
) -> None:
    [found] = _errors(tmp_path, expression, {"v": value})

    assert found.startswith(message)


def test_cut_shortens_text_and_reports_each_cut_as_a_warning(tmp_path: Path) -> None:
    text = """
    target: ahead.order_submission
    fields:
      purchase_order: P
      customer_order: C
      ship_method_id: 12
      recipient:
        name: "{{ name }}"
        address_1:
          value: "{{ street }}"
          rule: cut(35)
        address_2: "{{ suite | cut(10) }}"
        city: Austin
        country: US
      lines: [[{product_code: X, quantity: 1}]]
    """
    street = "1234 Extraordinarily Long Boulevard Northwest"
    mapping = mapping_from(tmp_path, text)

    result = mapping.apply({"name": "Dana", "street": street, "suite": "Suite 100 B"})

    assert result.document["recipient"]["address_1"] == street[:35]
    assert result.document["recipient"]["address_2"] == "Suite 100"  # trailing space dropped
    rule, inline = result.warnings
    assert rule.field == "recipient.address_1"
    assert rule.line == line_of(mapping.definition.file, "rule: cut(35)")
    assert rule.source == "street"
    assert rule.value == repr(street)
    assert "cut to 35 characters" in rule.message
    assert repr(street[:35]) in rule.message
    assert inline.field == "recipient.address_2"
    assert inline.line == line_of(mapping.definition.file, "address_2:")


def test_a_value_within_the_length_is_not_cut_and_not_reported(tmp_path: Path) -> None:
    text = SHIPMENT_TEXT.replace('"{{ value }}"', '{value: "{{ v }}", rule: cut(35)}')

    result = apply(tmp_path, text, {"v": "x" * 35, "day": "d"})

    assert result.document["shipment_id"] == "x" * 35
    assert result.warnings == ()


def test_elements_gathers_the_named_elements_of_segments_in_order(tmp_path: Path) -> None:
    n3 = [{"N301": "4501 CASCADE AVE", "N302": "DOCK 4"}, {"N301": "BLDG 2"}]

    value = _field(tmp_path, "n3 | elements('N301', 'N302') | join('/')", {"n3": n3})

    assert value == "4501 CASCADE AVE/DOCK 4/BLDG 2"


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [("['BP', 'VP']", "ACME-SB2000"), ("['VN', 'BP']", "TM-12"), ("'UP'", "614141007349")],
)
def test_qualified_id_takes_the_first_qualifier_present_in_the_order_given(
    tmp_path: Path, qualifiers: str, expected: str
) -> None:
    po1 = {
        "PO101": "1",
        "PO102": "2",
        "PO103": "EA",
        "PO106": "UP",
        "PO107": "614141007349",
        "PO108": "BP",
        "PO109": "ACME-SB2000",
        "PO110": "VN",
        "PO111": "TM-12",
    }

    assert _field(tmp_path, f"po1 | qualified_id({qualifiers})", {"po1": po1}) == expected


def test_qualified_id_without_a_match_is_undefined_so_a_default_applies(tmp_path: Path) -> None:
    text = SHIPMENT_TEXT.replace(
        '"{{ value }}"', "{value: \"{{ po1 | qualified_id(['BP']) }}\", default: none}"
    )

    result = apply(tmp_path, text, {"po1": {"PO106": "UP", "PO107": "1"}, "day": "d"})

    assert result.document["shipment_id"] == "none"


def test_lookup_filters_use_the_lookups_given_to_the_mapping(tmp_path: Path) -> None:
    text = SHIPMENT_TEXT.replace(
        '"{{ value }}"',
        "\"{{ [c | country_iso, s | ship_method_id, p | product_code] | join(',') }}\"",
    )
    payload = {"c": "germany", "s": "dhl", "p": "ACME-PC-C13", "day": "d"}

    result = apply(tmp_path, text, payload, lookups=LOOKUPS)

    assert result.document["shipment_id"] == "DE,40,Power Cord C13"
