"""Our 999 map (005010): pyx12 validates the 999s we build for any functional group with it and
reports a doctored one through it; pyx12's HIPAA 999 entries keep pyx12's own maps."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest
import pyx12.map_if
import pyx12.map_index
import pyx12.params
from x12_pyx12_support import (
    acknowledgment_maps,
    pyx12_findings,
    pyx12_validates,
    write_acknowledgment,
)
from x12_samples_support import data_file

from adapters.x12.envelope import TransactionSet, read_envelopes
from adapters.x12.validation import SetEnvelope, TransactionSetValidator

OUR_999 = "999.5010.xml"
PYX12_999 = "pyx12-999.5010.xml"
PYX12_999_A1 = "999.5010X231.A1.xml"
Edits = tuple[tuple[str, str], ...]
# validation-850-4010-bad.x12 moved to 005010: the same faults, acknowledged by a 999.
TO_005010: Edits = (("*U*00401*", "*^*00501*"), ("*X*004010~", "*X*005010~"))


def inbound(sample: str, edits: Edits, folder: Path) -> Path:
    """A sample file with each ``(old, new)`` of ``edits`` made once, written into ``folder``."""
    text = data_file(sample).read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) >= 1, f"{sample} has no {old!r}"
        text = text.replace(old, new)
    path = folder / f"inbound-{sample}"
    path.write_text(text, encoding="utf-8")
    return path


def doctored(acknowledgment: Path, edits: Edits, folder: Path, name: str) -> Path:
    """A copy of ``acknowledgment`` with each ``(old, new)`` of ``edits`` made exactly once."""
    text = acknowledgment.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} is not once in {text}"
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rejected_999(tmp_path: Path, x12_validator: TransactionSetValidator) -> Path:
    """Our 999 of a group with one good set and one whose PO103 is no unit of measure."""
    path = tmp_path / "999-partly-accepted.x12"
    text = write_acknowledgment(data_file("reader-850-5010-bom-crlf.x12"), x12_validator, path)
    assert (
        "AK2*850*0001~IK5*A~AK2*850*0002~IK3*PO1*3*PO1*8~IK4*3*355*7*XX~IK5*R*5~"
        "AK9*P*2*2*1~SE*10*0001~"
    ) in text
    return path


@pytest.mark.parametrize(
    ("vriic", "expected"),
    [
        ("005010", OUR_999),
        ("005010VICS", OUR_999),
        ("005010X231", PYX12_999),
        ("005010X231A1", PYX12_999_A1),
    ],
)
def test_the_index_serves_our_999_for_plain_005010_and_pyx12s_for_its_hipaa_versions(
    vriic: str, expected: str, x12_map_dir: Path
):
    assert acknowledgment_maps(x12_map_dir, "00501", vriic) == (expected, [expected])


@pytest.mark.parametrize(
    ("sample", "edits", "expected_parts"),
    [
        pytest.param(
            "maps-850-5010-good.x12",
            (),
            [
                "GS*FA*AHEADMFG*ACMEBUYER*20250116*0930*1*X*005010~ST*999*0001*005010X231A1~",
                "AK1*PO*2001*005010~AK2*850*0001~IK5*A~AK2*850*0002~IK5*A~AK9*A*2*2*2~",
            ],
            id="purchase-orders-accepted",
        ),
        pytest.param(
            "maps-850-5010-good.x12",
            (("*X*005010~", "*X*005010VICS~"),),
            ["*X*005010VICS~ST*999*", "AK1*PO*2001*005010VICS~", "AK9*A*2*2*2~"],
            id="purchase-orders-of-a-vics-group-accepted",
        ),
        pytest.param(
            "validation-850-4010-bad.x12",
            TO_005010,
            [
                "AK2*850*0001~IK3*BEG*2**3~IK5*R*5~",
                "IK3*BEG*2**8~IK4*1*353*7*ZZ~",
                "IK3*XYZ*4**1~",
                "IK3*REF*3**8~IK4*5**3*EXTRA~",
                "IK3*PO1*9*PO1*8~IK4*2*330*1~",
                "IK4*3*324*5*PO12347-2025-0117-LONGER~",
                "IK3*PO1*9*PO1*3~",
                "IK3*REF*4**7~",
                "AK9*R*8*8*0~",
            ],
            id="purchase-orders-rejected-with-segment-and-element-notes",
        ),
        pytest.param(
            "maps-850-5010-good.x12",
            (("REF*DP*042~", "REF*DP*042^043~"), ("*6*CA>1~", "*6*XX>1~")),
            [
                "AK2*850*0001~IK3*REF*3**8~IK4*2*127*12*042043~IK5*R*5~",
                "IK3*CTP*23*PO1*8~IK4*5>1*355*7*XX~IK5*R*5~",
            ],
            id="a-repeated-element-and-a-bad-component-of-a-composite",
        ),
        pytest.param(
            "envelope-850-5010-structure.x12",
            (),
            [
                "AK2*850*0001~IK5*A~AK2*856*0002~",
                "IK5*R*6*5~",
                "AK2*850*01  ~IK3*ST*1**8~IK4*2*329*4*01~IK3*SE*5**8~IK4*2*329*4*01~IK5*R*7*5~",
                "AK9*P*3*3*1~",
            ],
            id="envelope-problems-and-a-set-control-number-too-short",
        ),
    ],
)
def test_pyx12_validates_the_999_we_build_for_a_received_group_with_our_map(
    sample: str,
    edits: Edits,
    expected_parts: list[str],
    tmp_path: Path,
    x12_map_dir: Path,
    x12_validator: TransactionSetValidator,
):
    acknowledgment = tmp_path / f"999-{sample}"
    text = write_acknowledgment(inbound(sample, edits, tmp_path), x12_validator, acknowledgment)

    for part in expected_parts:
        assert part in text
    valid, errors = pyx12_findings(acknowledgment, x12_map_dir)
    assert (valid, errors) == (True, []), text


@pytest.mark.parametrize(
    ("edits", "expected_notes"),
    [
        pytest.param(
            (("VN*TM-12~", "VN*TM-12 ~"),),
            "IK3*PO1*9*PO1*8~IK4*9*234*6*TM-12~",
            id="a-bad-value-loses-its-trailing-spaces",
        ),
        pytest.param(
            (("REF*DP*042~", "REF*DP*042**DP>1>DP>2>DP>3>X~"),),
            "IK3*REF*3**8~IK4*4>7**13*X~",
            id="a-composite-has-no-data-element-reference-number",
        ),
        pytest.param(
            (("REF*DP*042~", "X*042~"),),
            "IK3*X *3**1~",
            id="a-one-letter-segment-id-is-padded-to-two",
        ),
    ],
)
def test_the_999_copies_received_values_as_its_elements_allow_them(
    edits: Edits,
    expected_notes: str,
    tmp_path: Path,
    x12_map_dir: Path,
    x12_validator: TransactionSetValidator,
):
    acknowledgment = tmp_path / "999-copies.x12"
    received = inbound("maps-850-5010-good.x12", edits, tmp_path)

    text = write_acknowledgment(received, x12_validator, acknowledgment)

    assert f"AK2*850*0001~{expected_notes}IK5*R*5~" in text
    assert pyx12_findings(acknowledgment, x12_map_dir) == (True, []), text


def test_pyx12_validates_a_999_with_segment_and_element_context(
    rejected_999: Path, tmp_path: Path, x12_map_dir: Path
):
    with_context = doctored(
        rejected_999,
        (
            (
                "IK3*PO1*3*PO1*8~",
                "IK3*PO1*3*PO1*8~CTX*PO NUMBER:PO30002~CTX*SITUATIONAL TRIGGER*PO1*3*PO1*3*355~",
            ),
            ("IK4*3*355*7*XX~", "IK4*3*355*7*XX~CTX*SITUATIONAL TRIGGER*PO1*3**3~"),
            ("SE*10*", "SE*13*"),
        ),
        tmp_path,
        "999-with-context.x12",
    )

    assert pyx12_findings(with_context, x12_map_dir) == (True, [])


def test_pyx12_validates_a_999_noting_a_segment_past_the_millionth(
    rejected_999: Path, tmp_path: Path, x12_map_dir: Path
):
    # 005010 gives the segment position (E719) 10 digits; pyx12's own definition has 6.
    far = doctored(
        rejected_999,
        (("IK3*PO1*3*PO1*8~", "IK3*PO1*1000003*PO1*8~"),),
        tmp_path,
        "999-far-segment.x12",
    )

    assert pyx12_findings(far, x12_map_dir) == (True, [])


@pytest.mark.parametrize(
    ("edits", "expected_fragments"),
    [
        pytest.param(
            (("IK4*3*355*7*XX~", "IK4*3*355*77*XX~"),),
            ["(77) is not a valid code", "(IK403)"],
            id="an-ik403-code-the-standard-does-not-have",
        ),
        pytest.param(
            (("IK3*PO1*3*PO1*8~", "IK3*PO1*3*PO1*88~"),),
            ["(88) is not a valid code", "(IK304)"],
            id="an-ik304-code-the-standard-does-not-have",
        ),
        pytest.param(
            (("IK5*R*5~", "IK5*P*5~"),),
            ["(P) is not a valid code", "(IK501)"],
            id="a-group-verdict-in-ik501",
        ),
        pytest.param(
            (("IK5*R*5~", "IK5*R*14~"),),
            ["(14) is not a valid code", "(IK502)"],
            id="an-ik502-code-the-standard-does-not-have",
        ),
        pytest.param(
            (("AK9*P*2*2*1~SE*10*", "SE*9*"),),
            ["(AK9) missing"],
            id="no-ak9",
        ),
        pytest.param(
            (("IK5*R*5~", ""), ("SE*10*", "SE*9*")),
            ["(IK5) missing"],
            id="no-ik5",
        ),
        pytest.param(
            (("AK1*PO*3001*005010~", "AK1*QQ*3001*005010~"),),
            ["(QQ) is not a valid code", "(AK101)"],
            id="an-ak101-that-is-no-functional-id",
        ),
    ],
)
def test_pyx12_reports_a_doctored_999_through_our_map(
    edits: Edits,
    expected_fragments: list[str],
    rejected_999: Path,
    tmp_path: Path,
    x12_map_dir: Path,
):
    broken = doctored(rejected_999, edits, tmp_path, "999-doctored.x12")

    valid, errors = pyx12_findings(broken, x12_map_dir)

    assert not valid
    assert any(all(fragment in error for fragment in expected_fragments) for error in errors), (
        errors
    )


HIPAA_999 = (
    "ST*999*0001*{guide}~AK1*HC*1001*005010X222A1~AK2*837*0001*005010X222A1~IK5*A~"
    "AK9*A*1*1*1~SE*6*0001~"
)


@pytest.mark.parametrize("guide", ["005010X231", "005010X231A1"])
def test_pyx12_still_validates_a_hipaa_999_with_its_own_map(
    guide: str, rejected_999: Path, tmp_path: Path, x12_map_dir: Path
):
    text = rejected_999.read_text(encoding="utf-8")
    body = text[text.index("ST*999*") : text.index("GE*")]
    hipaa = tmp_path / "999-hipaa.x12"
    hipaa.write_text(
        text.replace("*X*005010~", f"*X*{guide}~").replace(body, HIPAA_999.format(guide=guide)),
        encoding="utf-8",
    )

    assert f"GS*FA*AHEADMFG*ACMEBUYER*20250116*0930*1*X*{guide}~ST*999*0001*{guide}~" in (
        hipaa.read_text(encoding="utf-8")
    )
    assert pyx12_findings(hipaa, x12_map_dir) == (True, [])


def test_pyx12s_hipaa_999_map_would_reject_our_999_of_a_purchase_order_group(
    rejected_999: Path, tmp_path: Path, x12_map_dir: Path
):
    under_hipaa = doctored(
        rejected_999, (("*X*005010~", "*X*005010X231A1~"),), tmp_path, "999-under-hipaa.x12"
    )

    valid, errors = pyx12_findings(under_hipaa, x12_map_dir)

    assert not valid
    assert any("AK1" in error for error in errors), errors


def test_every_element_of_our_999_has_a_definition_and_a_known_code_list(x12_map_dir: Path):
    root = pyx12.map_if.load_map_file(OUR_999, pyx12.params.ParamsBase(), str(x12_map_dir))
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
    assert gs.children[7].valid_codes == ["005010", "005010VICS"]
    assert root.getnodebypath("/ISA_LOOP/GS_LOOP/ST_LOOP/ST").children[0].valid_codes == ["999"]
    assert root.icvn == "00501"


def test_the_composed_directory_keeps_pyx12s_999_map_beside_ours(x12_map_dir: Path):
    installed = Path(str(importlib.resources.files("pyx12").joinpath("map", OUR_999)))

    assert (x12_map_dir / PYX12_999).read_bytes() == installed.read_bytes()
    assert "(X12 005010)" in (x12_map_dir / OUR_999).read_text(encoding="utf-8")
    assert pyx12_validates(data_file("ack-999-reader-850-5010-bom-crlf.x12"), x12_map_dir)


def test_our_validator_reads_a_999_with_context_and_builds_its_tree(
    rejected_999: Path, tmp_path: Path, x12_validator: TransactionSetValidator
):
    with_context = doctored(
        rejected_999,
        (
            ("IK3*PO1*3*PO1*8~", "IK3*PO1*3*PO1*8~CTX*PO NUMBER:PO30002~"),
            ("IK4*3*355*7*XX~", "IK4*3*355*7*XX~CTX*SITUATIONAL TRIGGER*PO1*3**3~"),
            ("SE*10*", "SE*12*"),
        ),
        tmp_path,
        "999-from-partner.x12",
    )
    [acknowledgment] = [
        event for event in read_envelopes(with_context) if isinstance(event, TransactionSet)
    ]
    envelope = SetEnvelope("00501", "FA", "005010", source=with_context.name)

    result = x12_validator.validate(
        acknowledgment.segments, acknowledgment.interchange.delimiters, envelope
    )

    assert result.accepted, result.messages()
    assert result.tree == {
        "AK1": {"AK101": "PO", "AK102": "3001", "AK103": "005010"},
        "AK2_loop": [
            {"AK2": {"AK201": "850", "AK202": "0001"}, "IK5": {"IK501": "A"}},
            {
                "AK2": {"AK201": "850", "AK202": "0002"},
                "IK3_loop": [
                    {
                        "IK3": {"IK301": "PO1", "IK302": "3", "IK303": "PO1", "IK304": "8"},
                        "CTX": [{"CTX01": ["PO NUMBER", "PO30002"]}],
                        "IK4_loop": [
                            {
                                "IK4": {
                                    "IK401": ["3"],
                                    "IK402": "355",
                                    "IK403": "7",
                                    "IK404": "XX",
                                },
                                "CTX": [
                                    {
                                        "CTX01": ["SITUATIONAL TRIGGER"],
                                        "CTX02": "PO1",
                                        "CTX03": "3",
                                        "CTX05": ["3"],
                                    }
                                ],
                            }
                        ],
                    }
                ],
                "IK5": {"IK501": "R", "IK502": "5"},
            },
        ],
        "AK9": {"AK901": "P", "AK902": "2", "AK903": "2", "AK904": "1"},
    }
