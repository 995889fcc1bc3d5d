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
    "ElementErrorCode",
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
    "LayoutError",
    "LineBreak",
    "MapDirectoryError",
    "OutboundSegment",
    "Repeated",
    "ReportedElement",
    "ReportedSegment",
    "ReportedSetError",
    "Segment",
    "SegmentErrorCode",
    "SegmentReader",
    "SetEnvelope",
    "SetErrorCode",
    "SetResult",
    "SetSummary",
    "TransactionSet",
    "TransactionSetValidator",
    "UsageIndicator",
    "ValidationReport",
    "X12Error",
    "X12SyntaxError",
    "X12WriteError",
    "acknowledgment_type",
    "build_acknowledgment",
    "layout_document",
    "map_directory",
    "read_envelopes",
    "validate_transaction_set",
    "walk_envelopes",
}


def test_the_package_exports_exactly_the_intended_names() -> None:
    assert set(adapters.x12.__all__) == EXPECTED
    assert len(adapters.x12.__all__) == len(EXPECTED)


def test_every_exported_name_resolves() -> None:
    missing = [name for name in adapters.x12.__all__ if not hasattr(adapters.x12, name)]

    assert missing == []
