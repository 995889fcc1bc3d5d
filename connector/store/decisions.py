"""What to do with a source record, given what the store knows about its key.

Pure logic, no I/O. The engine calls :func:`decide` for every source record (with the snapshots
from :meth:`CheckpointStore.known_records <connector.store.CheckpointStore.known_records>`), and
the store calls it again under lock when a record is claimed, so a decision taken on a stale read
can never send anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from connector.store.states import RecordSnapshot, RecordState


class ChangePolicy(StrEnum):
    """What a flow does when a record already ``done`` shows up with a new content hash."""

    WARN = "warn"
    """Report the change and send nothing (the destination cannot update, or must not)."""
    UPDATE = "update"
    """Send an update of the existing remote document (``remote_ref``); never a second create."""


class Action(StrEnum):
    """The engine's next step for one source record."""

    SUBMIT = "submit"
    """New key, or a ``pending`` one that is due: claim it, write the intent, send it."""
    SKIP_UNCHANGED = "skip_unchanged"
    """``done`` with the same content hash: nothing to do."""
    RECONCILE = "reconcile"
    """``submitting`` with no live lease: the outcome of an earlier send is unknown. Claim it and
    ask the destination whether the key exists before any re-send. If the record has a
    ``remote_ref``, the request in doubt was an update of that document, which is safe to repeat."""
    CHANGED_AFTER_DONE = "changed_after_done"
    """``done`` with a new content hash: the flow's :class:`ChangePolicy` decides (see
    :attr:`Decision.change_policy`). Never a second create."""
    RETRY_FAILED = "retry_failed"
    """``failed``, and the source changed since: claim it and send the new version."""
    HOLD = "hold"
    """``failed`` with the same content (waits for a source change or a replay), or ``dead``
    (waits for an operator)."""
    BUSY = "busy"
    """Another owner holds a live lease on the key: leave it alone."""
    WAIT = "wait"
    """A retry or a reconciliation is scheduled later (:attr:`Decision.not_before`)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of :func:`decide`.

    Attributes:
        action: what to do.
        reason: one sentence for logs and operators.
        change_policy: the flow's policy, set only for :attr:`Action.CHANGED_AFTER_DONE`.
        not_before: for :attr:`Action.WAIT` and :attr:`Action.BUSY`, when the key may next be
            worked on; ``None`` otherwise.
    """

    action: Action
    reason: str
    change_policy: ChangePolicy | None = None
    not_before: datetime | None = None

    @property
    def needs_claim(self) -> bool:
        """Whether the engine should claim the key and act on it now."""
        return self.action in {Action.SUBMIT, Action.RETRY_FAILED, Action.RECONCILE} or (
            self.action is Action.CHANGED_AFTER_DONE and self.change_policy is ChangePolicy.UPDATE
        )

    @property
    def may_send(self) -> bool:
        """Whether the key may be sent right after claiming it, with no lookup first."""
        return self.needs_claim and self.action is not Action.RECONCILE


def decide(
    existing: RecordSnapshot | None,
    content_hash: str,
    now: datetime,
    change_policy: ChangePolicy,
) -> Decision:
    """Decide what to do with a source record.

    Args:
        existing: what the store knows about the record's key, ``None`` for a new key.
        content_hash: hash of the source record as it is now.
        now: the current time, timezone-aware.
        change_policy: the flow's policy for a ``done`` record whose source changed.

    Returns:
        The next step; see :class:`Action` for each case.

    Raises:
        ValueError: if ``now`` is naive.
    """
    if now.utcoffset() is None:
        raise ValueError("decide() needs a timezone-aware 'now'")
    if existing is None:
        return Decision(Action.SUBMIT, "new key")
    if existing.lease_is_live(now):
        return Decision(
            Action.BUSY,
            f"leased by {existing.lease_owner} until {existing.lease_expires_at}",
            not_before=existing.lease_expires_at,
        )
    same_content = existing.content_hash == content_hash
    match existing.state:
        case RecordState.PENDING:
            if existing.next_attempt_at is not None and existing.next_attempt_at > now:
                return Decision(
                    Action.WAIT, "retry scheduled later", not_before=existing.next_attempt_at
                )
            return Decision(Action.SUBMIT, "pending and due")
        case RecordState.SUBMITTING:
            if existing.next_attempt_at is not None and existing.next_attempt_at > now:
                return Decision(
                    Action.WAIT,
                    "outcome unknown; reconciliation scheduled later",
                    not_before=existing.next_attempt_at,
                )
            return Decision(Action.RECONCILE, "outcome of the last send is unknown")
        case RecordState.DONE:
            if same_content:
                return Decision(Action.SKIP_UNCHANGED, "done with the same content")
            return Decision(
                Action.CHANGED_AFTER_DONE,
                f"done, but the source changed; change policy {change_policy.value}",
                change_policy=change_policy,
            )
        case RecordState.FAILED:
            if same_content:
                return Decision(
                    Action.HOLD, "rejected; waits for a source change or an operator's replay"
                )
            return Decision(Action.RETRY_FAILED, "rejected before, and the source changed since")
        case RecordState.DEAD:
            return Decision(Action.HOLD, "dead; waits for an operator")
