"""The public names of ``adapters.x12`` are exactly the intended ones, and all of them resolve."""

from __future__ import annotations

import adapters.x12

EXPECTED = {
    "Acknowledgment",
    "AcknowledgmentCode",
    "AcknowledgmentGroup",
    "AcknowledgmentNumbers",
    "AcknowledgmentSet",
    "AcknowledgmentType",
    "Delimiters",
    "ElementValue",
    "EnvelopeEvent",
    "EnvelopeLevel",
    "EnvelopeProblem",
    "EnvelopeSettings",
    "GroupEnd",
    "GroupErrorCode",
    "GroupHeader",
    "InterchangeEnd",
    "InterchangeErrorCode",
    "InterchangeHeader",
    "InterchangeWriter",
    "LineBreak",
    "OutboundSegment",
    "Repeated",
    "ReportedElement",
    "ReportedSegment",
    "ReportedSetError",
    "Segment",
    "SegmentReader",
    "SetErrorCode",
    "SetSummary",
    "TransactionSet",
    "UsageIndicator",
    "ValidationReport",
    "X12Error",
    "X12SyntaxError",
    "X12WriteError",
    "acknowledgment_type",
    "build_acknowledgment",
    "map_directory",
    "read_envelopes",
    "walk_envelopes",
}


def test_the_package_exports_exactly_the_intended_names() -> None:
    assert set(adapters.x12.__all__) == EXPECTED
    assert len(adapters.x12.__all__) == len(EXPECTED)


def test_every_exported_name_resolves() -> None:
    missing = [name for name in adapters.x12.__all__ if not hasattr(adapters.x12, name)]

    assert missing == []
