"""Our 997 map (004010): pyx12 validates the 997s we build for any functional group with it, and
our own validator reads a 997 with it; pyx12's HIPAA 997 entries keep pyx12's own map."""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path

import pytest
import pyx12.map_if
import pyx12.map_index
import pyx12.params
from x12_pyx12_support import acknowledgment_maps, pyx12_validates, write_acknowledgment
from x12_samples_support import data_file

from adapters.x12.envelope import TransactionSet, read_envelopes
from adapters.x12.error_codes import ElementErrorCode, SegmentErrorCode
from adapters.x12.segments import Delimiters, Segment
from adapters.x12.validation import SetEnvelope, SetResult, TransactionSetValidator

OUR_997 = "997.4010.xml"
PYX12_997 = "pyx12-997.4010.xml"
ENVELOPE_997_4010 = SetEnvelope("00401", "FA", "004010", source="inline-997.x12")
DELIMITERS = Delimiters(element="*", component=">", segment="~")


def validate_sets(path: Path, validator: TransactionSetValidator) -> list[SetResult]:
    results = []
    for event in read_envelopes(path):
        if isinstance(event, TransactionSet):
            envelope = SetEnvelope(
                interchange_version=event.interchange.version,
                functional_id=event.group.functional_id,
                group_version=event.group.version,
                source=path.name,
            )
            results.append(
                validator.validate(event.segments, event.interchange.delimiters, envelope)
            )
    return results


@pytest.fixture
def accepted_997(tmp_path: Path, x12_validator: TransactionSetValidator) -> Path:
    path = tmp_path / "997-accepted.x12"
    text = write_acknowledgment(data_file("maps-850-4010-good.x12"), x12_validator, path)
    assert "AK2*850*0002~AK5*A~" in text
    assert "AK9*A*3*3*3~SE*10*0001~" in text
    return path


@pytest.mark.parametrize(
    ("vriic", "expected"),
    [
        ("004010", OUR_997),
        ("004010VICS", OUR_997),
        ("004010X098A1", PYX12_997),
        ("004010X091A1", PYX12_997),
    ],
)
def test_the_index_serves_our_997_for_plain_004010_and_pyx12s_for_its_hipaa_versions(
    vriic: str, expected: str, x12_map_dir: Path
):
    assert acknowledgment_maps(x12_map_dir, "00401", vriic) == (expected, [expected])


@pytest.mark.parametrize(
    ("sample", "expected_parts"),
    [
        pytest.param(
            "maps-850-4010-good.x12",
            ["AK1*PO*1001~", "AK9*A*3*3*3~"],
            id="purchase-orders-accepted",
        ),
        pytest.param(
            "envelope-850-bad-counts.x12",
            ["AK2*850*0002~AK5*R*4~", "AK9*P*2*3*1*5*4~"],
            id="purchase-orders-partly-accepted-with-group-codes",
        ),
        pytest.param(
            "validation-850-4010-bad.x12",
            [
                "AK3*BEG*2**3~",
                "AK3*XYZ*4**1~",
                "AK3*BEG*2**8~AK4*1*353*7*ZZ~",
                "AK4*5**3*EXTRA~",
                "AK3*PO1*9*PO1*8~AK4*2*330*1~",
                "AK9*R*8*8*0~",
            ],
            id="purchase-orders-rejected-with-segment-and-element-notes",
        ),
        pytest.param(
            "validation-856-4010-bad.x12",
            ["AK1*SH*6001~", "AK3*HL*13*HL*8~AK4*2*734*7*7~", "AK9*R*2*2*0~"],
            id="ship-notices-rejected",
        ),
        pytest.param(
            "maps-810-4010-good.x12",
            ["AK1*IN*4001~", "AK9*A*2*2*2~"],
            id="invoices-accepted",
        ),
    ],
)
def test_pyx12_validates_the_997_we_build_for_a_received_group_with_our_map(
    sample: str,
    expected_parts: list[str],
    tmp_path: Path,
    x12_map_dir: Path,
    x12_validator: TransactionSetValidator,
):
    acknowledgment = tmp_path / f"997-{sample}"
    text = write_acknowledgment(data_file(sample), x12_validator, acknowledgment)

    for part in expected_parts:
        assert part in text
    assert pyx12_validates(acknowledgment, x12_map_dir), text


