"""The reader yields every segment once, with its ordinal in the file and its physical line,
whatever the line breaks, chunk boundaries, byte order mark or number of interchanges."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from x12_samples_support import data_file, interchange, purchase_order_sets

from adapters.x12.errors import X12SyntaxError
from adapters.x12.reader import SegmentReader
from adapters.x12.segments import Segment

GROUP = ["GS*PO*ACMEBUYER*AHEADMFG*20250115*1530*1*X*004010"]
ENVELOPE_END = ["GE*3*1", "IEA*1*000000001"]
SEGMENTS = GROUP + purchase_order_sets(3) + ENVELOPE_END


def read(path: Path, **options: int | str) -> list[Segment]:
    with SegmentReader(path, **options) as reader:  # type: ignore[arg-type]
        return list(reader)


def shapes(segments: list[Segment]) -> list[tuple[str, tuple[str, ...]]]:
    return [(segment.tag, segment.elements) for segment in segments]


def test_segments_carry_their_ordinal_and_the_line_they_start_on() -> None:
    segments = read(data_file("reader-850-4010-lf.x12"))

    assert [segment.position for segment in segments] == list(range(1, 23))
    assert [segment.line for segment in segments] == list(range(1, 23))
    assert segments[4] == Segment("REF", ("DP", "042"), 5, 5)
    assert segments[-1] == Segment("IEA", ("1", "000000101"), 22, 22)


@pytest.mark.parametrize("after", ["", "\n", "\r\n", "\r"])
def test_line_breaks_after_terminators_are_not_part_of_any_segment(
    tmp_path: Path, after: str
) -> None:
    plain = tmp_path / "plain.x12"
    plain.write_text(interchange(SEGMENTS), newline="")
    broken = tmp_path / "broken.x12"
    broken.write_text(interchange(SEGMENTS, after=after), newline="")

    assert shapes(read(broken)) == shapes(read(plain))


@pytest.mark.parametrize(("after", "lines_per_segment"), [("", 0), ("\n", 1), ("\r\n", 1)])
def test_lines_count_line_feeds_and_crlf(
    tmp_path: Path, after: str, lines_per_segment: int
) -> None:
    path = tmp_path / "orders.x12"
    path.write_text(interchange(SEGMENTS, after=after), newline="")

    lines = [segment.line for segment in read(path)]

    assert lines == [1 + index * lines_per_segment for index in range(len(SEGMENTS) + 1)]


def test_a_terminator_that_is_a_line_break_gives_one_segment_per_line() -> None:
    segments = read(data_file("reader-850-4010-pipe-newline.x12"))

    assert [segment.line for segment in segments] == [segment.position for segment in segments]
    assert segments[-1].tag == "IEA"
    assert segments[-1].line == 18


def test_blank_lines_between_segments_count_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "blank.x12"
    path.write_text(interchange(SEGMENTS[:2], after="\n\n"), newline="")

    segments = read(path)

    assert [segment.line for segment in segments] == [1, 3, 5]


def test_a_byte_order_mark_before_the_isa_is_skipped() -> None:
    segments = read(data_file("reader-850-5010-bom-crlf.x12"))

    assert segments[0].tag == "ISA"
    assert segments[0].element(12) == "00501"
    assert segments[1] == Segment(
        "GS", ("PO", "ACMEBUYER", "AHEADMFG", "20250115", "1530", "3001", "X", "005010"), 2, 2
    )


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4096])
def test_a_byte_order_mark_is_skipped_in_a_latin1_file_too(tmp_path: Path, chunk_size: int) -> None:
    path = tmp_path / "bom.x12"
    path.write_bytes(b"\xef\xbb\xbf" + interchange(SEGMENTS).encode("latin-1"))

    segments = read(path, encoding="latin-1", chunk_size=chunk_size)

    assert shapes(segments)[0][0] == "ISA"
    assert len(segments) == len(SEGMENTS) + 1


def test_several_interchanges_in_one_file_each_keep_their_own_delimiters() -> None:
    segments = read(data_file("reader-850-two-interchanges.x12"))

    tags = [segment.tag for segment in segments]
    assert tags.count("ISA") == 2
    assert tags.count("IEA") == 2
    second_isa = tags.index("ISA", 1)
    assert segments[second_isa].position == 10
    assert segments[second_isa].line == 2
    assert segments[second_isa + 3] == Segment(
        "BEG", ("00", "SA", "PO40002", "", "20250116"), 13, 5
    )


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 105, 106, 107, 4096])
@pytest.mark.parametrize(
    "name",
    [
        "reader-850-4010-lf.x12",
        "reader-850-4010-pipe-newline.x12",
        "reader-850-5010-bom-crlf.x12",
        "reader-850-two-interchanges.x12",
    ],
)
def test_chunk_boundaries_change_nothing(name: str, chunk_size: int) -> None:
    whole = read(data_file(name), chunk_size=1 << 20)

    assert read(data_file(name), chunk_size=chunk_size) == whole


def test_an_isa_without_the_iea_before_it_starts_a_new_interchange_with_its_delimiters(
    tmp_path: Path,
) -> None:
    first = interchange([*GROUP, "ST*850*0001", "BEG*00*SA*PO1"], after="\n")
    second = interchange(
        [*GROUP, "GE*0*1", "IEA*1*000000002"],
        element="|",
        terminator="!",
        control_number="000000002",
    )
    path = tmp_path / "cut.x12"
    path.write_text(first + second, newline="")

    with SegmentReader(path) as reader:
        seen = [
            (segment.tag, segment.position, segment.line, reader.delimiters) for segment in reader
        ]

    assert [(tag, position, line) for tag, position, line, _ in seen] == [
        ("ISA", 1, 1),
        ("GS", 2, 2),
        ("ST", 3, 3),
        ("BEG", 4, 4),
        ("ISA", 5, 5),
        ("GS", 6, 5),
        ("GE", 7, 5),
        ("IEA", 8, 5),
    ]
    assert seen[-1][3] is not None
    assert seen[-1][3].element == "|"
    assert seen[-1][3].segment == "!"


def test_a_last_segment_without_its_terminator_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "no-final-terminator.x12"
    path.write_text(interchange([*GROUP, "GE*0*1", "IEA*1*000000001"])[:-1] + "\n", newline="")

    segments = read(path)

    assert segments[-1] == Segment("IEA", ("1", "000000001"), 4, 1)


def test_bytes_that_are_not_utf8_are_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.x12"
    text = interchange([*GROUP, "ST*850*0001", "N1*ST*CAF\u00c9 M\u00dcLLER"], after="\n")
    path.write_bytes(text.encode("latin-1"))

    with pytest.raises(X12SyntaxError) as raised:
        read(path)

    assert raised.value.line == 4
    assert "byte 0xc9 is not utf-8 text" in str(raised.value)
    assert str(path) in str(raised.value)


def test_a_latin1_partner_is_read_with_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.x12"
    text = interchange([*GROUP, "ST*850*0001", "N1*ST*CAF\u00c9 M\u00dcLLER"], after="\n")
    path.write_bytes(text.encode("latin-1"))

    segments = read(path, encoding="latin-1")

    assert segments[-1] == Segment("N1", ("ST", "CAF\u00c9 M\u00dcLLER"), 4, 4)


def test_utf8_characters_split_across_chunks_are_decoded_whole(tmp_path: Path) -> None:
    path = tmp_path / "utf8.x12"
    path.write_text(interchange([*GROUP, "N1*ST*M\u00dcLLER \u20ac"]), encoding="utf-8")

    segments = read(path, chunk_size=1)

    assert segments[-1].elements == ("ST", "M\u00dcLLER \u20ac")


def test_text_without_a_terminator_beyond_the_limit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "no-terminator.x12"
    path.write_text(interchange(GROUP) + "MSG*" + "X" * 5000, newline="")

    with pytest.raises(X12SyntaxError) as raised:
        read(path, max_segment_length=1000, chunk_size=256)

    assert raised.value.position == 3
    assert "no segment terminator '~'" in raised.value.problem


def test_a_file_object_is_read_and_left_open() -> None:
    stream = io.BytesIO(data_file("reader-850-4010-lf.x12").read_bytes())

    with SegmentReader(stream, name="upload.x12") as reader:
        count = sum(1 for _ in reader)

    assert count == 22
    assert reader.name == "upload.x12"
    assert not stream.closed


def open_descriptors_on(path: Path) -> int:
    descriptors = Path("/proc/self/fd")
    count = 0
    for descriptor in descriptors.iterdir():
        try:
            if descriptor.resolve() == path.resolve():
                count += 1
        except OSError:
            continue
    return count


def test_a_path_opened_by_the_reader_is_closed_with_it() -> None:
    path = data_file("reader-850-4010-lf.x12")
    reader = SegmentReader(path)
    next(reader)
    assert open_descriptors_on(path) == 1

    reader.close()

    assert open_descriptors_on(path) == 0


def reference_segments(text: str, terminator: str, separator: str) -> list[Segment]:
    """What the reader should yield for one interchange, computed the slow and obvious way."""
    segments: list[Segment] = []
    offset = 0
    for piece in text.split(terminator):
        body = piece.strip("\r\n")
        if body:
            start = offset + piece.index(body)
            parts = body.split(separator)
            line = text.count("\n", 0, start) + 1
            segments.append(Segment(parts[0], tuple(parts[1:]), len(segments) + 1, line))
        offset += len(piece) + len(terminator)
    return segments


@pytest.mark.parametrize("seed", range(12))
def test_mixed_line_breaks_and_chunk_sizes_read_like_the_obvious_way(
    tmp_path: Path, seed: int
) -> None:
    randomness = random.Random(seed)
    body = [
        *GROUP,
        *purchase_order_sets(40, lines=3),
        "N9*ZZ*DISASTER RECOVERY ISA NOTE",
        "MSG*PIEACE IEA",
        "GE*40*1",
        "IEA*1*000000001",
    ]
    if seed % 2:
        breaks = ["", "\n", "\r\n", "\n\n", "\r"]
    else:
        uniform = randomness.choice(["", "\n", "\r\n"])
        breaks = [uniform] * 20 + ["\n\n"]
    header = interchange([])
    text = header + "".join(segment + "~" + randomness.choice(breaks) for segment in body)
    path = tmp_path / "mixed.x12"
    path.write_text(text, newline="")

    expected = reference_segments(text, "~", "*")

    assert read(path, chunk_size=randomness.randint(1, 600)) == expected
    assert read(path, chunk_size=97) == expected
    assert read(path) == expected
