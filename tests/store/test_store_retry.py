"""The retry schedule, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connector.store import RetryPolicy

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_delay_doubles_from_the_first_delay_until_the_cap() -> None:
    policy = RetryPolicy(
        max_attempts=10,
        first_delay=timedelta(seconds=10),
        multiplier=2,
        max_delay=timedelta(seconds=100),
    )
    delays = [policy.delay_after(attempts).total_seconds() for attempts in range(1, 7)]
    assert delays == [10, 20, 40, 80, 100, 100]


def test_next_attempt_is_the_delay_after_now() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=30), multiplier=3)
    assert policy.next_attempt_at(2, NOW) == NOW + timedelta(seconds=90)


def test_policy_is_exhausted_once_attempts_reach_the_limit() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.exhausted(attempts) for attempts in (1, 2, 3, 4)] == [False, False, True, True]


def test_no_next_attempt_after_the_limit() -> None:
    with pytest.raises(ValueError, match="mark it dead"):
        RetryPolicy(max_attempts=3).next_attempt_at(3, NOW)


def test_huge_attempt_counts_get_the_cap_without_overflow() -> None:
    policy = RetryPolicy(max_attempts=10**9, max_delay=timedelta(hours=6))
    assert policy.delay_after(10**8) == timedelta(hours=6)


def test_multiplier_of_one_keeps_a_constant_delay() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=5), multiplier=1)
    assert {policy.delay_after(attempts) for attempts in range(1, 6)} == {timedelta(seconds=5)}


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        RetryPolicy().delay_after(0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"first_delay": timedelta(0)}, "first_delay must be positive"),
        ({"multiplier": 0.5}, "multiplier"),
        ({"first_delay": timedelta(minutes=5), "max_delay": timedelta(minutes=1)}, "max_delay"),
    ],
)
def test_inconsistent_policy_is_refused(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**arguments)
