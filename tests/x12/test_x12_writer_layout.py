"""An outbound 856 laid out along our map and written by the writer is read back by the reader
and the envelope walk without a problem, and passes the map's validation."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters.x12.envelope import TransactionSet, read_envelopes
from adapters.x12.segments import Delimiters
from adapters.x12.validation import SetEnvelope, TransactionSetValidator
from adapters.x12.writer import EnvelopeSettings, InterchangeWriter, LineBreak

SETTINGS = EnvelopeSettings(
    sender_qualifier="ZZ",
    sender_id="AHEADMFG",
    receiver_qualifier="ZZ",
    receiver_id="ACMEBUYER",
    group_sender_id="AHEADMFG",
    group_receiver_id="ACMEBUYER",
    delimiters=Delimiters("|", "^", "~"),
    line_break=LineBreak.CRLF,
)


def shipment(number: str) -> dict[str, Any]:
    item = {
        "HL": {"HL03": "I"},
        "LIN": {"LIN02": "UP", "LIN03": "614141007349", "LIN04": "VN", "LIN05": "TM-12"},
        "SN1": {"SN102": 12, "SN103": "EA"},
    }
    order = {"HL": {"HL03": "O"}, "PRF": {"PRF01": "PO12345"}, "HL_loop": [item]}
    return {
        "BSN": {"BSN01": "00", "BSN02": number, "BSN03": "20250120", "BSN04": "1530"},
        "HL_loop": [
            {"HL": {"HL03": "S"}, "REF": [{"REF01": "BM", "REF02": "BOL1"}], "HL_loop": [order]}
        ],
    }


def test_a_laid_out_856_written_and_read_back_passes_envelope_and_map(
    x12_validator: TransactionSetValidator, tmp_path: Path
) -> None:
    out = io.BytesIO()
    with InterchangeWriter(out, SETTINGS, 31, timestamp=datetime(2025, 1, 20, 15, 30)) as writer:
        writer.begin_group("SH", 31)
        for number in ("SHIP0001", "SHIP0002"):
            laid_out = x12_validator.layout(shipment(number), "856", "004010")
            writer.write_set("856", number[-4:], laid_out)
    path = tmp_path / "outbound-856.x12"
    path.write_bytes(out.getvalue())

    events = list(read_envelopes(path))

    assert all(not event.problems for event in events)
    sets = [event for event in events if isinstance(event, TransactionSet)]
    assert [found.control_number for found in sets] == ["0001", "0002"]
    for found in sets:
        envelope = SetEnvelope("00401", "SH", "004010", source=path.name)
        result = x12_validator.validate(found.segments, found.interchange.delimiters, envelope)
        assert result.accepted, result.messages()
        assert result.tree is not None
    assert [segment.tag for segment in sets[0].segments] == [
        "ST",
        "BSN",
        "HL",
        "REF",
        "HL",
        "PRF",
        "HL",
        "LIN",
        "SN1",
        "CTT",
        "SE",
    ]
