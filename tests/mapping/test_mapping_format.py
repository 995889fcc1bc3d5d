"""The mapping file format: expressions, constants, defaults, conditions, alternatives, objects,
``with``, ``each``, ``where``, ``rule`` and ``params``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from mapping_support import apply, purchase_order

from connector.mapping import RecordMappingError

ORDER_HEAD = """
target: ahead.order_submission
fields:
  purchase_order: "{{ BEG.BEG03 }}"
  customer_order: "{{ envelope.customer_order }}"
  ship_method_id: 12
  recipient: {name: Dana, address_1: 1 Main St, city: Austin, country: US}
  lines:
    each: "{{ PO1_loop }}"
    as: line
    fields:
      product_code: "{{ line.PO1.PO101 }}"
      quantity: "{{ line.PO1.PO102 | number }}"
"""


def test_one_expression_gives_its_own_value_not_text(tmp_path: Path) -> None:
    result = apply(tmp_path, ORDER_HEAD, purchase_order())

    assert result.document["purchase_order"] == "PO12345"
    assert result.document["lines"][0]["quantity"] == 12
    assert result.document["ship_method_id"] == 12
    assert result.warnings == ()


def test_text_around_expressions_gives_text(tmp_path: Path) -> None:
    text = ORDER_HEAD.replace(
        'purchase_order: "{{ BEG.BEG03 }}"',
        'purchase_order: "PO {{ BEG.BEG03 }}/{{ BEG.BEG01 }}"',
    )

    result = apply(tmp_path, text, purchase_order())

    assert result.document["purchase_order"] == "PO PO12345/00"


def test_a_default_applies_when_the_source_path_is_absent(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes:
    value: "{{ BEG.BEG04 }}"
    default: "release {{ params.release }}"
params:
  release: none given
"""
    )

    result = apply(tmp_path, text, purchase_order())

    assert result.document["notes"] == "release none given"


def test_a_default_of_null_leaves_an_optional_field_out(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes:
    value: "{{ BEG.BEG04 }}"
    default: null
"""
    )

    result = apply(tmp_path, text, purchase_order())

    assert "notes" not in result.document


def test_the_first_alternative_that_gives_a_value_wins(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes:
    - "{{ BEG.BEG04 }}"
    - "{{ REF[0].REF03 | default('') }}"
    - "{{ REF[0].REF02 }}"
    - "never used"
"""
    )

    result = apply(tmp_path, text, purchase_order())

    assert result.document["notes"] == "042"


