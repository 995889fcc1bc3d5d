"""Realistic X12 850 interchanges of a given size, written straight to a file.

Each purchase order has a BEG, REF and DTM segments, a TD5 (routing by ship method name, or a
carrier's SCAC alone), sometimes an N9/MSG note, a bill-to and a ship-to N1 loop with N3 and
N4 (US, Canadian and German addresses, some address lines longer than AHEAD takes), two to
eight PO1 lines with a PID each, and a CTT. The SKUs, ship methods and countries are those of
the sandbox's seed data, so the stock ``x12/850-to-order`` mapping maps every order. The
content is drawn from a seeded random generator: the same arguments give the same file.

The segments are written by :class:`adapters.x12.InterchangeWriter` one at a time to a
buffered file (nothing is held but the set being written), in the delimiters, line breaks and
version of an :class:`InterchangeStyle`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path

from adapters.x12 import (
    Delimiters,
    EnvelopeSettings,
    InterchangeWriter,
    LineBreak,
    OutboundSegment,
)
from connector.sandbox.seed import ITEMS

__all__ = ["GeneratedFile", "InterchangeStyle", "write_purchase_orders"]

PARTNER_ID = "ACMEBUYER"
OUR_ID = "AHEADMFG"
_TIMESTAMP = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
_ORDERABLE = tuple(item for item in ITEMS if not item.archived)
# (TD503 carrier SCAC, TD505 routing): a ship method named in full, or the carrier alone,
# which the stock mapping resolves through its carrier_ship_methods parameter.
_ROUTINGS = (
    ("UPSN", "UPS Ground"),
    ("FDEG", "FedEx Ground"),
    ("FDEG", "FedEx 2Day"),
    ("UPSN", ""),
    ("FDEG", ""),
    ("FDEG", "FedEx Ground Canada"),
    ("DHL", "DHL Express Worldwide"),
)
# (city, state, postal code, country)
_PLACES = (
    ("Boulder", "CO", "80301", "US"),
    ("Austin", "TX", "78701", "US"),
    ("San Jose", "CA", "95134", "US"),
    ("Raleigh", "NC", "27601", "US"),
    ("Toronto", "ON", "M5X 1C7", "CA"),
    ("Vancouver", "BC", "V6B 1A1", "CA"),
    ("Berlin", "", "10117", "DE"),
)
_STREETS = (
    "Cascade Avenue",
    "King Street West",
    "Main Street",
    "Friedrichstrasse",
    "Innovation Drive",
    "Harbour Road",
)
_SUITES = ("Suite 5700", "Building C", "Receiving Dock 4", "Floor 12", "Unit 3")
_NOTES = (
    "Deliver to dock 4 before noon",
    "Call the receiving desk 30 minutes ahead",
    "Pallets no higher than 1.5 m",
    "Ship complete, no partial shipments",
)


class IsaVersion(Enum):
    """The X12 version of an interchange: ISA12 and the GS08 of its groups."""

    V4010 = ("00401", "004010")
    V5010 = ("00501", "005010")

    @property
    def interchange(self) -> str:
        """ISA12."""
        return self.value[0]

    @property
    def group(self) -> str:
        """GS08."""
        return self.value[1]


@dataclass(frozen=True)
class InterchangeStyle:
    """How a generated file is written: delimiters, line breaks, version.

    Attributes:
        delimiters: the element, component and segment delimiters (and the repetition
            separator in 005010).
        line_break: what follows each segment terminator.
        version: the X12 version.
    """

    delimiters: Delimiters
    line_break: LineBreak
    version: IsaVersion

    @property
    def segment_ending(self) -> str:
        """What ends every segment in the file: the terminator and its line break."""
        return self.delimiters.segment + self.line_break.value

    def describe(self) -> str:
        """The style in a few words, for reports."""
        delimiters = self.delimiters
        line_breaks = {LineBreak.NONE: "no line breaks", LineBreak.LF: "LF", LineBreak.CRLF: "CRLF"}
        repetition = f" {delimiters.repetition!r}" if delimiters.repetition else ""
        return (
            f"{self.version.group}, delimiters {delimiters.element!r} {delimiters.component!r}"
            f"{repetition} {delimiters.segment!r}, {line_breaks[self.line_break]}"
        )


STAR_TILDE_LF = InterchangeStyle(Delimiters("*", ">", "~"), LineBreak.LF, IsaVersion.V4010)
"""The most common layout: 004010, ``*`` ``>`` ``~``, a line feed after each segment."""

PIPE_NO_BREAKS = InterchangeStyle(
    Delimiters("|", ":", "~", repetition="^"), LineBreak.NONE, IsaVersion.V5010
)
"""005010 with ``|`` between elements and the whole interchange on one line."""


@dataclass(frozen=True)
class GeneratedFile:
    """A generated file and what is in it.

    Attributes:
        path: the file.
        size: its size in bytes.
        style: how it is written.
        interchanges: ISA to IEA envelopes.
        purchase_orders: 850 transaction sets.
        segments: every segment, envelopes included.
    """

    path: Path
    size: int
    style: InterchangeStyle
    interchanges: int
    purchase_orders: int
    segments: int


def write_purchase_orders(
    path: Path,
    size: int,
    style: InterchangeStyle = STAR_TILDE_LF,
    *,
    orders_per_interchange: int | None = None,
    seed: int = 850,
    first_control_number: int = 1,
) -> GeneratedFile:
    """Write 850 interchanges to ``path`` until the file holds at least ``size`` bytes.

    Args:
        path: the file to write (replaced if it exists).
        size: the size to reach, in bytes; the last interchange is completed past it.
        style: delimiters, line breaks and version.
        orders_per_interchange: purchase orders per interchange (one group each); ``None``
            writes a single interchange holding them all.
        seed: the seed of the content.
        first_control_number: the ISA13 and GS06 of the first interchange; the next ones
            follow on.

    Returns:
        What was written.
    """
    orders = _PurchaseOrders(random.Random(seed))
    settings = EnvelopeSettings(
        sender_qualifier="ZZ",
        sender_id=PARTNER_ID,
        receiver_qualifier="ZZ",
        receiver_id=OUR_ID,
        group_sender_id=PARTNER_ID,
        group_receiver_id=OUR_ID,
        version=style.version.interchange,
        group_version=style.version.group,
        delimiters=style.delimiters,
        line_break=style.line_break,
    )
    interchanges = purchase_orders = segments = 0
    with path.open("wb", buffering=1 << 20) as out:
        while out.tell() < size:
            control_number = first_control_number + interchanges
            interchanges += 1
            with InterchangeWriter(
                out, settings, control_number=control_number, timestamp=_TIMESTAMP
            ) as writer:
                writer.begin_group("PO", control_number=control_number)
                in_this_interchange = 0
                # At least one order per interchange, however small the size asked for.
                while not in_this_interchange or (
                    out.tell() < size
                    and (
                        orders_per_interchange is None
                        or in_this_interchange < orders_per_interchange
                    )
                ):
                    purchase_orders += 1
                    in_this_interchange += 1
                    segments += writer.write_set(
                        "850", in_this_interchange, orders.next_order(purchase_orders)
                    )
            segments += 4  # ISA, GS, GE, IEA
        written = out.tell()
    return GeneratedFile(path, written, style, interchanges, purchase_orders, segments)


class _PurchaseOrders:
    """Draws purchase orders from a random generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._first_day = date(2026, 11, 2)

    def next_order(self, number: int) -> Iterator[OutboundSegment]:
        """The segments of order ``number``, between ST and SE."""
        rng = self._rng
        ordered = self._first_day + timedelta(days=number % 28)
        wanted = ordered + timedelta(days=rng.randint(7, 21))
        yield ("BEG", ["00", "SA", f"45{number:08d}", None, ordered.strftime("%Y%m%d")])
        yield ("REF", ["DP", f"{rng.randint(1, 120):03d}"])
        if rng.random() < 0.5:
            yield ("REF", ["IA", f"V{rng.randint(1000, 9999)}"])
        yield ("DTM", ["002", wanted.strftime("%Y%m%d")])
        carrier, routing = rng.choice(_ROUTINGS)
        yield ("TD5", [None, "2", carrier, None, routing or None])
        if rng.random() < 0.25:
            yield ("N9", ["ZZ", "NOTES"])
            yield ("MSG", [rng.choice(_NOTES)])
        yield ("N1", ["BT", "ACME Corporation", "92", "0001"])
        yield ("N3", ["100 Corporate Plaza"])
        yield ("N4", ["Denver", "CO", "80202", "US"])
        store = rng.randint(1, 400)
        city, state, postal_code, country = rng.choice(_PLACES)
        yield ("N1", ["ST", f"ACME Store {store}", "92", f"{store:04d}"])
        street = f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}"
        if rng.random() < 0.2:
            # Longer than the 35 characters AHEAD takes: the mapping cuts it with a warning.
            yield ("N3", [f"{street}, {rng.choice(_SUITES)}, Door {rng.randint(1, 9)}"])
        elif rng.random() < 0.5:
            yield ("N3", [street, rng.choice(_SUITES)])
        else:
            yield ("N3", [street])
        yield ("N4", [city, state or None, postal_code, country])
        lines = rng.randint(2, 8)
        quantities = 0
        for line in range(1, lines + 1):
            item = rng.choice(_ORDERABLE)
            quantity = rng.randint(1, 40)
            quantities += quantity
            yield (
                "PO1",
                [
                    str(line),
                    str(quantity),
                    "EA",
                    f"{item.price:.2f}",
                    "PE",
                    "BP",
                    item.customer_sku,
                    "VN",
                    f"V-{item.id}",
                ],
            )
            yield ("PID", ["F", None, None, None, item.description.upper()[:80]])
        yield ("CTT", [str(lines), str(quantities)])
