"""Reading a large file holds a small part of it at a time: the reader reads in chunks and the
envelope walk keeps one transaction set, never the whole file.

Measured with ``tracemalloc`` (the peak of memory allocated while reading), not with time.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from x12_samples_support import isa

from adapters.x12.envelope import InterchangeEnd, TransactionSet, read_envelopes
from adapters.x12.reader import SegmentReader

FILE_SIZE = 20 * 1024 * 1024
NOTE = "MSG*" + "SHIP WITH CARE, KEEP DRY, STACK NO MORE THAN FOUR HIGH. " * 4


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20 MB interchange of 850s, each 100 long segments, written a set at a time."""
    path = tmp_path_factory.mktemp("large") / "large-850.x12"
    sets = 0
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(isa() + "~\n")
        out.write("GS*PO*ACMEBUYER*AHEADMFG*20250115*1530*1*X*004010~\n")
        written = out.tell()
        while written < FILE_SIZE:
            sets += 1
            segments = [f"ST*850*{sets:04d}", f"BEG*00*SA*PO{sets:06d}**20250115"]
            segments += [NOTE] * 100
            segments += ["PO1*1*1*EA*8.50**VN*TM-1", "CTT*1"]
            segments.append(f"SE*{len(segments) + 1}*{sets:04d}")
            out.write("".join(segment + "~\n" for segment in segments))
            written = out.tell()
        out.write(f"GE*{sets}*1~\nIEA*1*000000001~\n")
    assert path.stat().st_size >= FILE_SIZE
    return path


def peak_while(work: Callable[[], int]) -> tuple[int, int]:
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_the_reader_holds_a_small_part_of_a_large_file(large_file: Path) -> None:
    def count_segments() -> int:
        with SegmentReader(large_file) as reader:
            return sum(1 for _ in reader)

    segments, peak = peak_while(count_segments)

    assert segments > 80_000
    assert peak < large_file.stat().st_size / 20


def test_the_envelope_walk_holds_one_set_at_a_time(large_file: Path) -> None:
    def count_sets() -> int:
        sets = 0
        for event in read_envelopes(large_file):
            if isinstance(event, TransactionSet):
                assert not event.problems
                sets += 1
            elif isinstance(event, InterchangeEnd):
                assert not event.problems
        return sets

    sets, peak = peak_while(count_sets)

    assert sets > 700
    assert peak < large_file.stat().st_size / 20
