"""When to try a record again after a retryable failure, and when to give up.

Pure logic, no I/O. The delay grows exponentially with the number of attempts and is capped;
after ``max_attempts`` the record goes ``dead`` (with a dead letter) and waits for an operator.
No jitter is added: the schedule is deterministic, so it can be shown to an operator and tested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with a cap and a limit.

    After attempt ``n`` (1-based) failed, the next one is due ``first_delay * multiplier**(n-1)``
    later, never more than ``max_delay``. Once ``n`` reaches ``max_attempts`` there is no next one.

    Attributes:
        max_attempts: attempts allowed for one version of a record, at least 1.
        first_delay: the delay after the first failed attempt, positive.
        multiplier: growth factor between consecutive delays, at least 1.
        max_delay: the largest delay, at least ``first_delay``.
    """

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=30)
    multiplier: float = 2.0
    max_delay: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")
        if self.first_delay <= timedelta(0):
            raise ValueError(f"first_delay must be positive, not {self.first_delay}")
        if not self.multiplier >= 1:
            raise ValueError(f"multiplier must be at least 1, not {self.multiplier}")
        if self.max_delay < self.first_delay:
            raise ValueError(
                f"max_delay ({self.max_delay}) must be at least first_delay ({self.first_delay})"
            )

    def exhausted(self, attempts: int) -> bool:
        """Whether ``attempts`` failed attempts use up the policy (the record goes ``dead``)."""
        return attempts >= self.max_attempts

    def delay_after(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt.

        Raises:
            ValueError: if ``attempts`` is less than 1.
        """
        if attempts < 1:
            raise ValueError(f"attempts counts failed attempts from 1, not {attempts}")
        first = self.first_delay.total_seconds()
        cap = self.max_delay.total_seconds()
        # Compared as logarithms so that huge attempt counts cannot overflow a float.
        if (attempts - 1) * math.log(self.multiplier) >= math.log(cap / first):
            return self.max_delay
        return timedelta(seconds=first * self.multiplier ** (attempts - 1))

    def next_attempt_at(self, attempts: int, now: datetime) -> datetime:
        """When to try again after the ``attempts``-th failed attempt.

        Raises:
            ValueError: if the policy is exhausted (check :meth:`exhausted` first) or
                ``attempts`` is less than 1.
        """
        if self.exhausted(attempts):
            raise ValueError(
                f"no attempt after {attempts}: the limit is {self.max_attempts}; mark it dead"
            )
        return now + self.delay_after(attempts)
