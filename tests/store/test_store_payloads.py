"""Source payloads saved with claims, and the version a rejection records, on both backends."""

from __future__ import annotations

import pytest

from connector.store import Action, CheckpointStore, RecordState, SubmissionRefusedError

LEASE = 60
ORDER = {"customer_order": "PO-1", "lines": [{"sku": "A", "quantity": 2}]}


def test_begin_submission_saves_the_source_payload_with_the_intent(
    store: CheckpointStore,
) -> None:
    claim = store.begin_submission(
        "orders", "PO-1", "c1", "i1", "a", LEASE, payload=ORDER, origin="inbox/po-1.json"
    )
    assert claim is not None

    saved = store.saved_payloads("orders", ["PO-1", "PO-2"])

    assert list(saved) == ["PO-1"]
    assert saved["PO-1"].payload == ORDER
    assert saved["PO-1"].content_hash == "c1"
    assert saved["PO-1"].origin == "inbox/po-1.json"


def test_a_later_claim_replaces_the_saved_payload(store: CheckpointStore) -> None:
    first = store.begin_submission("orders", "PO-1", "c1", "i1", "a", LEASE, payload=ORDER)
    assert first is not None
    store.reject(first, "bad ship method")
    changed = {**ORDER, "ship_method_id": 7}

    claim = store.claim("orders", "PO-1", "c2", "a", LEASE, payload=changed)

    assert claim is not None
    assert claim.action is Action.RETRY_FAILED
    saved = store.saved_payloads("orders", ["PO-1"])["PO-1"]
    assert (saved.payload, saved.content_hash, saved.origin) == (changed, "c2", None)


def test_a_busy_key_keeps_the_payload_of_its_holder(store: CheckpointStore) -> None:
    assert store.begin_submission("orders", "PO-1", "c1", "i1", "a", LEASE, payload=ORDER)

    refused = store.begin_submission("orders", "PO-1", "c2", "i2", "b", LEASE, payload={"x": 1})

    assert refused is None
    assert store.saved_payloads("orders", ["PO-1"])["PO-1"].payload == ORDER


def test_nothing_is_saved_without_a_payload(store: CheckpointStore) -> None:
    assert store.begin_submission("orders", "PO-1", "c1", "i1", "a", LEASE)

    assert store.saved_payloads("orders", ["PO-1"]) == {}


def test_saved_payloads_are_kept_per_flow(store: CheckpointStore) -> None:
    assert store.begin_submission("orders", "K", "c1", "i1", "a", LEASE, payload={"f": "o"})
    assert store.begin_submission("rmas", "K", "c9", "i9", "a", LEASE, payload={"f": "r"})

    assert store.saved_payloads("orders", ["K"])["K"].payload == {"f": "o"}
    assert store.saved_payloads("rmas", ["K"])["K"].payload == {"f": "r"}


def test_rejecting_an_unsent_new_version_holds_that_version(store: CheckpointStore) -> None:
    first = store.begin_submission("orders", "PO-1", "c1", "i1", "a", LEASE)
    assert first is not None
    store.reject(first, "rejected by the destination")
    retry = store.claim("orders", "PO-1", "c2", "a", LEASE)
    assert retry is not None

    rejected = store.reject(retry, "cannot be mapped: no ship method")

    assert rejected.state is RecordState.FAILED
    assert rejected.content_hash == "c2"
    assert rejected.attempts == 0
    with pytest.raises(SubmissionRefusedError) as refused:
        store.claim("orders", "PO-1", "c2", "a", LEASE)
    assert refused.value.decision.action is Action.HOLD
