"""Expressions cannot get out of the Jinja2 sandbox: internal attributes are refused when the
mapping is loaded, and whatever slips past that is refused by the sandbox when it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from mapping_support import mapping_from, targets_with_shipment, write_mapping

from connector.config import ConfigError
from connector.mapping import RecordMappingError, load_mapping

TEMPLATE = """
target: test.shipment
fields:
  shipment_id: "EXPRESSION"
  shipped_on: x
  packages: [[{tracking_number: T}]]
"""


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ record['__class__'] }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum._Undefined }}",
    ],
)
def test_internal_attributes_are_refused_when_the_mapping_is_loaded(
    tmp_path: Path, expression: str
) -> None:
    file = write_mapping(tmp_path, "escape", TEMPLATE.replace("EXPRESSION", expression))

    with pytest.raises(ConfigError) as error:
        load_mapping(file, targets=targets_with_shipment())

    [problem] = error.value.problems
    assert problem.path == "fields.shipment_id"
    assert problem.line == 3
    assert "refused:" in problem.message
    assert "starts with '_'" in problem.message


@pytest.mark.parametrize(
    "expression",
    ["{{ '' | attr('__class__') }}", "{{ (record | attr('__class__')).mro() }}"],
)
def test_what_the_load_check_cannot_see_the_sandbox_refuses_at_run_time(
    tmp_path: Path, expression: str
) -> None:
    mapping = mapping_from(tmp_path, TEMPLATE.replace("EXPRESSION", expression))

    with pytest.raises(RecordMappingError) as error:
        mapping.apply({})

    [issue] = error.value.issues
    assert issue.field == "shipment_id"
    assert issue.message.startswith("refused by the sandbox: access to attribute '__class__'")


def test_a_record_cannot_smuggle_template_code(tmp_path: Path) -> None:
    mapping = mapping_from(tmp_path, TEMPLATE.replace("EXPRESSION", "{{ text }}"))

    result = mapping.apply({"text": "{{ ''.__class__ }}"})

    assert result.document["shipment_id"] == "{{ ''.__class__ }}"


def test_the_filter_state_is_out_of_reach_of_expressions(tmp_path: Path) -> None:
    mapping = mapping_from(tmp_path, TEMPLATE.replace("EXPRESSION", "{{ record['@mapping'] }}"))

    with pytest.raises(RecordMappingError) as error:
        mapping.apply({})

    [issue] = error.value.issues
    assert issue.message == "@mapping is missing (record has nothing)"
