"""Acknowledgments of sets validated against our maps: the validator's results go into the
997/999 as they are, next to the envelope's findings."""

from __future__ import annotations

import io

from x12_samples_support import ACK_TIME, data_file

from adapters.x12.ack import AcknowledgmentNumbers, build_acknowledgment
from adapters.x12.envelope import InterchangeEnd, TransactionSet, read_envelopes
from adapters.x12.validation import SetEnvelope, SetResult, TransactionSetValidator


def acknowledged(name: str, validator: TransactionSetValidator) -> tuple[list[SetResult], str]:
    results: dict[int, SetResult] = {}
    for event in read_envelopes(data_file(name)):
        if isinstance(event, TransactionSet):
            envelope = SetEnvelope(
                interchange_version=event.interchange.version,
                functional_id=event.group.functional_id,
                group_version=event.group.version,
                source=name,
            )
            results[event.position] = validator.validate(
                event.segments, event.interchange.delimiters, envelope
            )
        elif isinstance(event, InterchangeEnd):
            out = io.BytesIO()
            build_acknowledgment(event, results).write(
                out, AcknowledgmentNumbers(1, 1), timestamp=ACK_TIME
            )
            return list(results.values()), out.getvalue().decode()
    raise AssertionError(f"no interchange in {name}")


def test_a_code_the_map_does_not_know_rejects_its_set_in_the_999(
    x12_validator: TransactionSetValidator,
) -> None:
    results, acknowledgment = acknowledged("reader-850-5010-bom-crlf.x12", x12_validator)

    assert [result.accepted for result in results] == [True, False]
    assert "AK2*850*0001~IK5*A~" in acknowledgment
    assert "AK2*850*0002~IK3*PO1*3*PO1*8~IK4*3*355*7*XX~IK5*R*5~" in acknowledgment
    assert "AK9*P*2*2*1~" in acknowledgment


def test_good_sets_and_envelope_problems_meet_in_the_997(
    x12_validator: TransactionSetValidator,
) -> None:
    results, acknowledgment = acknowledged("envelope-850-bad-counts.x12", x12_validator)

    assert all(result.accepted for result in results)
    assert "AK2*850*0001~AK5*A~AK2*850*0002~AK5*R*4~AK2*850*0003~AK5*R*3~" in acknowledgment
    assert "AK9*P*2*3*1*5*4~" in acknowledgment
