"""Helpers for the map, validation and layout tests.

The sample files in ``data/`` named ``maps-*`` (good interchanges) and ``validation-*`` (sets
with one fault each, told apart by their ST02) are written by hand. The splitting here is
deliberately minimal (the adapter's reader has tests of its own): it takes the delimiters from
the ISA, splits on the segment terminator and numbers segments and lines, so these tests depend
on nothing but the maps and the validator.

Snapshots (``validation-*.json``, ``layout-*.json``): ``UPDATE_SNAPSHOTS=1`` rewrites them from
what the code produces; review the difference before committing it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.x12.segments import Delimiters, Segment
from adapters.x12.validation import SetEnvelope

DATA = Path(__file__).parent / "data"
UPDATE_SNAPSHOTS = "UPDATE_SNAPSHOTS"
GOOD_SAMPLES = (
    "maps-850-4010-good.x12",
    "maps-850-5010-good.x12",
    "maps-856-4010-good.x12",
    "maps-810-4010-good.x12",
)
DELIMITERS_4010 = Delimiters(element="*", component=">", segment="~")
ENVELOPE_850_4010 = SetEnvelope("00401", "PO", "004010", source="inline.x12")
ENVELOPE_850_5010 = SetEnvelope("00501", "PO", "005010", source="inline.x12")
ENVELOPE_856_4010 = SetEnvelope("00401", "SH", "004010", source="inline.x12")


@dataclass(frozen=True)
class SampleSet:
    segments: list[Segment]
    delimiters: Delimiters
    envelope: SetEnvelope

    @property
    def control_number(self) -> str:
        return self.segments[0].element(2)


def read_sets(path: Path) -> list[SampleSet]:
    """Every transaction set of a sample file, with its delimiters and envelope."""
    text = path.read_text(encoding="utf-8")
    element, component, terminator = text[3], text[104], text[105]
    repetition = text[82] if text[84:89] >= "00402" else None
    delimiters = Delimiters(element, component, terminator, repetition)
    sets: list[SampleSet] = []
    isa = gs = None
    current: list[Segment] | None = None
    newlines_before = 0
    for position, raw in enumerate(text.split(terminator), start=1):
        body = raw.lstrip("\r\n")
        line = newlines_before + raw[: len(raw) - len(body)].count("\n") + 1
        newlines_before += raw.count("\n")
        if not body:
            continue
        tag, *elements = body.split(element)
        segment = Segment(tag, tuple(elements), position, line)
        if tag == "ISA":
            isa = segment
        elif tag == "GS":
            gs = segment
        elif tag == "ST":
            current = [segment]
        elif current is not None:
            current.append(segment)
            if tag == "SE":
                assert isa is not None
                assert gs is not None
                envelope = SetEnvelope.from_segments(isa, gs, source=path.name)
                sets.append(SampleSet(current, delimiters, envelope))
                current = None
    return sets


def sample_set(name: str, control_number: str) -> SampleSet:
    """The set with ST02 ``control_number`` of sample file ``name``."""
    for found in read_sets(DATA / name):
        if found.control_number == control_number:
            return found
    raise AssertionError(f"{name} has no set {control_number}")


def set_segments(text: str, *, delimiters: Delimiters = DELIMITERS_4010) -> list[Segment]:
    """The segments of a set written one per line, ST and SE added around them."""
    lines = ["ST*850*0001", *(line.strip() for line in text.strip().splitlines()), ""]
    lines[-1] = f"SE*{len(lines)}*0001"
    if lines[1].startswith("BSN"):
        lines[0] = "ST*856*0001"
    segments = []
    for position, line in enumerate(lines, start=1):
        tag, *elements = line.split(delimiters.element)
        segments.append(Segment(tag, tuple(elements), position, position))
    return segments


def as_segments(laid_out: list[tuple[str, tuple[Any, ...]]], set_id: str) -> list[Segment]:
    """Laid-out segments as the reader would give them back, with ST and SE around them."""
    lines: list[tuple[str, tuple[str, ...]]] = [("ST", (set_id, "0001"))]
    for tag, elements in laid_out:
        texts = tuple(value if isinstance(value, str) else ">".join(value) for value in elements)
        lines.append((tag, texts))
    lines.append(("SE", (str(len(lines) + 1), "0001")))
    return [
        Segment(tag, elements, position, position)
        for position, (tag, elements) in enumerate(lines, start=1)
    ]


def assert_matches_snapshot(value: Any, name: str) -> None:
    """Compare ``value`` as indented JSON with ``data/<name>``; ``UPDATE_SNAPSHOTS=1`` rewrites."""
    text = json.dumps(value, indent=2) + "\n"
    path = DATA / name
    if os.environ.get(UPDATE_SNAPSHOTS):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; run with {UPDATE_SNAPSHOTS}=1 and review it"
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8"))
