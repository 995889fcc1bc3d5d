"""What the engine runs: a source, a mapping, a sink and the policy that governs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from adapters.base import Sink, Source
from connector.engine.mapping import Mapping, PassThroughMapping
from connector.store import ChangePolicy, RetryPolicy

__all__ = ["Flow", "FlowPolicy"]


@dataclass(frozen=True)
class FlowPolicy:
    """How a flow delivers its records.

    Attributes:
        change_policy: what to do when a delivered record's source changes: report it
            (``WARN``) or update the remote document (``UPDATE``, where the sink can). Never a
            second create.
        concurrency: sink calls in flight at once, at least 1.
        max_attempts: attempts of one version of a record that definitely did not take
            effect (a send that definitely failed, or a mapping that could not run now) before
            it goes ``dead`` (a dead letter for an operator). An unknown outcome never makes a
            record dead by itself: it is reconciled first.
        lease_seconds: how long a claim on a record lasts unless renewed. The engine renews
            claims of long sends; it must be much longer than a sink call's timeout, or another
            process could take the record over while its request is still on the wire.
        single_runner: run the flow in one process at a time (an advisory lock in the store);
            a run that finds the lock held elsewhere does nothing and says so.
        batch_size: source records looked up in the store at once, and records claimed at once
            for due work (retries, reconciliations, takeovers).
        retry_delay: seconds before the first retry of a failed send or reconciliation; later
            ones double, up to ``max_retry_delay``.
        max_retry_delay: the longest wait between two attempts, in seconds.
    """

    change_policy: ChangePolicy = ChangePolicy.WARN
    concurrency: int = 4
    max_attempts: int = 8
    lease_seconds: float = 300.0
    single_runner: bool = False
    batch_size: int = 200
    retry_delay: float = 30.0
    max_retry_delay: float = 3600.0

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {self.concurrency}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        if not self.lease_seconds > 0:
            raise ValueError(f"lease_seconds must be positive, not {self.lease_seconds}")
        self.retry_policy()  # validates max_attempts and the delays

    def retry_policy(self) -> RetryPolicy:
        """The store's retry schedule for this policy."""
        return RetryPolicy(
            max_attempts=self.max_attempts,
            first_delay=timedelta(seconds=self.retry_delay),
            max_delay=timedelta(seconds=self.max_retry_delay),
        )


@dataclass
class Flow:
    """A source, a mapping and a sink, run by :class:`~connector.engine.Engine`.

    Attributes:
        name: the flow's name; records, cursors and runs are kept under it in the store.
        source: where records come from.
        sink: where their documents go.
        mapping: turns a record into its document.
        policy: how records are delivered.
    """

    name: str
    source: Source
    sink: Sink
    mapping: Mapping = field(default_factory=PassThroughMapping)
    policy: FlowPolicy = field(default_factory=FlowPolicy)
