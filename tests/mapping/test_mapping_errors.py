"""Errors name the mapping file and line, the target field, the source path and the value, and
every error of a record is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from mapping_support import LOOKUPS, line_of, mapping_from, purchase_order, write_mapping

from connector.config import ConfigError
from connector.engine import MappingError
from connector.mapping import DeclarativeMapping, RecordMappingError, load_mapping

ORDER = """
target: ahead.order_submission
fields:
  purchase_order: "{{ BEG.BEG03 }}"
  customer_order: "{{ envelope.customer_order }}"
  ship_method_id: "{{ TD5[0].TD505 | ship_method_id }}"
  recipient:
    with: "{{ N1_loop | selectattr('N1.N101', 'equalto', 'ST') | first }}"
    as: ship_to
    fields:
      name: "{{ ship_to.N1.N102 }}"
      address_1: "{{ ship_to.N3[0].N301 }}"
      city: "{{ ship_to.N4.N401 }}"
      country: "{{ ship_to.N4.N404 | country_iso }}"
  lines:
    each: "{{ PO1_loop }}"
    as: line
    fields:
      product_code: "{{ line.PO1 | qualified_id(['BP', 'VP']) | product_code }}"
      quantity: "{{ line.PO1.PO102 | number }}"
"""


def _failure(tmp_path: Path, text: str, record: dict[str, object]) -> RecordMappingError:
    mapping = mapping_from(tmp_path, text)
    with pytest.raises(RecordMappingError) as error:
        mapping.apply(record)
    return error.value


def _problems(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    file = write_mapping(tmp_path, "broken", text)
    with pytest.raises(ConfigError) as error:
        load_mapping(file)
    return file, [problem.describe(tmp_path) for problem in error.value.problems]


def test_the_order_maps_when_nothing_is_wrong(tmp_path: Path) -> None:
    result = mapping_from(tmp_path, ORDER).apply(purchase_order())

    assert result.document["ship_method_id"] == 30
    assert result.document["lines"][0]["product_code"] == "StockBox 2000"


def test_an_undefined_source_path_names_field_line_and_what_its_parent_holds(
    tmp_path: Path,
) -> None:
    record = purchase_order()
    del record["N1_loop"][1]["N4"]["N401"]

    error = _failure(tmp_path, ORDER, record)

    [issue] = error.issues
    assert issue.field == "recipient.city"
    assert issue.line == line_of(issue.file, "city:")
    assert issue.source == "N1_loop[1].N4.N401"
    assert issue.message == "N1_loop[1].N4.N401 is missing (N1_loop[1].N4 has N402, N403, N404)"


def test_a_top_level_key_the_record_lacks_is_named(tmp_path: Path) -> None:
    error = _failure(tmp_path, ORDER, purchase_order(envelope=None))

    [issue] = error.issues
    assert issue.field == "customer_order"
    assert issue.message == "envelope is not in the record"


def test_a_lookup_failure_names_the_value_and_the_close_names(tmp_path: Path) -> None:
    record = purchase_order()
    record["N1_loop"][1]["N4"]["N404"] = "Canda"

    error = _failure(tmp_path, ORDER, record)

    [issue] = error.issues
    assert issue.field == "recipient.country"
    assert issue.line == line_of(issue.file, "country:")
    assert issue.source == "N1_loop[1].N4.N404"
    assert issue.value == "'Canda'"
    assert "unknown country 'Canda'" in issue.message
    assert "close: 'Canada'" in issue.message


def test_model_validation_of_a_nested_line_points_at_the_field_that_made_it(
    tmp_path: Path,
) -> None:
    record = purchase_order()
    record["PO1_loop"][1]["PO1"]["PO102"] = "0"

    error = _failure(tmp_path, ORDER, record)

    [issue] = error.issues
    assert issue.field == "lines[1].quantity"
    assert issue.line == line_of(issue.file, "quantity:")
    assert issue.source == "PO1_loop[1].PO1.PO102"
    assert issue.value == "0"
    assert "greater than 0" in issue.message
    assert "ahead.order_submission" in issue.message


def test_every_error_of_a_record_is_reported_in_one_message(tmp_path: Path) -> None:
    record = purchase_order(TD5=[{"TD505": "PONY EXPRESS"}])
    record["N1_loop"][1]["N4"]["N404"] = "Atlantis"
    record["PO1_loop"][1]["PO1"].update(PO102="1.5", PO107="ACME-NOPE")

    error = _failure(tmp_path, ORDER, record)

    assert [issue.field for issue in error.issues] == [
        "ship_method_id",
        "recipient.country",
        "lines[1].product_code",
        "lines[1].quantity",
    ]
    assert isinstance(error, MappingError)
    heading, *lines = error.detail.splitlines()
    assert heading == "4 mapping errors in test:"
    assert lines == [f"  {issue.describe()}" for issue in error.issues]
    assert f"{error.issues[0].file}:{line_of(error.issues[0].file, 'ship_method_id:')}" in lines[0]
    assert "unknown ship method 'PONY EXPRESS'" in lines[0]
    # A field that failed is not reported again by the model check ("field required").
    assert "required" not in error.detail


def test_a_required_field_left_out_by_its_condition_says_why(tmp_path: Path) -> None:
    text = ORDER.replace(
        '  purchase_order: "{{ BEG.BEG03 }}"',
        '  purchase_order:\n    value: "{{ BEG.BEG03 }}"\n    when: "{{ BEG.BEG01 == \'05\' }}"',
    )

    error = _failure(tmp_path, text, purchase_order())

    [issue] = error.issues
    assert issue.field == "purchase_order"
    assert issue.line == line_of(issue.file, "purchase_order:")
    assert "required, but the mapping gave no value" in issue.message
    assert "its when ({{ BEG.BEG01 == '05' }}) was false" in issue.message


def test_each_over_something_that_is_not_a_list_is_an_error(tmp_path: Path) -> None:
    error = _failure(tmp_path, ORDER, purchase_order(PO1_loop={"PO1": {}}))

    [issue] = error.issues
    assert issue.field == "lines"
    assert issue.line == line_of(issue.file, "each:")
    assert "each needs a list" in issue.message
    assert "an object" in issue.message


def test_relative_paths_in_messages(tmp_path: Path) -> None:
    file = write_mapping(tmp_path, "x12/order", ORDER)
    mapping = DeclarativeMapping(load_mapping(file), LOOKUPS, relative_to=tmp_path)

    with pytest.raises(RecordMappingError) as error:
        mapping.apply(purchase_order(BEG=None))

    assert error.value.detail.splitlines()[1].startswith(
        f"  x12/order.yaml:{line_of(file, 'purchase_order:')}: purchase_order: BEG is not in"
    )


# -- when the file is loaded --------------------------------------------------------------------


def test_a_template_syntax_error_is_reported_at_load_with_its_line(tmp_path: Path) -> None:
    text = ORDER.replace('"{{ BEG.BEG03 }}"', '"{{ BEG.BEG03 }"').replace(
        '"{{ line.PO1.PO102 | number }}"', '"{{ line.PO1.PO102 | number( }}"'
    )

    file, problems = _problems(tmp_path, text)

    assert problems == [
        f"broken.yaml:{line_of(file, 'purchase_order:')}:19 fields.purchase_order: "
        "template error: unexpected '}'",
        f"broken.yaml:{line_of(file, 'quantity:')}:17 fields.lines.fields.quantity: "
        "template error: unexpected '}', expected ')'",
    ]


def test_a_syntax_error_in_a_block_is_placed_on_its_own_line(tmp_path: Path) -> None:
    text = ORDER.replace(
        '  purchase_order: "{{ BEG.BEG03 }}"',
        "  purchase_order: >-\n    {{ BEG.BEG03\n       | upper ) }}",
    )

    file, problems = _problems(tmp_path, text)

    assert problems[0].startswith(f"broken.yaml:{line_of(file, '| upper )')} ")


def test_unknown_and_missing_fields_of_the_target_are_found_at_load(tmp_path: Path) -> None:
    text = ORDER.replace("address_1:", "adress_1:").replace(
        '      city: "{{ ship_to.N4.N401 }}"\n', ""
    )

    file, problems = _problems(tmp_path, text)

    assert problems == [
        f"broken.yaml:{line_of(file, 'recipient:')}:3 fields.recipient: missing: address_1 is "
        "required by Address; add it",
        f"broken.yaml:{line_of(file, 'recipient:')}:3 fields.recipient: missing: city is "
        "required by Address; add it",
        f"broken.yaml:{line_of(file, 'adress_1:')}:7 fields.recipient.fields.adress_1: "
        "'adress_1' is not a field of Address; did you mean 'address_1'?",
    ]


def test_the_files_own_keys_and_settings_are_checked(tmp_path: Path) -> None:
    text = ORDER.replace("target: ahead.order_submission", "target: ahead.orders\ndescripton: x")
    text = text.replace("    as: line\n", "")

    file, problems = _problems(tmp_path, text)

    # The known targets include those adapters register, which vary with what is installed.
    assert problems[0].startswith(
        "broken.yaml:1:9 target: unknown target 'ahead.orders'; known targets: ahead.order_"
        "submission, ahead.rma, ahead.serial_data, "
    )
    assert problems[1:] == [
        "broken.yaml:2:1 descripton: unknown key 'descripton'; did you mean 'description'?",
        f"broken.yaml:{line_of(file, 'lines:')}:3 fields.lines.as: missing: each needs as: the "
        "name of the current item",
    ]


def test_keywords_among_target_fields_are_explained(tmp_path: Path) -> None:
    text = """
    target: ahead.order_submission
    fields:
      purchase_order: P
      customer_order: C
      ship_method_id: 12
      recipient:
        name: Dana
        address_1: 1 Main St
        city: Austin
        country: US
        when: "{{ true }}"
      lines: "{{ [] }}"
    """

    file, problems = _problems(tmp_path, text)

    assert problems == [
        f"broken.yaml:{line_of(file, 'when:')}:5 fields.recipient.when: 'when' is not a field of "
        "Address: this object has target fields of its own, so its keys are all read as "
        "fields; put the fields under fields: to use a keyword such as when"
    ]


def test_yaml_syntax_errors_have_their_line(tmp_path: Path) -> None:
    _, problems = _problems(tmp_path, "target: x\nfields:\n  a: [1, 2\n")

    assert problems[0].startswith("broken.yaml:4:1 not valid YAML")
