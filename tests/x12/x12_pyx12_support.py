"""Helpers for the tests that hand our acknowledgments to pyx12 itself: build the 997 or 999 of a
received interchange as the inbox builds it, and run pyx12's validation over a file."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pyx12.map_index
import pyx12.params
import pyx12.x12n_document
from x12_samples_support import ACK_TIME

from adapters.x12.ack import AcknowledgmentNumbers, build_acknowledgment
from adapters.x12.envelope import InterchangeEnd, TransactionSet, read_envelopes
from adapters.x12.validation import SetEnvelope, SetResult, TransactionSetValidator


def write_acknowledgment(inbound: Path, validator: TransactionSetValidator, out: Path) -> str:
    """The 997/999 of the first interchange of ``inbound``, built as the inbox builds it, at
    ``out``: every set validated against its map, the results next to the envelope's findings."""
    results: dict[int, SetResult] = {}
    for event in read_envelopes(inbound):
        if isinstance(event, TransactionSet):
            envelope = SetEnvelope(
                interchange_version=event.interchange.version,
                functional_id=event.group.functional_id,
                group_version=event.group.version,
                source=inbound.name,
            )
            results[event.position] = validator.validate(
                event.segments, event.interchange.delimiters, envelope
            )
        elif isinstance(event, InterchangeEnd):
            with out.open("wb") as file:
                build_acknowledgment(event, results).write(
                    file, AcknowledgmentNumbers(1, 1), timestamp=ACK_TIME
                )
            return out.read_text(encoding="utf-8")
    raise AssertionError(f"no interchange in {inbound}")


def pyx12_validates(path: Path, map_dir: Path) -> bool:
    """Whether pyx12 finds ``path`` valid against the maps of ``map_dir``."""
    valid, _ = pyx12_findings(path, map_dir)
    return valid


class _Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pyx12_findings(path: Path, map_dir: Path) -> tuple[bool, list[str]]:
    """pyx12's verdict on ``path`` and the errors it logged on the way (it reports them there)."""
    logger = logging.getLogger("pyx12")
    collected = _Collected()
    level = logger.level
    logger.addHandler(collected)
    logger.setLevel(logging.ERROR)
    try:
        valid: bool = pyx12.x12n_document.x12n_document(
            pyx12.params.ParamsBase(), str(path), io.StringIO(), None, map_path=str(map_dir)
        )
    finally:
        logger.removeHandler(collected)
        logger.setLevel(level)
    return valid, collected.messages


def acknowledgment_maps(map_dir: Path, icvn: str, vriic: str) -> tuple[str, list[str]]:
    """The map pyx12's index picks for a functional acknowledgment (GS01 ``FA``) of that ISA12
    and GS08, and every map file the index lists for those three (one, if no entry is left
    over from the maps ours replace)."""
    index = pyx12.map_index.map_index(str(map_dir))
    listed = [
        entry["map_file"]
        for entry in index.maps
        if (entry["icvn"], entry["vriic"], entry["fic"]) == (icvn, vriic, "FA")
    ]
    return index.get_filename(icvn, vriic, "FA"), listed
