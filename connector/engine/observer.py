"""Watching the engine work, one step boundary at a time (logging, metrics, crash tests)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

__all__ = ["EngineObserver", "Step"]


class Step(StrEnum):
    """A boundary between two durable steps of the exactly-once protocol.

    The observer is told after the step named has happened; a process that dies right there
    leaves exactly the state the step describes, and the next run must cope with it.
    """

    CLAIMED = "claimed"
    """A lease on the record is held; no intent is written yet (reconciliation, due work)."""
    INTENT_WRITTEN = "intent-written"
    """The record is ``submitting`` with the payload hash, and leased: the request may leave."""
    BEFORE_SEND = "before-send"
    """The sink is about to be called to create or update the document."""
    AFTER_SEND = "after-send"
    """The sink call returned or raised; its outcome is not written yet."""
    BEFORE_LOOKUP = "before-lookup"
    """The sink is about to be asked whether the key exists (reconciliation)."""
    AFTER_LOOKUP = "after-lookup"
    """The sink answered the lookup; the answer is not written yet."""
    OUTCOME_WRITTEN = "outcome-written"
    """The record's outcome is durable: done, failed, dead, retry scheduled, or in doubt."""
    RELEASED = "released"
    """A claim was given back unused (shutdown, or work this run already did)."""
    CURSOR_MOVED = "cursor-moved"
    """The flow's cursor was stored; the key is the last record it moved past."""
    ACKNOWLEDGED = "acknowledged"
    """The source was told the record's outcome."""


class EngineObserver(Protocol):
    """Told of every step boundary, from the engine's worker threads as well as its main one.

    Implementations must be thread-safe and quick; an exception raised here fails the run.
    """

    def step(self, name: str, key: str) -> None:
        """Called right after step ``name`` (a :class:`Step` value) for record ``key``."""
        ...
