"""The report written beside a file moved to ``error/``: which file, what went wrong, what was
expected, and what to do. Plain text, meant for the person who fixes the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_LABEL_WIDTH = 10

RETRY_ADVICE = (
    "Correct the file and put it into the inbox again. Records that were already delivered\n"
    "are recognised by their key and content and are not sent a second time."
)


@dataclass(frozen=True)
class RecordOutcome:
    """What happened to one record of a file.

    Attributes:
        key: the record's key.
        succeeded: whether it was delivered.
        detail: why it failed (empty when it succeeded).
    """

    key: str
    succeeded: bool
    detail: str = ""


def error_report(
    *,
    file: str,
    kept_as: str,
    problem: str,
    expected: str,
    records: Sequence[RecordOutcome] = (),
) -> str:
    """The text of the report on one failed file.

    Args:
        file: where the file was found, e.g. ``inbox/po-1001.json``.
        kept_as: where it is now, e.g. ``error/po-1001.json``.
        problem: what went wrong (may span lines).
        expected: what the file should have held.
        records: the outcome of each record of a file of several records.
    """
    lines = [
        "ahead-connector could not process this file.",
        "",
        _field("File", file),
        _field("Kept as", kept_as),
        _field("Problem", problem),
        _field("Expected", expected),
    ]
    if records:
        lines += ["", "Records in the file:"]
        width = max(len(outcome.key) for outcome in records)
        for outcome in records:
            verdict = "delivered" if outcome.succeeded else f"failed: {outcome.detail}"
            lines.append(f"  {outcome.key.ljust(width)}  {verdict}")
    lines += ["", RETRY_ADVICE, ""]
    return "\n".join(lines)


def _field(label: str, text: str) -> str:
    head, *rest = text.splitlines() or [""]
    indent = " " * (_LABEL_WIDTH + 1)
    return "\n".join([f"{label + ':':<{_LABEL_WIDTH}} {head}", *(indent + line for line in rest)])