def test_pyx12_validates_a_997_noting_a_bad_component_of_a_composite(
    tmp_path: Path, x12_map_dir: Path, x12_validator: TransactionSetValidator
):
    good = data_file("maps-850-4010-good.x12").read_text(encoding="utf-8")
    inbound = tmp_path / "850-bad-component.x12"
    inbound.write_text(
        good.replace("CTP**RES*55.00*6*CA>1~", "CTP**RES*55.00*6*XX>1~"), encoding="utf-8"
    )
    acknowledgment = tmp_path / "997-bad-component.x12"

    text = write_acknowledgment(inbound, x12_validator, acknowledgment)

    assert "AK3*CTP*23*PO1*8~AK4*5>1*355*7*XX~AK5*R*5~" in text
    assert pyx12_validates(acknowledgment, x12_map_dir), text


def test_pyx12_rejects_our_997_without_its_ak9(
    accepted_997: Path, tmp_path: Path, x12_map_dir: Path, caplog: pytest.LogCaptureFixture
):
    broken = tmp_path / "997-no-ak9.x12"
    broken.write_text(
        accepted_997.read_text(encoding="utf-8").replace("AK9*A*3*3*3~SE*10*", "SE*9*"),
        encoding="utf-8",
    )

    with caplog.at_level(logging.ERROR, logger="pyx12"):
        assert not pyx12_validates(broken, x12_map_dir)

    assert any("(AK9) missing" in record.getMessage() for record in caplog.records)


def test_pyx12_rejects_our_997_with_an_ak501_code_the_standard_does_not_have(
    accepted_997: Path, tmp_path: Path, x12_map_dir: Path, caplog: pytest.LogCaptureFixture
):
    broken = tmp_path / "997-bad-ak501.x12"
    broken.write_text(
        accepted_997.read_text(encoding="utf-8").replace(
            "AK2*850*0002~AK5*A~", "AK2*850*0002~AK5*Q~"
        ),
        encoding="utf-8",
    )

    with caplog.at_level(logging.ERROR, logger="pyx12"):
        assert not pyx12_validates(broken, x12_map_dir)

    assert any(
        "(Q) is not a valid code" in record.getMessage() and "(AK501)" in record.getMessage()
        for record in caplog.records
    )


def test_pyx12_still_validates_a_hipaa_997_with_its_own_map(
    accepted_997: Path, tmp_path: Path, x12_map_dir: Path
):
    hipaa = tmp_path / "997-hipaa.x12"
    hipaa.write_text(
        accepted_997.read_text(encoding="utf-8")
        .replace("*X*004010~", "*X*004010X098A1~")
        .replace(
            "AK1*PO*1001~AK2*850*0001~AK5*A~AK2*850*0002~AK5*A~AK2*850*0003~AK5*A~"
            "AK9*A*3*3*3~SE*10*0001~",
            "AK1*HC*1001~AK2*837*0001~AK5*A~AK9*A*1*1*1~SE*6*0001~",
        ),
        encoding="utf-8",
    )

    assert "AK1*HC*1001~" in hipaa.read_text(encoding="utf-8")
    assert pyx12_validates(hipaa, x12_map_dir)


def test_our_validator_reads_a_997_and_builds_its_tree(
    tmp_path: Path, x12_validator: TransactionSetValidator
):
    acknowledgment = tmp_path / "997-ship-notices.x12"
    write_acknowledgment(data_file("validation-856-4010-bad.x12"), x12_validator, acknowledgment)

    [result] = validate_sets(acknowledgment, x12_validator)

    assert result.accepted, result.messages()
    assert (result.set_id, result.control_number) == ("997", "0001")
    assert result.tree == {
        "AK1": {"AK101": "SH", "AK102": "6001"},
        "AK2_loop": [
            {
                "AK2": {"AK201": "856", "AK202": "0001"},
                "AK3_loop": [
                    {
                        "AK3": {"AK301": "HL", "AK302": "13", "AK303": "HL", "AK304": "8"},
                        "AK4": [{"AK401": ["2"], "AK402": "734", "AK403": "7", "AK404": "7"}],
                    }
                ],
                "AK5": {"AK501": "R", "AK502": "5"},
            },
            {
                "AK2": {"AK201": "856", "AK202": "0002"},
                "AK3_loop": [
                    {
                        "AK3": {"AK301": "HL", "AK302": "15", "AK303": "HL", "AK304": "8"},
                        "AK4": [{"AK401": ["1"], "AK402": "628", "AK403": "7", "AK404": "3"}],
                    }
                ],
                "AK5": {"AK501": "R", "AK502": "5"},
            },
        ],
        "AK9": {"AK901": "R", "AK902": "2", "AK903": "2", "AK904": "0"},
    }


