"""Validate one transaction set against our pyx12 maps and build its record tree in the same walk.

pyx12's map walker finds each segment's place in the map (and notices segments out of place,
mandatory segments and loops missing, segments and loops over their maximum), pyx12's segment
validation checks each segment's elements (mandatory, length, type, code lists), and we add
what pyx12 leaves to its file reader: the syntax rules with the element they concern, repetition
separators, too many components and the HL numbering. Every problem carries the codes a 997
(AK3/AK4) or 999 (IK3/IK4) reports and a message naming the file position, the segment and the
element and what was expected.

A :class:`TransactionSetValidator` loads each map once and keeps it; create one and reuse it for
every set of a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyx12.errors
import pyx12.map_if
import pyx12.map_index
import pyx12.params
import pyx12.segment
from pyx12.map_walker import walk_tree
from pyx12.syntax import is_syntax_valid

from adapters.x12.error_codes import ElementErrorCode, SegmentErrorCode
from adapters.x12.errors import SetErrorCode
from adapters.x12.layout import LaidOutSegment, LayoutError, LayoutPlan, lay_out
from adapters.x12.mapdir import map_directory
from adapters.x12.segments import Delimiters, Segment
from adapters.x12.tree import HierarchyProblem, Tree, TreeBuilder, segment_values

__all__ = [
    "ElementError",
    "SegmentError",
    "SetEnvelope",
    "SetError",
    "SetResult",
    "TransactionSetValidator",
    "layout_document",
    "validate_transaction_set",
]

_FUNCTIONAL_IDS = {"850": "PO", "856": "SH", "810": "IN"}
_ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE"})
_NOT_LOOPS = frozenset({"ISA_LOOP", "GS_LOOP", "ST_LOOP"})
_SHOWN_CODES = 15
_TYPE_EXPECTATIONS = {
    "AN": "text in the X12 character set",
    "ID": "a code in the X12 character set",
    "R": "a decimal number such as 12 or 8.50",
    "N0": "a whole number, digits only",
    "DT": "a date CCYYMMDD",
    "TM": "a time HHMM, HHMMSS or HHMMSSd..",
    "B": "binary data",
}


@dataclass(frozen=True, slots=True)
class SetEnvelope:
    """What the validation needs to know about the interchange and group around a set.

    Attributes:
        interchange_version: ISA12 (``00401``, ``00501``).
        functional_id: GS01 (``PO``, ``SH``, ``IN``).
        group_version: GS08 (``004010``, ``005010``).
        source: the file the set came from, for messages.
    """

    interchange_version: str
    functional_id: str
    group_version: str
    source: str = ""

    @classmethod
    def from_segments(cls, isa: Segment, gs: Segment, source: str = "") -> SetEnvelope:
        """The envelope of a set read from a file, from its ISA and GS segments."""
        return cls(
            interchange_version=isa.element(12).strip(),
            functional_id=gs.element(1).strip(),
            group_version=gs.element(8).strip(),
            source=source,
        )


@dataclass(frozen=True, slots=True)
class ElementError:
    """A data element in error: one AK4 (997) or IK4 (999).

    Attributes:
        element_id: the element's reference in the map (``BEG01``, ``CTP05-01``).
        position: the element's position in the segment (AK401-1).
        component_position: the component's position in a composite (AK401-2), else ``None``.
        reference_number: the data element reference number (AK402, ``353``), ``None`` when
            the element is not in the map (too many elements).
        code: the data element syntax error code (AK403).
        bad_value: the bad value (AK404), ``None`` when the element is missing.
        message: what is wrong, where, and what was expected.
        repetition_position: the repetition in error (IK401-3); always ``None``, as no element
            of our maps repeats.
    """

    element_id: str
    position: int
    component_position: int | None
    reference_number: str | None
    code: ElementErrorCode
    bad_value: str | None
    message: str
    repetition_position: int | None = None


@dataclass(frozen=True, slots=True)
class SegmentError:
    """A segment in error: one AK3 (997) or IK3 (999), with its element errors.

    Attributes:
        segment_id: the segment's identifier (AK301); for a missing segment or loop, the
            identifier of the segment (or of the loop's first segment) that is missing.
        position: the segment's ordinal in the set, ST being 1 (AK302); for a missing
            segment, the position of the segment before which it was missed.
        file_position: the segment's ordinal in its file, ``None`` for a laid-out document.
        line: the physical line in the file, ``None`` for a laid-out document.
        loop_id: the loop the segment belongs to (AK303), ``None`` outside loops.
        code: the segment syntax error code (AK304).
        element_errors: the element errors when ``code`` is
            ``SEGMENT_HAS_DATA_ELEMENT_ERRORS``.
        message: what is wrong, where, and what was expected.
    """

    segment_id: str
    position: int
    file_position: int | None
    line: int | None
    loop_id: str | None
    code: SegmentErrorCode
    element_errors: tuple[ElementError, ...]
    message: str


@dataclass(frozen=True, slots=True)
class SetError:
    """A problem of the set as a whole (AK502 in a 997, IK502 in a 999)."""

    code: SetErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class SetResult:
    """The validation of one transaction set.

    Attributes:
        set_id: ST01 (``850``).
        control_number: ST02.
        tree: the record tree (``docs/x12.md``) without ``envelope``, ``None`` when the set
            has any error.
        segment_errors: the segments in error, in the order of the set.
        set_errors: problems of the whole set (a set with segment errors has
            ``SEGMENTS_IN_ERROR`` here).
    """

    set_id: str
    control_number: str
    tree: Tree | None
    segment_errors: tuple[SegmentError, ...] = ()
    set_errors: tuple[SetError, ...] = ()

    @property
    def accepted(self) -> bool:
        """True when the set has no error at all."""
        return not self.segment_errors and not self.set_errors

    def messages(self) -> list[str]:
        """Every problem as a sentence, set problems first, then segment by segment."""
        lines = [
            error.message
            for error in self.set_errors
            if error.code is not SetErrorCode.SEGMENTS_IN_ERROR
        ]
        for segment_error in self.segment_errors:
            if segment_error.element_errors:
                lines.extend(element.message for element in segment_error.element_errors)
            else:
                lines.append(segment_error.message)
        return lines


@dataclass(frozen=True, slots=True)
class _Item:
    """One segment on its way through the walker, with what messages say about its place."""

    tag: str
    data: Any
    position: int
    file_position: int | None
    line: int | None
    where: str


@dataclass(slots=True)
class _LoadedMap:
    file: str
    root: Any
    group_node: Any
    segment_ids: frozenset[str]
    loop_of: dict[int, str | None] = field(default_factory=dict)


class TransactionSetValidator:
    """Validates transaction sets against the maps of one map directory, loading each map once.

    Args:
        map_dir: the composed pyx12 map directory; :func:`~adapters.x12.mapdir.map_directory`
            when ``None``.
        unchecked_code_lists: ids of code lists (``x12_355``, ...) whose codes are not checked,
            for a partner whose codes our lists do not know.
    """

    def __init__(
        self, map_dir: Path | None = None, *, unchecked_code_lists: Iterable[str] = ()
    ) -> None:
        self._map_dir = map_dir if map_dir is not None else map_directory()
        self._params = pyx12.params.ParamsBase()
        self._params.set("exclude_external_codes", ",".join(sorted(unchecked_code_lists)))
        self._index = pyx12.map_index.map_index(str(self._map_dir))
        self._maps: dict[str, _LoadedMap] = {}

    @property
    def map_dir(self) -> Path:
        """The map directory this validator reads."""
        return self._map_dir

    @property
    def maps_loaded(self) -> int:
        """How many map files this validator has parsed: each at most once."""
        return len(self._maps)

    def validate(
        self, segments: Sequence[Segment], delimiters: Delimiters, envelope: SetEnvelope
    ) -> SetResult:
        """Validate one transaction set and build its tree.

        Args:
            segments: the set's segments from ST to SE inclusive, as the reader yields them.
            delimiters: the interchange's delimiters.
            envelope: the interchange and group the set belongs to.

        Returns:
            The tree (when the set has no error) and every problem found.
        """
        set_id = segments[0].element(1) if segments and segments[0].tag == "ST" else ""
        control = segments[0].element(2) if segments and segments[0].tag == "ST" else ""
        loaded = self._map_for(
            envelope.interchange_version, envelope.group_version, envelope.functional_id
        )
        if loaded is None:
            return SetResult(
                set_id=set_id,
                control_number=control,
                tree=None,
                set_errors=(
                    SetError(
                        SetErrorCode.NOT_SUPPORTED,
                        f"{envelope.source or 'the file'}: transaction set {set_id or '?'} "
                        f"{control} is in a group with GS01 {envelope.functional_id!r} and GS08 "
                        f"{envelope.group_version!r} under ISA12 "
                        f"{envelope.interchange_version!r}, for which there is no map; "
                        f"maps exist for {self._supported()}",
                    ),
                ),
            )
        source = envelope.source or "the file"
        set_name = f"{set_id} set {control}".strip()
        items = [
            _Item(
                tag=segment.tag,
                data=_data_segment(segment.tag, segment.elements, delimiters),
                position=position,
                file_position=segment.position,
                line=segment.line,
                where=(
                    f"{source}: line {segment.line}, segment {segment.position} of the file, "
                    f"{segment.tag} (position {position} in {set_name})"
                ),
            )
            for position, segment in enumerate(segments, start=1)
        ]
        return _Walk(loaded, envelope.group_version, delimiters.repetition).run(
            items, set_id, control
        )

    def layout(
        self, document: Mapping[str, Any], set_id: str, version: str
    ) -> list[LaidOutSegment]:
        """Lay out an outbound document (``docs/x12.md``) as segments in map order.

        See :func:`layout_document`.
        """
        functional_id = _FUNCTIONAL_IDS.get(set_id, "")
        loaded = self._map_for(version[:5], version, functional_id)
        if loaded is None:
            raise LayoutError(
                [
                    f"there is no map for transaction set {set_id} in version {version}; "
                    f"maps exist for {self._supported()}"
                ]
            )
        plan: LayoutPlan = lay_out(loaded.root, document, set_id)
        header = ("ST", (set_id, "0001"))
        trailer = ("SE", (str(len(plan.segments) + 2), "0001"))
        laid_out = [header, *plan.segments, trailer]
        places = ["the ST the writer adds", *plan.places, "the SE the writer adds"]
        items = [
            _Item(
                tag=tag,
                data=_data_segment_of_values(tag, elements),
                position=position,
                file_position=None,
                line=None,
                where=f"document {place} ({tag}, segment {position} of the laid-out set)",
            )
            for position, ((tag, elements), place) in enumerate(
                zip(laid_out, places, strict=True), start=1
            )
        ]
        result = _Walk(loaded, version, None).run(items, set_id, "0001")
        if not result.accepted:
            raise LayoutError(result.messages())
        return plan.segments

    def _map_for(self, icvn: str, vriic: str, fic: str) -> _LoadedMap | None:
        map_file = self._index.get_filename(icvn, vriic, fic)
        if map_file is None:
            return None
        loaded = self._maps.get(map_file)
        if loaded is None:
            loaded = _load(map_file, self._params, self._map_dir)
            self._maps[map_file] = loaded
        return loaded

    def _supported(self) -> str:
        ours = {
            f"{entry['fic']}/{entry['vriic']} under {entry['icvn']}"
            for entry in self._index.maps
            if entry["fic"] in _FUNCTIONAL_IDS.values()
        }
        return ", ".join(sorted(ours)) or "no set"


def validate_transaction_set(
    segments: Sequence[Segment],
    delimiters: Delimiters,
    envelope: SetEnvelope,
    *,
    validator: TransactionSetValidator | None = None,
) -> SetResult:
    """Validate one transaction set (ST to SE) and build its record tree.

    Pass a ``validator`` when validating more than one set: without one, a new validator loads
    the map for this call alone.
    """
    return (validator or TransactionSetValidator()).validate(segments, delimiters, envelope)


def layout_document(
    document: Mapping[str, Any],
    set_id: str,
    version: str,
    *,
    validator: TransactionSetValidator | None = None,
) -> list[LaidOutSegment]:
    """Lay out an outbound 856 or 810 document as the segments between ST and SE, in map order.

    HL01 and HL02 come from the nesting of ``HL_loop``, HL04 (when left out) from whether a level
    has children, CTT01 (when left out) from the number of HL segments (856) or IT1 lines (810);
    a CTT is added when the document has none. The laid-out set is then validated against the
    map. ST and SE are the writer's.

    Args:
        document: the document, shaped as ``docs/x12.md`` describes (an ``envelope`` key is
            ignored).
        set_id: ``856`` or ``810`` (``850`` works too).
        version: the group version, GS08 (``004010``).
        validator: reuse its loaded maps; a new validator when ``None``.

    Returns:
        ``(tag, elements)`` per segment; an element is a string, or a tuple of components for a
        composite. Trailing empty elements are left out.

    Raises:
        LayoutError: with every problem: unknown keys (naming the key and the loop it was found
            in), values that are not text or numbers, and what the map's validation found.
    """
    return (validator or TransactionSetValidator()).layout(document, set_id, version)


def _load(map_file: str, params: Any, map_dir: Path) -> _LoadedMap:
    root = pyx12.map_if.load_map_file(map_file, params, str(map_dir))
    segment_ids = frozenset(
        node.id
        for node in root.loop_segment_iterator()
        if node.is_segment() and node.id not in _ENVELOPE_SEGMENTS
    )
    return _LoadedMap(
        file=map_file,
        root=root,
        group_node=root.getnodebypath("/ISA_LOOP/GS_LOOP/GS"),
        segment_ids=segment_ids,
    )


def _data_segment(tag: str, elements: Sequence[str], delimiters: Delimiters) -> Any:
    """Our segment as pyx12's, trailing empty elements dropped (we do not fault them)."""
    values = list(elements)
    while values and values[-1] == "":
        values.pop()
    data = pyx12.segment.Segment(None, delimiters.segment, delimiters.element, delimiters.component)
    data.seg_id = tag
    data.elements = [pyx12.segment.Composite(value, delimiters.component) for value in values]
    return data


def _data_segment_of_values(tag: str, elements: Sequence[str | tuple[str, ...]]) -> Any:
    # Laid-out values are already split, so no separator ever needs to appear in them here.
    separator = "\x1f"
    data = pyx12.segment.Segment(None, "\x1e", "\x1d", separator)
    data.seg_id = tag
    composites = []
    for value in elements:
        composite = pyx12.segment.Composite("", separator)
        components = [value] if isinstance(value, str) else list(value)
        composite.elements = [pyx12.segment.Element(component) for component in components]
        composites.append(composite)
    data.elements = composites
    return data


class _Walk:
    """One set's walk through a map: the walker, the tree and the errors found."""

    def __init__(self, loaded: _LoadedMap, version: str, repetition: str | None) -> None:
        self._map = loaded
        self._version = version
        self._repetition = repetition
        self._walker = walk_tree()
        self._walker.forceWalkCounterToLoopStart("/ISA_LOOP", "/ISA_LOOP/ISA")
        self._walker.forceWalkCounterToLoopStart("/ISA_LOOP/GS_LOOP", "/ISA_LOOP/GS_LOOP/GS")
        self._node = loaded.group_node
        self._builder = TreeBuilder()
        self._errors: list[SegmentError] = []
        self._items_by_position: dict[int, _Item] = {}

    def run(self, items: Sequence[_Item], set_id: str, control: str) -> SetResult:
        previous: _Item | None = None
        for item in items:
            self._items_by_position[item.position] = item
            self._step(item, previous)
            previous = item
        if not items or items[-1].tag != "SE":
            self._finish(items)
        self._errors.sort(key=lambda error: error.position)
        errors = tuple(self._errors)
        set_errors: tuple[SetError, ...] = ()
        if errors:
            set_errors = (
                SetError(
                    SetErrorCode.SEGMENTS_IN_ERROR,
                    f"transaction set {set_id} {control} has {len(errors)} segment error(s)",
                ),
            )
        return SetResult(
            set_id=set_id,
            control_number=control,
            tree=None if errors else self._builder.tree,
            segment_errors=errors,
            set_errors=set_errors,
        )

    def _step(self, item: _Item, previous: _Item | None) -> None:
        try:
            found, popped, pushed, walk_errors = self._walker.walk_errors(
                self._node, item.data, item.position, item.line or 0, None
            )
        except pyx12.errors.EngineError as error:
            self._errors.append(
                self._segment_error(
                    item,
                    SegmentErrorCode.UNEXPECTED_SEGMENT,
                    f"{item.where}: the map cannot place this segment ({error})",
                )
            )
            return
        for walk_error in walk_errors:
            self._walk_error(walk_error, item, previous)
        if found is None:
            return
        self._node = found
        self._builder.move(popped, pushed)
        problems = self._builder.add(found, segment_values(found, item.data))
        element_errors = self._element_errors(found, item, problems)
        if element_errors:
            count = len(element_errors)
            self._errors.append(
                SegmentError(
                    segment_id=item.tag,
                    position=item.position,
                    file_position=item.file_position,
                    line=item.line,
                    loop_id=self._loop_id(found),
                    code=SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
                    element_errors=tuple(element_errors),
                    message=f"{item.where}: {count} data element error{'s' * (count > 1)}",
                )
            )

    def _finish(self, items: Sequence[_Item]) -> None:
        """Walk a stand-in SE so mandatory segments and loops after the last one are reported.

        A missing SE itself is the envelope's finding (AK502 2), not reported here.
        """
        position = len(items) + 1
        stand_in = _Item(
            tag="SE",
            data=_data_segment_of_values("SE", ()),
            position=position,
            file_position=None,
            line=None,
            where=items[-1].where if items else "an empty transaction set",
        )
        self._items_by_position.setdefault(position, stand_in)
        try:
            _, _, _, walk_errors = self._walker.walk_errors(
                self._node, stand_in.data, position, 0, None
            )
        except pyx12.errors.EngineError:
            return
        for walk_error in walk_errors:
            if walk_error.err_cde == "3":
                self._walk_error(walk_error, stand_in, items[-1] if items else None)

    def _walk_error(self, walk_error: Any, item: _Item, previous: _Item | None) -> None:
        code = walk_error.err_cde
        if code == "3":
            self._missing(walk_error)
        elif code == "1":
            if item.tag in self._map.segment_ids:
                after = f" after {previous.tag} (position {previous.position})" if previous else ""
                self._errors.append(
                    self._segment_error(
                        item,
                        SegmentErrorCode.SEGMENT_NOT_IN_PROPER_SEQUENCE,
                        f"{item.where}: {item.tag} is part of the {self._set_name()} but not "
                        f"allowed here{after}; it is out of sequence or repeated where the map "
                        "allows it once",
                    )
                )
            else:
                known = ", ".join(sorted(self._map.segment_ids))
                self._errors.append(
                    self._segment_error(
                        item,
                        SegmentErrorCode.UNRECOGNIZED_SEGMENT_ID,
                        f"{item.where}: {item.tag!r} is not a segment of the {self._set_name()}"
                        f"; expected one of its segments: {known}",
                    )
                )
        elif code == "4":
            loop = walk_error.map_node
            self._errors.append(
                self._segment_error(
                    item,
                    SegmentErrorCode.LOOP_OCCURS_OVER_MAXIMUM_TIMES,
                    f"{item.where}: the {loop.id} loop ({loop.name}) occurs more than the "
                    f"{loop.get_max_repeat()} times the map allows",
                    loop_id=loop.id,
                )
            )
        elif code == "5":
            node = walk_error.map_node
            self._errors.append(
                self._segment_error(
                    item,
                    SegmentErrorCode.SEGMENT_EXCEEDS_MAXIMUM_USE,
                    f"{item.where}: {node.id} ({node.name}) appears more than the "
                    f"{node.get_max_repeat()} time(s) the map allows in its place",
                    loop_id=self._loop_id(node),
                )
            )
        else:
            self._errors.append(
                self._segment_error(
                    item,
                    SegmentErrorCode.UNEXPECTED_SEGMENT,
                    f"{item.where}: {walk_error.err_str}",
                )
            )

    def _missing(self, walk_error: Any) -> None:
        node = walk_error.map_node
        detected = self._items_by_position.get(walk_error.seg_count)
        if detected is None:
            return
        if node.is_first_seg_in_loop():
            loop = node.parent
            what = f"the mandatory loop {loop.id} ({loop.name}, starting with {node.id})"
            loop_id = loop.id
        else:
            what = f"the mandatory segment {node.id} ({node.name})"
            loop_id = self._loop_id(node)
        self._errors.append(
            SegmentError(
                segment_id=node.id,
                position=detected.position,
                file_position=detected.file_position,
                line=detected.line,
                loop_id=loop_id,
                code=SegmentErrorCode.MANDATORY_SEGMENT_MISSING,
                element_errors=(),
                message=f"{detected.where}: {what} is missing before this segment",
            )
        )

    def _segment_error(
        self, item: _Item, code: SegmentErrorCode, message: str, *, loop_id: str | None = None
    ) -> SegmentError:
        return SegmentError(
            segment_id=item.tag,
            position=item.position,
            file_position=item.file_position,
            line=item.line,
            loop_id=loop_id if loop_id is not None else self._loop_id(self._node),
            code=code,
            element_errors=(),
            message=message,
        )

    def _element_errors(
        self, node: Any, item: _Item, problems: list[HierarchyProblem]
    ) -> list[ElementError]:
        data = item.data
        errors: list[ElementError] = []
        errors += self._too_many_components(node, item)
        errors += self._repetitions(node, item)
        _, pyx12_errors = node.is_valid_errors(data)
        seen: set[tuple[int, int | None, str]] = set()
        broken_rule = False
        for pyx12_error in pyx12_errors:
            if isinstance(pyx12_error.refdes, int):
                # A syntax rule: pyx12 names only its first element; _syntax says which one.
                broken_rule = True
                continue
            error = self._from_pyx12(node, item, pyx12_error)
            if error is None:
                continue
            key = (error.position, error.component_position, error.code.value)
            if key in seen and error.code is ElementErrorCode.TOO_MANY_DATA_ELEMENTS:
                continue
            seen.add(key)
            errors.append(error)
        if broken_rule:
            errors += self._syntax(node, item)
        for problem in problems:
            element = node.children[problem.element - 1]
            errors.append(
                ElementError(
                    element_id=element.id,
                    position=problem.element,
                    component_position=None,
                    reference_number=element.data_ele,
                    code=ElementErrorCode.INVALID_CODE_VALUE,
                    bad_value=problem.value,
                    message=f"{item.where}: {problem.message}",
                )
            )
        return errors

    def _too_many_components(self, node: Any, item: _Item) -> list[ElementError]:
        """Find composites with more components than the map has, and cut them for pyx12.

        pyx12 fails on such a composite instead of reporting it, so it never sees the surplus.
        """
        errors: list[ElementError] = []
        code = (
            ElementErrorCode.TOO_MANY_COMPONENTS
            if self._version[:6] >= "004020"
            else ElementErrorCode.TOO_MANY_DATA_ELEMENTS
        )
        for child, element in zip(node.children, item.data.elements, strict=False):
            if not child.is_composite() or len(element.elements) <= len(child.children):
                continue
            allowed = len(child.children)
            surplus = [component.value for component in element.elements[allowed:]]
            errors.append(
                ElementError(
                    element_id=child.id,
                    position=child.seq,
                    component_position=allowed + 1,
                    reference_number=child.data_ele,
                    code=code,
                    bad_value=":".join(surplus),
                    message=(
                        f"{item.where}: {child.id} ({child.name}) has "
                        f"{len(element.elements)} components; the composite has {allowed}"
                    ),
                )
            )
            element.elements = element.elements[:allowed]
        return errors

    def _repetitions(self, node: Any, item: _Item) -> list[ElementError]:
        if not self._repetition:
            return []
        errors: list[ElementError] = []
        for child, element in zip(node.children, item.data.elements, strict=False):
            components = child.children if child.is_composite() else [child]
            for component_node, component in zip(components, element.elements, strict=False):
                if self._repetition not in component.value:
                    continue
                errors.append(
                    ElementError(
                        element_id=component_node.id,
                        position=child.seq,
                        component_position=component_node.seq if child.is_composite() else None,
                        reference_number=component_node.data_ele,
                        code=ElementErrorCode.TOO_MANY_REPETITIONS,
                        bad_value=component.value,
                        message=(
                            f"{item.where}: {component_node.id} ({component_node.name}) holds "
                            f"the repetition separator {self._repetition!r} in "
                            f"{component.value!r}; the element does not repeat"
                        ),
                    )
                )
        return errors

    def _from_pyx12(self, node: Any, item: _Item, error: Any) -> ElementError | None:
        if error.map_node is not None:
            return _element_error(error.map_node, item, error.err_cde, error.err_val, self._root)
        # Segment-level findings of pyx12: too many elements, a composite missing or not used.
        refdes = str(error.refdes or "")
        if refdes.isdigit():
            position = int(refdes)
            composite = None
        else:
            composite = next((child for child in node.children if child.id == refdes), None)
            position = composite.seq if composite is not None else 0
        if error.err_cde == "3" and composite is None and position > len(node.children):
            return ElementError(
                element_id=f"{node.id}{position:02d}",
                position=position,
                component_position=None,
                reference_number=None,
                code=ElementErrorCode.TOO_MANY_DATA_ELEMENTS,
                bad_value=error.err_val,
                message=(
                    f"{item.where}: {node.id} has {len(item.data.elements)} elements; "
                    f"the map defines {len(node.children)}"
                ),
            )
        if composite is None:
            return None
        if error.err_cde == "1":
            return ElementError(
                element_id=composite.id,
                position=composite.seq,
                component_position=None,
                reference_number=composite.data_ele,
                code=ElementErrorCode.MANDATORY_DATA_ELEMENT_MISSING,
                bad_value=None,
                message=f"{item.where}: {composite.id} ({composite.name}) is mandatory and missing",
            )
        return None

    def _syntax(self, node: Any, item: _Item) -> list[ElementError]:
        errors: list[ElementError] = []
        data = item.data
        for rule in node.syntax:
            valid, _ = is_syntax_valid(data, rule)
            if valid:
                continue
            kind, positions = rule[0], [int(p) for p in rule[1:]]
            present = [p for p in positions if _given(data, p)]
            absent = [p for p in positions if p not in present]
            names = ", ".join(f"{node.id}{p:02d}" for p in positions)
            if kind == "E":
                position = present[1]
                code = ElementErrorCode.EXCLUSION_CONDITION_VIOLATED
                expected = f"at most one of {names} may be given"
            elif kind == "R":
                position = positions[0]
                code = ElementErrorCode.CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING
                expected = f"at least one of {names} is required"
            elif kind == "P":
                position = absent[0]
                code = ElementErrorCode.CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING
                expected = f"{names} are given together or not at all"
            elif kind == "C":
                position = next(p for p in positions[1:] if p in absent)
                code = ElementErrorCode.CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING
                rest = ", ".join(f"{node.id}{p:02d}" for p in positions[1:])
                expected = f"when {node.id}{positions[0]:02d} is given, {rest} must be too"
            else:
                position = positions[1]
                code = ElementErrorCode.CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING
                rest = ", ".join(f"{node.id}{p:02d}" for p in positions[1:])
                expected = f"when {node.id}{positions[0]:02d} is given, one of {rest} must be too"
            child = node.children[position - 1]
            value = data.get_value(f"{position:02d}") or None
            errors.append(
                ElementError(
                    element_id=child.id,
                    position=position,
                    component_position=None,
                    reference_number=child.data_ele,
                    code=code,
                    bad_value=value
                    if code is ElementErrorCode.EXCLUSION_CONDITION_VIOLATED
                    else None,
                    message=f"{item.where}: syntax rule {rule[0]}"
                    f"{''.join(f'{p:02d}' for p in positions)} of {node.id}: {expected}",
                )
            )
        return errors

    def _loop_id(self, node: Any) -> str | None:
        key = id(node)
        if key in self._map.loop_of:
            return self._map.loop_of[key]
        loop = node.parent if node is not None else None
        while loop is not None and not loop.is_map_root():
            if loop.is_loop() and loop.id not in _NOT_LOOPS and loop.type != "wrapper":
                break
            loop = loop.parent
        loop_id = loop.id if loop is not None and not loop.is_map_root() else None
        self._map.loop_of[key] = loop_id
        return loop_id

    def _set_name(self) -> str:
        return f"{self._map.root.id} map ({self._map.file})"

    @property
    def _root(self) -> Any:
        return self._map.root


def _given(data: Any, position: int) -> bool:
    return len(data.elements) >= position and not data.elements[position - 1].is_empty()


def _element_error(
    element: Any, item: _Item, code: str, value: str | None, root: Any
) -> ElementError:
    parent = element.parent
    in_composite = parent is not None and parent.is_composite()
    position = parent.seq if in_composite else element.seq
    component = element.seq if in_composite else None
    error_code = ElementErrorCode(code)
    given = item.data.elements[position - 1] if position <= len(item.data.elements) else None
    if (
        error_code is ElementErrorCode.INVALID_CHARACTER_IN_DATA_ELEMENT
        and not in_composite
        and given is not None
        and len(given.elements) > 1
    ):
        problem = (
            f"is {value!r}: it holds {len(given.elements)} components, but it is a simple "
            "element; the component separator cannot appear in it"
        )
    else:
        problem = _problem(element, error_code, value, root)
    return ElementError(
        element_id=element.id,
        position=position,
        component_position=component,
        reference_number=element.data_ele,
        code=error_code,
        bad_value=value,
        message=f"{item.where}: {element.id} ({element.name}, data element "
        f"{element.data_ele}) {problem}",
    )


def _problem(element: Any, code: ElementErrorCode, value: str | None, root: Any) -> str:
    shown = repr(value) if value is not None else "the value"
    if code is ElementErrorCode.MANDATORY_DATA_ELEMENT_MISSING:
        return "is mandatory and missing"
    if code in (ElementErrorCode.DATA_ELEMENT_TOO_SHORT, ElementErrorCode.DATA_ELEMENT_TOO_LONG):
        size = len(value or "")
        return (
            f"is {shown} ({size} character{'s' * (size != 1)}); expected "
            f"{_length_range(element.min_len, element.max_len)}"
        )
    if code is ElementErrorCode.INVALID_CODE_VALUE:
        codes = sorted(str(code_value) for code_value in _codes_of(element, root))
        listed = ", ".join(codes[:_SHOWN_CODES]) + (", ..." if len(codes) > _SHOWN_CODES else "")
        return f"is {shown}, not one of its codes: {listed}"
    if code is ElementErrorCode.INVALID_DATE:
        return f"is {shown}, not a valid date; expected CCYYMMDD"
    if code is ElementErrorCode.INVALID_TIME:
        return f"is {shown}, not a valid time; expected HHMM or HHMMSS"
    if code is ElementErrorCode.INVALID_CHARACTER_IN_DATA_ELEMENT:
        if value is not None and value.startswith("<") and value.endswith(">"):
            return f"contains the control character {value}, which X12 data cannot hold"
        if value is not None and value != value.rstrip(" "):
            return f"is {shown}: trailing spaces are not allowed"
        data_type = element.data_type or ""
        expected = _TYPE_EXPECTATIONS.get(data_type)
        if expected is None and data_type.startswith("N"):
            expected = f"digits only, with {data_type[1:]} implied decimal places"
        return (
            f"is {shown}, which is not {expected or data_type}: it has a character that is not "
            "allowed here"
        )
    return f"is {shown}: error {code.value}"


def _length_range(minimum: int, maximum: int) -> str:
    if minimum == maximum:
        return f"exactly {minimum} character{'s' * (minimum != 1)}"
    return f"{minimum} to {maximum} characters"


def _codes_of(element: Any, root: Any) -> Iterable[Any]:
    if element.valid_codes:
        return [code for code in element.valid_codes if code is not None]
    external = root.ext_codes.codes.get(element.external_codes)
    return external["codes"] if external is not None else []
