"""X12 EDI: reading interchanges, checking their envelopes, acknowledging them, writing them.

- :class:`SegmentReader` streams a file's segments, a chunk at a time, with the delimiters each
  ISA declares.
- :func:`read_envelopes` walks them into transaction sets (one at a time, with their ISA and GS)
  and group and interchange ends, checking counts, control numbers and trailers on the way.
- :func:`build_acknowledgment` answers a received interchange with a 997 (before 005010) or a
  999, from the envelope's findings and each set's validation report.
- :class:`InterchangeWriter` writes interchanges, adding ISA, GS, ST, SE, GE and IEA.
- :func:`validate_transaction_set` (or a reused :class:`TransactionSetValidator`) checks a set
  against our pyx12 maps and builds its record tree; :func:`layout_document` lays out an outbound
  document in map order for the writer; :func:`map_directory` composes the maps pyx12 reads.

The shape of a transaction set for mappings is described in ``docs/x12.md``.
"""

from adapters.x12.ack import (
    Acknowledgment,
    AcknowledgmentGroup,
    AcknowledgmentNumbers,
    AcknowledgmentSet,
    AcknowledgmentType,
    ReportedElement,
    ReportedSegment,
    ReportedSetError,
    ValidationReport,
    acknowledgment_type,
    build_acknowledgment,
)
from adapters.x12.envelope import (
    EnvelopeEvent,
    EnvelopeLevel,
    EnvelopeProblem,
    GroupEnd,
    GroupHeader,
    InterchangeEnd,
    InterchangeHeader,
    SetSummary,
    TransactionSet,
    read_envelopes,
    walk_envelopes,
)
from adapters.x12.error_codes import ElementErrorCode, SegmentErrorCode
from adapters.x12.errors import (
    AcknowledgmentCode,
    GroupErrorCode,
    InterchangeErrorCode,
    SetErrorCode,
    X12Error,
    X12SyntaxError,
    X12WriteError,
)
from adapters.x12.layout import LayoutError
from adapters.x12.mapdir import MapDirectoryError, map_directory
from adapters.x12.reader import SegmentReader
from adapters.x12.segments import Delimiters, Segment
from adapters.x12.validation import (
    SetEnvelope,
    SetResult,
    TransactionSetValidator,
    layout_document,
    validate_transaction_set,
)
from adapters.x12.writer import (
    ElementValue,
    EnvelopeSettings,
    InterchangeWriter,
    LineBreak,
    OutboundSegment,
    Repeated,
    UsageIndicator,
)

__all__ = [
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
]
