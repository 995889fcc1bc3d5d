"""The complete example of docs/mappings.md is a working mapping."""

from __future__ import annotations

from pathlib import Path

from mapping_support import LOOKUPS, purchase_order

from connector.mapping import DeclarativeMapping, load_mapping

DOCS = Path(__file__).resolve().parents[2] / "docs" / "mappings.md"


def test_the_complete_example_of_the_docs_maps_a_purchase_order(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = text.split("## A complete example\n\n```yaml\n", 1)[1].split("```", 1)[0]
    file = tmp_path / "example.yaml"
    file.write_text(example, encoding="utf-8")

    result = DeclarativeMapping(load_mapping(file), LOOKUPS).apply(purchase_order())

    assert result.document["ship_method_id"] == 30
    assert result.document["recipient"]["address_2"] == "DOCK 4"
    assert result.document["lines"][1] == {"product_code": "Power Cord C13", "quantity": 3}
