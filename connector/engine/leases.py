"""Keeping the leases of records being worked on alive while their sink calls take long."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from connector.store import CheckpointStore, Claim, Clock, LeaseLostError

__all__ = ["LeaseKeeper"]

logger = logging.getLogger(__name__)

RENEW_WHEN_USED = 1 / 3
"""A lease is renewed once this fraction of it has passed, so two renewals can fail in a row
before it expires."""


class LeaseKeeper:
    """Holds the claims of one run and renews them from a background thread.

    Workers :meth:`hold` a claim when they get it and :meth:`drop` it once its outcome is
    written. A renewal that finds the lease gone (:class:`~connector.store.LeaseLostError`) is
    left alone: the worker's own next write raises the same error and drops the record. Any
    other store error ends the keeper; :meth:`check` raises it in the run's main thread, which
    fails the run.

    Args:
        store: the checkpoint store.
        lease_seconds: the flow's lease length.
        clock: the engine's clock (decides which leases are due for renewal).
    """

    def __init__(self, store: CheckpointStore, lease_seconds: float, clock: Clock) -> None:
        self._store = store
        self._lease_seconds = lease_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._claims: dict[str, Claim] = {}
        self._stopped = threading.Event()
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None

    def hold(self, claim: Claim) -> None:
        """Start renewing ``claim``."""
        with self._lock:
            self._claims[claim.key] = claim

    def drop(self, key: str) -> None:
        """Stop renewing the claim on ``key`` (its outcome is written, or it was released)."""
        with self._lock:
            self._claims.pop(key, None)

    def held(self) -> list[Claim]:
        """The claims held now, latest renewal of each."""
        with self._lock:
            return list(self._claims.values())

    def renew_due(self) -> int:
        """Renew every held claim of which a third or more has passed; returns how many.

        Raises:
            StoreError: any store failure other than a lost lease.
        """
        threshold = timedelta(seconds=self._lease_seconds * (1 - RENEW_WHEN_USED))
        now = self._clock()
        renewed = 0
        for claim in self.held():
            if claim.lease_expires_at - now > threshold:
                continue
            try:
                fresh = self._store.renew(claim, self._lease_seconds)
            except LeaseLostError:
                logger.debug("lease on %s/%s ended before its renewal", claim.flow, claim.key)
                continue
            with self._lock:
                if claim.key in self._claims:
                    self._claims[claim.key] = fresh
            renewed += 1
        return renewed

    def start(self) -> None:
        """Renew from a background thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._loop, name="ahead-engine-leases", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop renewing and join the thread."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def check(self) -> None:
        """Raise the error that stopped the renewals, if one did."""
        if self._failure is not None:
            raise self._failure

    def _loop(self) -> None:
        interval = self._lease_seconds * RENEW_WHEN_USED / 2
        while not self._stopped.wait(interval):
            try:
                self.renew_due()
            except Exception as error:
                # Kept for the main thread, which fails the run with it: a lease that silently
                # stops being renewed could let another process send the same record.
                logger.exception("renewing leases failed; the run will stop")
                self._failure = error
                return
