"""Mappings by name: a deployment's own mappings first, then the stock ones; overrides and
``extends``."""

from __future__ import annotations

from pathlib import Path

import pytest
from mapping_support import LOOKUPS, line_of, purchase_order, write_mapping

from connector.config import ConfigError
from connector.mapping import (
    DeclarativeMapping,
    MappingLibrary,
    UnknownMappingError,
    stock_mappings_folder,
)

BASE = """
description: the base
target: ahead.order_submission
params:
  ship_method: FedEx Ground
  note: from the base
fields:
  purchase_order: "{{ BEG.BEG03 }}"
  customer_order: "{{ envelope.customer_order }}"
  ship_method_id: "{{ params.ship_method | ship_method_id }}"
  notes: "{{ params.note }}"
  recipient: {name: Dana, address_1: 1 Main St, city: Austin, country: US}
  lines: "{{ [{'product_code': 'StockBox 2000', 'quantity': 1}] }}"
"""


@pytest.fixture
def stock(tmp_path: Path) -> Path:
    folder = tmp_path / "stock"
    write_mapping(folder, "x12/850-to-order", BASE)
    write_mapping(folder, "other/thing", BASE)
    return folder


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    folder = tmp_path / "acme"
    (folder / "mappings").mkdir(parents=True)
    return folder


def _map(library: MappingLibrary, name: str) -> dict[str, object]:
    return DeclarativeMapping(library.load(name), LOOKUPS).apply(purchase_order()).document


def test_the_stock_mappings_are_the_package_data_of_connector_stock() -> None:
    library = MappingLibrary.for_deployment(None)
    repository = Path(__file__).resolve().parents[2]

    assert stock_mappings_folder().resolve() == repository / "connector" / "stock" / "mappings"
    assert library.folders == (stock_mappings_folder().absolute(),)
    assert "x12/850-to-order" in library.names()
    assert library.load("x12/850-to-order").target.name == "ahead.order_submission"


def test_a_deployment_mapping_overrides_the_stock_one_of_the_same_name(
    stock: Path, deployment: Path
) -> None:
    own = write_mapping(
        deployment / "mappings",
        "x12/850-to-order",
        BASE.replace("from the base", "from acme").replace("description: the base", ""),
    )
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    assert library.find("x12/850-to-order") == own
    assert _map(library, "x12/850-to-order")["notes"] == "from acme"
    assert _map(library, "other/thing")["notes"] == "from the base"
    entries = {entry.name: entry for entry in library.entries()}
    assert entries["x12/850-to-order"].file == own
    assert not entries["x12/850-to-order"].stock
    assert entries["x12/850-to-order"].overrides == stock / "x12/850-to-order.yaml"
    assert entries["other/thing"].stock
    assert entries["other/thing"].overrides is None


def test_extends_changes_only_the_params_and_fields_it_names(stock: Path, deployment: Path) -> None:
    write_mapping(
        deployment / "mappings",
        "x12/850-to-order",
        """
        extends: x12/850-to-order
        params:
          ship_method: UPS Ground
        fields:
          purchase_order: "ACME {{ BEG.BEG03 }}"
        """,
    )
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    definition = library.load("x12/850-to-order")
    document = _map(library, "x12/850-to-order")

    assert document["ship_method_id"] == 30
    assert document["purchase_order"] == "ACME PO12345"
    assert document["notes"] == "from the base"
    assert definition.description == "the base"
    assert definition.files == (
        deployment / "mappings/x12/850-to-order.yaml",
        stock / "x12/850-to-order.yaml",
    )


def test_a_mapping_may_extend_another_name(stock: Path, deployment: Path) -> None:
    write_mapping(deployment / "mappings", "acme-850", "extends: other/thing\nparams: {note: x}\n")
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    assert _map(library, "acme-850")["notes"] == "x"


def test_extends_refuses_a_parameter_the_base_does_not_declare(
    stock: Path, deployment: Path
) -> None:
    file = write_mapping(
        deployment / "mappings",
        "x12/850-to-order",
        "extends: x12/850-to-order\nparams:\n  ship_methd: UPS Ground\n",
    )
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    with pytest.raises(ConfigError) as error:
        library.load("x12/850-to-order")

    [problem] = error.value.problems
    assert (problem.file, problem.line) == (file, line_of(file, "ship_methd"))
    assert "no parameter 'ship_methd'; did you mean 'ship_method'?" in problem.message


def test_extends_of_an_unknown_mapping_is_a_problem_at_its_line(deployment: Path) -> None:
    file = write_mapping(deployment / "mappings", "mine", "extends: x12/nothing\n")
    library = MappingLibrary.for_deployment(deployment)

    with pytest.raises(ConfigError) as error:
        library.load("mine")

    [problem] = error.value.problems
    assert (problem.file, problem.line, problem.path) == (file, 1, "extends")
    assert "unknown mapping 'x12/nothing'" in problem.message


def test_extends_in_a_cycle_is_a_problem(deployment: Path, stock: Path) -> None:
    write_mapping(deployment / "mappings", "a", "extends: b\n")
    write_mapping(deployment / "mappings", "b", "extends: a\n")
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    with pytest.raises(ConfigError) as error:
        library.load("a")

    assert any("extends forms a cycle" in p.message for p in error.value.problems)


def test_an_extending_mapping_keeps_its_bases_target(deployment: Path, stock: Path) -> None:
    write_mapping(deployment / "mappings", "mine", "extends: other/thing\ntarget: ahead.rma\n")
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    with pytest.raises(ConfigError, match="produces the same target"):
        library.load("mine")


def test_an_unknown_name_lists_the_known_ones(deployment: Path, stock: Path) -> None:
    library = MappingLibrary.for_deployment(deployment, stock=stock)

    with pytest.raises(UnknownMappingError) as error:
        library.load("x12/850")

    message = str(error.value)
    assert message.startswith("unknown mapping 'x12/850': no file x12/850.yaml in ")
    assert message.endswith("known mappings: other/thing, x12/850-to-order")


@pytest.mark.parametrize("name", ["../stock/other/thing", "/etc/passwd", ""])
def test_names_cannot_leave_the_mappings_folders(deployment: Path, name: str) -> None:
    library = MappingLibrary.for_deployment(deployment, stock=deployment.parent / "stock")

    with pytest.raises(UnknownMappingError):
        library.find(name)


def test_a_mapping_is_loaded_and_compiled_once(stock: Path) -> None:
    library = MappingLibrary.for_deployment(None, stock=stock)

    assert library.load("other/thing") is library.load("other/thing.yaml")
