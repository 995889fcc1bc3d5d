"""Lookups answered by the AHEAD sandbox over loopback: each table loaded once per refresh."""

from __future__ import annotations

import pytest
from mapping_support import CountingTransport

from connector.mapping import AheadLookups, InMemoryLookups, LookupFailedError


@pytest.mark.parametrize(
    ("given", "iso"),
    [("US", "US"), ("us", "US"), ("Canada", "CA"), ("united states of  america", "US")],
)
def test_country_iso_by_code_or_name(sandbox_lookups: AheadLookups, given: str, iso: str) -> None:
    assert sandbox_lookups.country_iso(given) == iso


def test_an_unknown_country_names_the_value_and_close_names(
    sandbox_lookups: AheadLookups,
) -> None:
    with pytest.raises(LookupFailedError) as error:
        sandbox_lookups.country_iso("Germny")

    assert error.value.value == "Germny"
    assert "unknown country 'Germny'" in error.value.reason
    assert "'Germany'" in error.value.reason


@pytest.mark.parametrize(
    ("given", "method_id"),
    [("FedEx Ground", 12), ("ups ground", 30), ("DHL", 40), ("Customer", 90), ("24", 24)],
)
def test_ship_method_by_name_or_by_a_carrier_with_one_method(
    sandbox_lookups: AheadLookups, given: str, method_id: int
) -> None:
    assert sandbox_lookups.ship_method_id(given) == method_id


def test_a_carrier_with_several_ship_methods_is_ambiguous(sandbox_lookups: AheadLookups) -> None:
    with pytest.raises(LookupFailedError) as error:
        sandbox_lookups.ship_method_id("ups")

    assert "ambiguous ship method 'ups'" in error.value.reason
    assert "UPS Ground (30)" in error.value.reason
    assert "give the ship method's name" in error.value.reason


def test_an_unknown_ship_method_is_an_error(sandbox_lookups: AheadLookups) -> None:
    with pytest.raises(LookupFailedError, match="unknown ship method 'Pony Express'"):
        sandbox_lookups.ship_method_id("Pony Express")


def test_product_code_is_the_item_name_of_a_customer_sku(sandbox_lookups: AheadLookups) -> None:
    assert sandbox_lookups.product_code("ACME-SB2000") == "StockBox 2000"
    assert sandbox_lookups.product_code("acme-nvme192") == "NVMe SSD 1.92TB"


def test_a_sku_of_an_archived_item_cannot_be_ordered(sandbox_lookups: AheadLookups) -> None:
    with pytest.raises(LookupFailedError, match="'Generic Appliance', which is archived"):
        sandbox_lookups.product_code("ACME-GA")


def test_an_unknown_sku_is_an_error_with_close_skus(sandbox_lookups: AheadLookups) -> None:
    with pytest.raises(LookupFailedError) as error:
        sandbox_lookups.product_code("ACME-SB200")

    assert "unknown customer SKU 'ACME-SB200'" in error.value.reason
    assert "'ACME-SB2000'" in error.value.reason


def test_each_table_is_loaded_once_until_refreshed(
    sandbox_lookups: AheadLookups, transport: CountingTransport
) -> None:
    for _ in range(3):
        sandbox_lookups.country_iso("Canada")
        sandbox_lookups.ship_method_id("UPS Ground")
        sandbox_lookups.product_code("ACME-SB2000")
    loaded = dict(transport.paths)

    sandbox_lookups.refresh()
    sandbox_lookups.country_iso("Canada")

    assert loaded == {
        "/v2/countries": 1,
        "/v2/shipping_methods": 1,
        "/v2/customer_catalog_items": 1,
        "/v2/items": 1,
    }
    assert transport.paths["/v2/countries"] == 2
    assert transport.paths["/v2/items"] == 1


def test_no_table_is_loaded_before_a_lookup_needs_it(
    sandbox_lookups: AheadLookups, transport: CountingTransport
) -> None:
    sandbox_lookups.ship_method_id("UPS Ground")

    assert set(transport.paths) == {"/v2/shipping_methods"}


def test_in_memory_lookups_follow_the_same_rules() -> None:
    lookups = InMemoryLookups.of(
        countries={"CA": "Canada"},
        ship_methods=[(1, "Ground", "Acme Freight"), (2, "Air", "Acme Freight")],
        products={"SKU-1": "Widget"},
    )

    assert lookups.country_iso(" canada ") == "CA"
    assert lookups.product_code("sku-1") == "Widget"
    with pytest.raises(LookupFailedError, match="ambiguous"):
        lookups.ship_method_id("acme freight")
