"""The envelope keeps a few dozen bytes of each set's summary until its interchange ends, and
gives each summary back as it was read.

Measured with ``tracemalloc`` (memory allocated and still held), not with time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from x12_memory_support import SETS, held_by, interchange_end, write_many_sets
from x12_samples_support import interchange, purchase_order_sets

from adapters.x12.envelope import GroupEnd, TransactionSet, read_envelopes
from adapters.x12.errors import SetErrorCode


def test_an_interchange_end_keeps_a_few_dozen_bytes_per_set(tmp_path: Path) -> None:
    many_sets = write_many_sets(tmp_path / "many-850.x12")

    end, held = held_by(lambda: interchange_end(many_sets))

    (group,) = end.groups
    assert len(group.sets) == SETS
    assert held / SETS < 48


def test_compact_summaries_give_back_each_set_as_it_was_read(tmp_path: Path) -> None:
    sets = purchase_order_sets(3)
    # Control numbers that are not plain digits, and one set whose SE count is wrong.
    sets = [segment.replace("*0002", "*A002").replace("*0003", "*000000003") for segment in sets]
    sets[-1] = "SE*99*000000003"
    path = tmp_path / "odd-numbers.x12"
    segments = ["GS*PO*ACMEBUYER*AHEADMFG*20250115*1530*1*X*004010", *sets, "GE*3*1"]
    path.write_text(interchange([*segments, "IEA*1*000000001"], after="\n"), newline="")
    read = [event for event in read_envelopes(path) if isinstance(event, TransactionSet)]

    group = next(event for event in read_envelopes(path) if isinstance(event, GroupEnd))

    assert list(group.sets) == [found.summary() for found in read]
    assert [summary.control_number for summary in group.sets] == ["0001", "A002", "000000003"]
    assert group.sets[-1] == group.sets[2]
    assert [problem.code for problem in group.sets[2].problems] == [
        SetErrorCode.SEGMENT_COUNT_MISMATCH
    ]
    assert group.sets[0].problems == () == group.sets[1].problems
    assert group.sets[1:] == tuple(found.summary() for found in read[1:])
    with pytest.raises(IndexError):
        group.sets[3]