def test_a_field_whose_condition_is_false_is_left_out(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes:
    value: "rush"
    when: "{{ BEG.BEG02 == 'RO' }}"
  end_user_po:
    value: "{{ REF[0].REF02 }}"
    when: "{{ REF is defined }}"
"""
    )

    standalone = apply(tmp_path, text, purchase_order())
    rush = apply(tmp_path, text, purchase_order(BEG={"BEG02": "RO", "BEG03": "PO9"}, REF=None))

    assert "notes" not in standalone.document
    assert standalone.document["end_user_po"] == "042"
    assert rush.document["notes"] == "rush"
    assert "end_user_po" not in rush.document


def test_with_binds_a_value_for_an_objects_fields(tmp_path: Path) -> None:
    text = ORDER_HEAD.replace(
        "  recipient: {name: Dana, address_1: 1 Main St, city: Austin, country: US}\n",
        """  recipient:
    with: "{{ N1_loop | selectattr('N1.N101', 'equalto', 'ST') | first }}"
    as: ship_to
    fields:
      name: "{{ ship_to.N1.N102 }}"
      address_1: "{{ ship_to.N3[0].N301 }}"
      city: "{{ ship_to.N4.N401 }}"
      country: "{{ ship_to.N4.N404 }}"
""",
    )

    result = apply(tmp_path, text, purchase_order())

    assert result.document["recipient"] == {
        "name": "STORE 118",
        "address_1": "4501 CASCADE AVE",
        "city": "BOULDER",
        "country": "US",
    }


def test_where_skips_items_of_a_repeating_group(tmp_path: Path) -> None:
    text = ORDER_HEAD.replace(
        "    as: line\n", "    as: line\n    where: \"{{ line.PO1.PO106 == 'VP' }}\"\n"
    )

    result = apply(tmp_path, text, purchase_order())

    assert result.document["lines"] == [{"product_code": "2", "quantity": 3}]


def test_each_with_a_value_builds_a_list_of_values(tmp_path: Path) -> None:
    text = """
    target: test.shipment
    fields:
      shipment_id: "{{ id }}"
      shipped_on: "{{ day | date('%Y%m%d') }}"
      packages:
        each: "{{ boxes }}"
        as: box
        fields:
          tracking_number: "{{ box.tracking }}"
          serials:
            each: "{{ box.units }}"
            as: unit
            fields:
              serial:
                value: "{{ unit }}"
                rule: upper
    """
    payload = {"id": "S1", "day": "20250120", "boxes": [{"tracking": "1Z9", "units": ["ab", "cd"]}]}

    result = apply(tmp_path, text, payload)

    assert result.document == {
        "shipment_id": "S1",
        "shipped_on": "2025-01-20",
        "packages": [{"tracking_number": "1Z9", "serials": [{"serial": "AB"}, {"serial": "CD"}]}],
    }


def test_params_and_record_are_names_every_expression_reads(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes: "{{ params.prefix }}{{ record['odd-key'] }}"
params:
  prefix: "Ref "
"""
    )
    payload = purchase_order()
    payload["odd-key"] = "X-1"

    result = apply(tmp_path, text, payload)

    assert result.document["notes"] == "Ref X-1"


def test_a_rule_applies_a_filter_chain_to_the_value(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes:
    value: "  {{ BEG.BEG03 }}  "
    rule: trim | lower
"""
    )

    result = apply(tmp_path, text, purchase_order())

    assert result.document["notes"] == "po12345"


def test_yaml_constants_keep_their_types_and_an_expression_may_give_a_list(
    tmp_path: Path,
) -> None:
    text = """
    target: test.shipment
    fields:
      shipment_id: S-1
      shipped_on: 2025-01-20 at the dock
      packages:
        - "{{ boxes }}"
        - "{{ [{'tracking_number': 'T1', 'weight': 2.5}] }}"
    """

    result = apply(tmp_path, text, {})

    assert result.document == {
        "shipment_id": "S-1",
        "shipped_on": "2025-01-20 at the dock",
        "packages": [{"tracking_number": "T1", "weight": 2.5}],
    }


def test_a_mapping_is_deterministic(tmp_path: Path) -> None:
    text = (
        ORDER_HEAD
        + """
  notes: "{{ N1_loop | map(attribute='N1.N102') | join(', ') }}"
"""
    )

    first = apply(tmp_path, text, purchase_order())
    second = apply(tmp_path, text, purchase_order())

    assert first == second
    assert first.document["notes"] == "ACME HQ, STORE 118"


def test_decimal_values_reach_the_target_exactly(tmp_path: Path) -> None:
    text = ORDER_HEAD.replace(
        '      quantity: "{{ line.PO1.PO102 | number }}"\n',
        '      quantity: "{{ line.PO1.PO102 | number }}"\n'
        '      customs_declared_value: "{{ line.PO1.PO104 | default(0) | decimal(2) }}"\n',
    )

    result = apply(tmp_path, text, purchase_order())

    assert [line["customs_declared_value"] for line in result.document["lines"]] == [4999, 0]
    assert isinstance(Decimal(str(result.document["lines"][0]["customs_declared_value"])), Decimal)


def test_a_field_the_record_lacks_is_an_error_without_a_default(tmp_path: Path) -> None:
    text = ORDER_HEAD + '  notes: "{{ BEG.BEG04 }}"\n'

    with pytest.raises(RecordMappingError) as error:
        apply(tmp_path, text, purchase_order())

    [issue] = error.value.issues
    assert issue.field == "notes"
    assert issue.source == "BEG.BEG04"
