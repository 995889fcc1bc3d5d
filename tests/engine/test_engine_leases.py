"""Renewing the leases of records whose sink calls take long."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from engine_support import FakeClock
from sqlalchemy.exc import OperationalError

from connector.engine.leases import LeaseKeeper
from connector.store import CheckpointStore


def test_a_lease_is_renewed_once_a_third_of_it_has_passed(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = store.begin_submission("orders", "PO-1", "c", "i", "me", 30)
    assert claim is not None
    keeper = LeaseKeeper(store, 30, clock)
    keeper.hold(claim)

    clock.advance(9)
    early = keeper.renew_due()
    clock.advance(2)
    renewed = keeper.renew_due()

    assert (early, renewed) == (0, 1)
    record = store.get("orders", "PO-1")
    assert record is not None
    assert record.lease_expires_at == clock() + (claim.lease_expires_at - claim.record.updated_at)
    assert record.lease_version == claim.lease_version


def test_a_lease_taken_away_is_left_to_the_worker(store: CheckpointStore, clock: FakeClock) -> None:
    claim = store.begin_submission("orders", "PO-1", "c", "i", "me", 30)
    assert claim is not None
    keeper = LeaseKeeper(store, 30, clock)
    keeper.hold(claim)
    store.release(claim)
    clock.advance(20)

    assert keeper.renew_due() == 0
    record = store.get("orders", "PO-1")
    assert record is not None
    assert record.lease_owner is None


def test_a_dropped_claim_is_not_renewed(store: CheckpointStore, clock: FakeClock) -> None:
    claim = store.begin_submission("orders", "PO-1", "c", "i", "me", 30)
    assert claim is not None
    keeper = LeaseKeeper(store, 30, clock)
    keeper.hold(claim)
    keeper.drop("PO-1")
    clock.advance(20)

    assert keeper.renew_due() == 0
    assert keeper.held() == []


def test_a_store_failure_during_renewal_is_raised(
    sqlite_store: CheckpointStore, clock: FakeClock, tmp_path: Path
) -> None:
    claim = sqlite_store.begin_submission("orders", "PO-1", "c", "i", "me", 30)
    assert claim is not None
    keeper = LeaseKeeper(sqlite_store, 30, clock)
    keeper.hold(claim)
    database = sqlite3.connect(tmp_path / "state.db")
    database.execute("ALTER TABLE records RENAME TO records_gone")
    database.commit()
    database.close()
    clock.advance(20)

    with pytest.raises(OperationalError, match="no such table: records"):
        keeper.renew_due()
