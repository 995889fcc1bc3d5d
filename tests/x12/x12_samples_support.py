"""Sample X12 files and golden files for the reader, envelope, acknowledgment and writer tests.

The files in ``data/`` named ``reader-*`` and ``envelope-*`` are inbound 850 interchanges
written by hand; the ``ack-*`` files are the 997/999 expected for them, also written by hand
from the standard. ``UPDATE_SNAPSHOTS=1`` rewrites the ``ack-*`` files from what the code
produces (then review the difference before committing it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

DATA = Path(__file__).parent / "data"
UPDATE_SNAPSHOTS = "UPDATE_SNAPSHOTS"
ACK_TIME = datetime(2025, 1, 16, 9, 30)


def data_file(name: str) -> Path:
    """A sample file of ``data/``."""
    path = DATA / name
    assert path.is_file(), f"no sample file {path}"
    return path


def assert_matches_golden(data: bytes, name: str) -> None:
    """Compare ``data`` with ``data/<name>`` byte for byte; ``UPDATE_SNAPSHOTS=1`` rewrites it."""
    path = DATA / name
    if os.environ.get(UPDATE_SNAPSHOTS):
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}; run with {UPDATE_SNAPSHOTS}=1 and review it"
    expected = path.read_bytes()
    assert data.decode() == expected.decode()


def isa(
    control_number: str = "000000001",
    *,
    element: str = "*",
    component: str = ">",
    repetition: str = "U",
    version: str = "00401",
    sender: str = "ACMEBUYER",
    receiver: str = "AHEADMFG",
    usage: str = "P",
) -> str:
    """An ISA segment without its terminator, every field at its fixed width."""
    fields = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        "250115",
        "1530",
        repetition,
        version,
        control_number,
        "0",
        usage,
        component,
    ]
    return "ISA" + element + element.join(fields)


def interchange(
    segments: list[str],
    *,
    control_number: str = "000000001",
    element: str = "*",
    component: str = ">",
    terminator: str = "~",
    after: str = "",
    version: str = "00401",
    repetition: str = "U",
) -> str:
    """An interchange's text: an ISA, then ``segments`` (written with ``*``) in the delimiters.

    Args:
        segments: the segments after the ISA, elements separated by ``*``, composites by ``>``.
        control_number: ISA13.
        element: the element separator to write with.
        component: the component separator to write with.
        terminator: the segment terminator.
        after: what follows each terminator (a line break, or nothing).
        version: ISA12.
        repetition: ISA11.
    """
    header = isa(
        control_number,
        element=element,
        component=component,
        repetition=repetition,
        version=version,
    )
    body = [segment.replace("*", element).replace(">", component) for segment in segments]
    return "".join(text + terminator + after for text in [header, *body])


def purchase_order_sets(count: int, *, lines: int = 2, first: int = 1) -> list[str]:
    """``count`` small 850 transaction sets with correct SE counts, numbered from ``first``."""
    segments: list[str] = []
    for number in range(first, first + count):
        body = [f"ST*850*{number:04d}", f"BEG*00*SA*PO{number:06d}**20250115"]
        body += [f"PO1*{line}*{line * 2}*EA*8.50**VN*TM-{line}" for line in range(1, lines + 1)]
        body.append(f"CTT*{lines}")
        body.append(f"SE*{len(body) + 1}*{number:04d}")
        segments += body
    return segments


@dataclass(frozen=True)
class ElementReport:
    """An element in error, shaped as :class:`adapters.x12.ack.ReportedElement`."""

    position: int
    code: str
    reference_number: str | None = None
    bad_value: str | None = None
    component_position: int | None = None
    repetition_position: int | None = None


@dataclass(frozen=True)
class SegmentReport:
    """A segment in error, shaped as :class:`adapters.x12.ack.ReportedSegment`."""

    segment_id: str
    position: int
    loop_id: str | None = None
    code: str | None = None
    element_errors: tuple[ElementReport, ...] = ()


@dataclass(frozen=True)
class SetProblem:
    """A problem of a whole set, shaped as :class:`adapters.x12.ack.ReportedSetError`."""

    code: str


@dataclass(frozen=True)
class SetReport:
    """A set's validation findings, shaped as :class:`adapters.x12.ack.ValidationReport`."""

    segment_errors: tuple[SegmentReport, ...] = field(default_factory=tuple)
    set_errors: tuple[SetProblem, ...] = field(default_factory=tuple)