def test_our_validator_reports_a_missing_ak9_and_a_bad_ak501_of_a_partners_997(
    accepted_997: Path, tmp_path: Path, x12_validator: TransactionSetValidator
):
    broken = tmp_path / "997-from-partner.x12"
    broken.write_text(
        accepted_997.read_text(encoding="utf-8")
        .replace("AK2*850*0002~AK5*A~", "AK2*850*0002~AK5*Q~")
        .replace("AK9*A*3*3*3~SE*10*", "SE*9*"),
        encoding="utf-8",
    )

    [result] = validate_sets(broken, x12_validator)

    assert result.tree is None
    assert [(error.segment_id, error.position, error.code) for error in result.segment_errors] == [
        ("AK5", 6, SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS),
        ("AK9", 9, SegmentErrorCode.MANDATORY_SEGMENT_MISSING),
    ]
    [bad_code] = result.segment_errors[0].element_errors
    assert (bad_code.element_id, bad_code.code, bad_code.bad_value) == (
        "AK501",
        ElementErrorCode.INVALID_CODE_VALUE,
        "Q",
    )
    assert "997-from-partner.x12" in bad_code.message
    assert "A, E, M, R, W, X" in bad_code.message
    assert "AK9 (Functional Group Response Trailer) is missing" in result.segment_errors[1].message


def test_every_element_of_our_997_has_a_definition_and_a_known_code_list(x12_map_dir: Path):
    root = pyx12.map_if.load_map_file(OUR_997, pyx12.params.ParamsBase(), str(x12_map_dir))
    problems = []
    for node in root.loop_segment_iterator():
        if not node.is_segment():
            continue
        for child in node.children:
            for element in child.children if child.is_composite() else [child]:
                if not element.max_len >= element.min_len >= 1:
                    problems.append(f"{element.id}: lengths {element.min_len}-{element.max_len}")
                codes = element.external_codes
                if codes is not None and codes not in root.ext_codes.codes:
                    problems.append(f"{element.id}: code list {codes} is not defined")

    assert problems == []
    gs = root.getnodebypath("/ISA_LOOP/GS_LOOP/GS")
    assert gs.children[0].valid_codes == ["FA"]
    assert gs.children[7].valid_codes == ["004010", "004010VICS"]
    assert root.getnodebypath("/ISA_LOOP/GS_LOOP/ST_LOOP/ST").children[0].valid_codes == ["997"]


def _acknowledgment_of_group(functional_id: str) -> list[Segment]:
    return [
        Segment("ST", ("997", "0001"), position=3, line=3),
        Segment("AK1", (functional_id, "1"), position=4, line=4),
        Segment("AK9", ("R", "0", "0", "0"), position=5, line=5),
        Segment("SE", ("4", "0001"), position=6, line=6),
    ]


@pytest.mark.parametrize("functional_id", ["PO", "SH", "IN", "FA", "PR", "IB", "RA", "HC"])
def test_our_997_accepts_the_functional_ids_of_common_groups_in_ak101(
    functional_id: str, x12_validator: TransactionSetValidator
):
    result = x12_validator.validate(
        _acknowledgment_of_group(functional_id), DELIMITERS, ENVELOPE_997_4010
    )

    assert result.accepted, result.messages()
    assert result.tree == {
        "AK1": {"AK101": functional_id, "AK102": "1"},
        "AK9": {"AK901": "R", "AK902": "0", "AK903": "0", "AK904": "0"},
    }


def test_our_997_rejects_an_ak101_that_is_no_functional_id(
    x12_validator: TransactionSetValidator,
):
    result = x12_validator.validate(_acknowledgment_of_group("QQ"), DELIMITERS, ENVELOPE_997_4010)

    [segment_error] = result.segment_errors
    [element_error] = segment_error.element_errors
    assert (segment_error.segment_id, element_error.element_id, element_error.code) == (
        "AK1",
        "AK101",
        ElementErrorCode.INVALID_CODE_VALUE,
    )


def test_the_composed_directory_keeps_pyx12s_997_map_beside_ours(x12_map_dir: Path):
    installed = Path(str(importlib.resources.files("pyx12").joinpath("map", OUR_997)))

    assert (x12_map_dir / PYX12_997).read_bytes() == installed.read_bytes()
    assert "(X12 004010)" in (x12_map_dir / OUR_997).read_text(encoding="utf-8")
