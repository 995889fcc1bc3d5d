"""The ``q`` parameter: encoding, building, and the client-side filter check."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from connector.api import ConfigurationError, encode_q
from connector.api.models import OrderStatus
from connector.api.query import build_query, matches


def test_encode_q_is_uri_escaped_compact_json() -> None:
    assert encode_q({"limit": 5}) == "%7B%22limit%22%3A5%7D"


def test_encode_q_round_trips_through_unquote() -> None:
    query = {"limit": 10, "offset": 20, "customer_order": "PO 1/2&3=4?#+é"}
    assert json.loads(unquote(encode_q(query))) == query


def test_encode_q_leaves_no_reserved_character_unescaped() -> None:
    encoded = encode_q({"customer_order": "a b&c=d?e#f/g+h,i:j"})
    assert not set(encoded) & set(" &=?#/+,:{}\"'")


def test_build_query_puts_paging_first_and_leaves_out_offset_zero() -> None:
    query = build_query({"customer_order": "X-1"}, limit=50)
    assert list(query.items()) == [("limit", 50), ("customer_order", "X-1")]
    assert build_query(limit=50, offset=100) == {"limit": 50, "offset": 100}


def test_build_query_sends_enum_filters_as_their_value() -> None:
    query = build_query({"status": OrderStatus.SHIPPED})
    assert encode_q(query) == encode_q({"status": "Shipped"})


@pytest.mark.parametrize("name", ["limit", "offset"])
def test_filter_named_like_a_paging_option_is_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        build_query({name: 3})


def test_filter_with_a_non_scalar_value_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="customer_order"):
        build_query({"customer_order": ["a", "b"]})  # type: ignore[dict-item]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (-1, 0), (None, -5)])
def test_negative_or_zero_paging_options_are_refused(limit: int | None, offset: int) -> None:
    with pytest.raises(ConfigurationError):
        build_query(limit=limit, offset=offset)


def test_record_matches_only_when_every_filter_is_equal() -> None:
    record = {"customer_order": "X-1", "status": "Shipped", "organization_id": 7}
    assert matches(record, {"customer_order": "X-1", "organization_id": 7})
    assert not matches(record, {"customer_order": "X-1", "organization_id": 8})
    assert not matches(record, {"customer_order": "x-1"})


def test_json_booleans_do_not_match_numbers() -> None:
    assert not matches({"finished": True}, {"finished": 1})
    assert not matches({"finished": 1}, {"finished": True})
    assert matches({"finished": True}, {"finished": True})


def test_missing_field_matches_only_none() -> None:
    assert matches({}, {"notes": None})
    assert not matches({}, {"notes": ""})
