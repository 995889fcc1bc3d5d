"""A large interchange is acknowledged without holding much per set: the 997 is made set by set
as it is written, never built whole.

Measured with ``tracemalloc`` (the peak of memory allocated on the way), not with time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from x12_memory_support import SETS, interchange_end, peak_of, write_many_sets
from x12_samples_support import ACK_TIME

from adapters.x12.ack import AcknowledgmentNumbers, build_acknowledgment


@pytest.fixture(scope="module")
def many_sets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_many_sets(tmp_path_factory.mktemp("many") / "many-850.x12")


def test_building_the_acknowledgment_of_a_large_group_holds_nothing_per_set(
    many_sets: Path,
) -> None:
    end = interchange_end(many_sets)

    acknowledgment, peak = peak_of(lambda: build_acknowledgment(end, {}))

    assert acknowledgment.set_count == 1
    assert peak < 16 * 1024


def test_the_acknowledgment_is_made_set_by_set_as_it_is_written(
    many_sets: Path, tmp_path: Path
) -> None:
    end = interchange_end(many_sets)
    acknowledgment = build_acknowledgment(end, {})
    path = tmp_path / "997.x12"

    with path.open("wb") as out:
        _, peak = peak_of(
            lambda: acknowledgment.write(out, AcknowledgmentNumbers(1, 1), timestamp=ACK_TIME)
        )

    # Every set gets its AK2 and AK5, some 20 bytes; far less than that is ever held.
    assert path.stat().st_size > SETS * 18
    assert peak < 64 * 1024


def test_the_segments_of_an_acknowledgment_can_be_walked_again(many_sets: Path) -> None:
    acknowledgment = build_acknowledgment(interchange_end(many_sets), {})
    (group,) = acknowledgment.groups
    (answer,) = group.sets

    def tags() -> Iterator[str]:
        return (tag for tag, _ in answer.segments)

    first, again = list(tags()), list(tags())

    assert first == again
    assert len(first) == 2 + 2 * SETS
    assert (first[0], first[1], first[-2], first[-1]) == ("AK1", "AK2", "AK5", "AK9")
