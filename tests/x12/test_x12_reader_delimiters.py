"""The reader takes each interchange's delimiters from its ISA, and says clearly when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from x12_samples_support import data_file, interchange, isa

from adapters.x12.errors import X12SyntaxError
from adapters.x12.reader import SegmentReader
from adapters.x12.segments import Delimiters


def read_all(path: Path) -> tuple[list[tuple[str, tuple[str, ...]]], list[Delimiters]]:
    segments: list[tuple[str, tuple[str, ...]]] = []
    seen: list[Delimiters] = []
    with SegmentReader(path) as reader:
        for segment in reader:
            segments.append((segment.tag, segment.elements))
            if segment.tag == "ISA":
                assert reader.delimiters is not None
                seen.append(reader.delimiters)
    return segments, seen


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("reader-850-4010-lf.x12", [Delimiters("*", ">", "~")]),
        ("reader-850-4010-pipe-newline.x12", [Delimiters("|", "^", "\n")]),
        ("reader-850-5010-bom-crlf.x12", [Delimiters("*", ":", "~", "^")]),
        (
            "reader-850-two-interchanges.x12",
            [Delimiters("*", ">", "~"), Delimiters("^", "<", "!")],
        ),
    ],
)
def test_delimiters_are_the_ones_each_isa_declares(name: str, expected: list[Delimiters]) -> None:
    _, seen = read_all(data_file(name))

    assert seen == expected


def test_elements_are_split_on_the_declared_separator_and_composites_stay_whole() -> None:
    segments, _ = read_all(data_file("reader-850-4010-pipe-newline.x12"))

    assert ("REF", ("DP", "042", "", "ZZ^DEPT7")) in segments
    assert ("BEG", ("00", "SA", "PO22001", "", "20250115")) in segments


def test_a_version_before_00402_has_no_repetition_separator_even_with_a_symbol_in_isa11(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.x12"
    path.write_text(interchange(["IEA*0*000000001"], repetition="^", version="00401"))

    _, seen = read_all(path)

    assert seen == [Delimiters("*", ">", "~", None)]


def test_the_isa_keeps_its_padded_fields_as_elements() -> None:
    with SegmentReader(data_file("reader-850-4010-lf.x12")) as reader:
        isa_segment = next(iter(reader))

    assert isa_segment.tag == "ISA"
    assert len(isa_segment.elements) == 16
    assert isa_segment.element(6) == "ACMEBUYER      "
    assert isa_segment.element(16) == ">"


def bad(tmp_path: Path, content: str | bytes) -> X12SyntaxError:
    path = tmp_path / "partner.x12"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    with pytest.raises(X12SyntaxError) as raised, SegmentReader(path) as reader:
        list(reader)
    error = raised.value
    assert str(path) in str(error)
    assert "expected" in str(error)
    return error


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    error = bad(tmp_path, "\r\n  \n")

    assert "the file is empty" in str(error)


def test_a_file_that_does_not_start_with_isa_is_an_error(tmp_path: Path) -> None:
    error = bad(tmp_path, "GS*PO*A*B*20250115*1530*1*X*004010~" + "ST*850*0001~" * 10)

    assert error.position == 1
    assert error.line == 1
    assert "starts with 'GS*PO*A*B*20250115*1'" in error.problem


def test_a_short_isa_is_an_error(tmp_path: Path) -> None:
    error = bad(tmp_path, isa()[:60])

    assert error.segment == "ISA"
    assert "cut short" in error.problem
    assert "106 characters" in error.expected


def test_an_isa_field_of_the_wrong_width_is_an_error_naming_the_field(tmp_path: Path) -> None:
    text = isa().replace("ACMEBUYER      ", "ACMEBUYER") + "~GS*PO~" + "x" * 200

    error = bad(tmp_path, text)

    assert error.element == "ISA06"
    assert "ISA06 is 9 characters long" in error.problem
    assert "exactly 15 characters" in error.expected


@pytest.mark.parametrize("terminator", ["A", "7", " "])
def test_a_letter_digit_or_space_as_terminator_is_an_error(tmp_path: Path, terminator: str) -> None:
    error = bad(tmp_path, isa() + terminator + "GS*PO~")

    assert f"segment terminator (the character after ISA16) is {terminator!r}" in error.problem


def test_a_component_separator_equal_to_the_element_separator_is_an_error(
    tmp_path: Path,
) -> None:
    error = bad(tmp_path, isa(component="*") + "~GS*PO~")

    assert error.element == "ISA16"


def test_a_letter_as_element_separator_is_an_error(tmp_path: Path) -> None:
    error = bad(tmp_path, isa(element="X") + "~")

    assert "element separator" in error.problem


def test_a_version_from_00402_with_a_letter_in_isa11_is_an_error(tmp_path: Path) -> None:
    error = bad(tmp_path, isa(version="00501", repetition="U") + "~")

    assert error.element == "ISA11"
    assert "'U' in version 00501" in error.problem


def test_a_version_that_is_not_five_digits_is_an_error(tmp_path: Path) -> None:
    error = bad(tmp_path, isa(version="4010 ") + "~")

    assert error.element == "ISA12"


def test_data_after_an_iea_that_is_not_an_isa_is_an_error_at_its_position(
    tmp_path: Path,
) -> None:
    text = interchange(["IEA*0*000000001"], after="\n") + "\nGS*PO*NOT*AN*ISA" + " " * 100

    error = bad(tmp_path, text)

    assert error.position == 3
    assert error.line == 4
    assert "instead of an ISA segment" in error.problem
