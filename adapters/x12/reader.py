"""Reading X12 files as a stream of segments, a chunk at a time.

The reader never holds a whole file: it decodes about 64 KiB at a time, splits the text on the
interchange's segment terminator and yields each complete segment as a
:class:`~adapters.x12.segments.Segment`, keeping only the unfinished end of the last chunk.

What it accepts:

- Several interchanges in one file; each ISA declares its own delimiters, read afresh.
- A UTF-8 byte order mark at the start of the file, and blank lines before an ISA or after an
  IEA.
- CR, LF or CRLF after any segment terminator, or no line breaks at all, or a line break that is
  itself the terminator. Line breaks around a segment are not part of it.

Character set: the text is decoded as UTF-8 by default. The X12 basic and extended character
sets are ASCII, which UTF-8 reads byte for byte, and partners that agree on more (in 005010) use
UTF-8; bytes that are not UTF-8 are an error naming the line, never silently replaced. A partner
that sends Latin-1 is read with ``encoding="latin-1"``. Only encodings in which the delimiters and
line breaks are single ASCII bytes make sense here.

Positions and lines: a segment's ``position`` is its ordinal in the file (the first ISA is 1,
counting on across interchanges) and its ``line`` the physical line where it starts, counting
LF line breaks (LF or CRLF).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from adapters.x12.errors import X12SyntaxError
from adapters.x12.segments import Delimiters, Segment
from adapters.x12.syntax import ISA_LENGTH, parse_isa

__all__ = ["DEFAULT_CHUNK_SIZE", "SegmentReader"]

DEFAULT_CHUNK_SIZE = 64 * 1024
"""Bytes read from the file at a time."""

_DEFAULT_MAX_SEGMENT_LENGTH = 1024 * 1024
# What may stand between interchanges (and before the first): line breaks, spaces, and the byte
# order mark some tools put at the start of every file they concatenate.
_BETWEEN_INTERCHANGES = " \t\r\n\f\v\ufeff"
_LINE_BREAKS = ("\r", "\n")


class SegmentReader:
    """Yields the segments of an X12 file, one at a time, with their position and line.

    Use it as an iterator, and as a context manager when it opened the file itself::

        with SegmentReader(path) as reader:
            for segment in reader:
                ...

    Args:
        source: a path, or a binary file object open for reading (left open by the reader).
        name: the name used in error messages; defaults to the path or the file object's name.
        encoding: the character set of the file (see the module documentation).
        chunk_size: bytes read at a time.
        max_segment_length: the longest text accepted without a segment terminator; a file
            whose terminator never comes again is an error rather than read whole.

    Raises:
        X12SyntaxError: while iterating, when the data cannot be read as X12 from that point
            on (no ISA, a short or malformed ISA, bytes not in the character set, a missing
            terminator). The segments before it have been yielded.
    """

    def __init__(
        self,
        source: BinaryIO | str | os.PathLike[str],
        *,
        name: str | None = None,
        encoding: str = "utf-8",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_segment_length: int = _DEFAULT_MAX_SEGMENT_LENGTH,
    ) -> None:
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            self._file: BinaryIO = path.open("rb")
            self._owns_file = True
            self.name = name or str(path)
        else:
            self._file = source
            self._owns_file = False
            self.name = name or str(getattr(source, "name", "<stream>"))
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self._encoding = encoding
        self._chunk_size = chunk_size
        self._max_segment_length = max_segment_length
        self._delimiters: Delimiters | None = None
        self._undecodable: X12SyntaxError | None = None
        self._segments = self._read()

    @property
    def delimiters(self) -> Delimiters | None:
        """The delimiters of the interchange of the segment yielded last (``None`` before)."""
        return self._delimiters

    def __iter__(self) -> Iterator[Segment]:
        # The generator itself, so that a for loop resumes it directly.
        return self._segments

    def __next__(self) -> Segment:
        return next(self._segments)

    def close(self) -> None:
        """Stop reading; close the file if the reader opened it."""
        self._segments.close()
        if self._owns_file:
            self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _read(self) -> Generator[Segment, None, None]:
        # Kept in one function with locals: this loop is the inner loop of every X12 import.
        text = ""
        eof = False
        position = 0
        line = 1
        first_chunk = True
        while True:
            # Between interchanges: skip blank text, then read a whole ISA.
            while True:
                stripped = text.lstrip(_BETWEEN_INTERCHANGES)
                line += text.count("\n", 0, len(text) - len(stripped))
                text = stripped
                if len(text) >= ISA_LENGTH or eof:
                    break
                chunk, eof = self._chunk(first_chunk, text, line)
                first_chunk = False
                text += chunk
            if not text:
                if position == 0:
                    raise X12SyntaxError(
                        "the file is empty",
                        expected="an interchange starting with 'ISA'",
                        source=self.name,
                        line=line,
                    )
                return
            position += 1
            delimiters = parse_isa(text, source=self.name, position=position, line=line)
            self._delimiters = delimiters
            isa = text[: ISA_LENGTH - 1]
            yield Segment("ISA", tuple(isa.split(delimiters.element)[1:]), position, line)
            line += isa.count("\n") + (delimiters.segment == "\n")
            text = text[ISA_LENGTH:]

            terminator = delimiters.segment
            separator = delimiters.element
            terminator_is_line_break = terminator == "\n"
            next_interchange = False
            while not next_interchange:
                if text[:1] in _LINE_BREAKS:
                    stripped = text.lstrip("\r\n")
                    line += text.count("\n", 0, len(text) - len(stripped))
                    text = stripped
                if text.startswith("ISA"):
                    # An ISA without the IEA before it, at the start of the unread text: read
                    # it, and what follows, with the delimiters it declares.
                    next_interchange = True
                    break
                splitter, line_step = _uniform_layout(text, terminator)
                pieces = text.split(splitter) if splitter else []
                if pieces and "" not in pieces[:-1]:
                    # The fast path: every segment in this text is laid out alike (no line
                    # breaks, or exactly one after each terminator) and none ends an
                    # interchange, so a segment's line is known without looking at it.
                    text = pieces.pop()
                    for piece in pieces:
                        parts = piece.split(separator)
                        position += 1
                        yield Segment(parts[0], tuple(parts[1:]), position, line)
                        line += line_step
                else:
                    pieces = text.split(terminator)
                    text = pieces.pop()
                    remaining = iter(pieces)
                    for piece in remaining:
                        if "\n" in piece:
                            body = piece.lstrip("\r\n")
                            segment_line = line + piece.count("\n", 0, len(piece) - len(body))
                            line += piece.count("\n")
                            body = body.rstrip("\r\n")
                        elif "\r" in piece:
                            body = piece.strip("\r")
                            segment_line = line
                        else:
                            body = piece
                            segment_line = line
                        if terminator_is_line_break:
                            line += 1
                        if not body:
                            continue
                        parts = body.split(separator)
                        tag = parts[0]
                        if tag == "IEA":
                            position += 1
                            yield Segment(tag, tuple(parts[1:]), position, segment_line)
                            rest = list(remaining)
                        elif body.startswith("ISA"):
                            # An ISA without the IEA before it: read it, and what follows, with
                            # the delimiters it declares.
                            line = segment_line
                            rest = [piece.lstrip("\r\n"), *remaining]
                        else:
                            position += 1
                            yield Segment(tag, tuple(parts[1:]), position, segment_line)
                            continue
                        rest.append(text)
                        text = terminator.join(rest)
                        next_interchange = True
                        break
                if next_interchange:
                    break
                if eof:
                    next_interchange = text.lstrip(_BETWEEN_INTERCHANGES).startswith("ISA")
                    break
                if len(text) > self._max_segment_length:
                    raise X12SyntaxError(
                        f"no segment terminator {terminator!r} in the "
                        f"{self._max_segment_length} characters after segment {position}",
                        expected=f"segments ending with {terminator!r}",
                        source=self.name,
                        position=position + 1,
                        line=line,
                    )
                chunk, eof = self._chunk(False, text, line)
                text += chunk
            if not next_interchange:
                # The end of the file: what is left is a last segment without its terminator.
                yield from self._last_segment(text, delimiters, position, line)
                return

    def _chunk(self, first: bool, pending: str, line: int) -> tuple[str, bool]:
        """The next decoded chunk and whether the file ended.

        Text that cannot be decoded ends the reading, but only once the text before it has been
        read: the segments before a bad byte are still yielded.
        """
        if self._undecodable is not None:
            raise self._undecodable
        data = self._file.read(self._chunk_size)
        ended = not data
        if first:
            while 0 < len(data) < len(codecs.BOM_UTF8):
                more = self._file.read(self._chunk_size)
                if not more:
                    break
                data += more
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
        try:
            return self._decoder.decode(data, ended), ended
        except UnicodeDecodeError as exc:
            readable = exc.object[: exc.start]
            self._undecodable = X12SyntaxError(
                f"byte 0x{exc.object[exc.start]:02x} is not {self._encoding} text",
                expected=f"{self._encoding} text (set the partner's encoding if it sends another)",
                source=self.name,
                line=line + pending.count("\n") + readable.count(b"\n"),
            )
            return readable.decode(self._encoding), False

    def _last_segment(
        self, text: str, delimiters: Delimiters, position: int, line: int
    ) -> Iterator[Segment]:
        stripped = text.lstrip(_BETWEEN_INTERCHANGES)
        line += text.count("\n", 0, len(text) - len(stripped))
        body = stripped.rstrip(_BETWEEN_INTERCHANGES)
        if body:
            parts = body.split(delimiters.element)
            yield Segment(parts[0], tuple(parts[1:]), position + 1, line)


def _uniform_layout(text: str, terminator: str) -> tuple[str, int]:
    """How to split ``text`` in one go when all its segments are laid out alike.

    Returns the string that ends each segment (the terminator, with the line break that always
    follows it) and how many lines each segment takes; ``("", 0)`` when the text needs a look at
    each segment: an interchange ends or starts in it, or its line breaks vary.
    """
    if "IEA" in text or "ISA" in text:
        return "", 0
    line_feeds = text.count("\n")
    carriage_returns = text.count("\r")
    if not line_feeds and not carriage_returns:
        return terminator, 0
    if terminator == "\n":
        return ("\n", 1) if not carriage_returns else ("", 0)
    terminators = text.count(terminator)
    for ending in (terminator + "\n", terminator + "\r\n"):
        if text.count(
            ending
        ) == terminators == line_feeds and carriage_returns == terminators * ending.count("\r"):
            return ending, 1
    return "", 0
