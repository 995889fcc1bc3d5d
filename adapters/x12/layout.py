"""Outbound documents laid out as segments in the order of the map.

A document has the shape of ``docs/x12.md`` (segments keyed by their id, loops as
``<first segment>_loop`` lists). Laying it out walks the map in order and emits the document's
segments where the map has them, whatever the order of the document's keys, and computes what a
mapping should not have to count: HL01 and HL02 from the nesting of ``HL_loop``, HL04 when left
out, CTT01 when left out (and a CTT when there is none). The validator then checks the result
against the map; ST and SE are the writer's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["ElementValue", "LaidOutSegment", "LayoutError", "LayoutPlan", "lay_out"]

ElementValue = str | tuple[str, ...]
"""A laid-out element: its text, or the components of a composite."""

LaidOutSegment = tuple[str, tuple[ElementValue, ...]]
"""A laid-out segment: its tag and its elements, trailing empty ones left out."""

# CTT01 counts these segments when the document leaves it out.
_COUNTED_FOR_CTT = {"856": "HL", "810": "IT1", "850": "PO1"}
_LEFT_TO_THE_WRITER = frozenset({"ST", "SE"})
_IGNORED_TOP_LEVEL_KEYS = frozenset({"envelope"})
_HIERARCHICAL_SEGMENT = "HL"


class LayoutError(ValueError):
    """An outbound document cannot be laid out; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(slots=True)
class LayoutPlan:
    """The laid-out segments and, for each, the place in the document it came from."""

    segments: list[LaidOutSegment] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def lay_out(map_root: Any, document: Mapping[str, Any], set_id: str) -> LayoutPlan:
    """Lay out ``document`` along a loaded pyx12 map (``map_root``).

    Raises:
        LayoutError: keys the map does not know (naming the key and the loop it was found in),
            values that are neither text nor numbers, HL ids that disagree with the nesting.
    """
    layout = _Layout(set_id)
    set_loop = map_root.getnodebypath("/ISA_LOOP/GS_LOOP/ST_LOOP")
    top = {key: value for key, value in document.items() if key not in _IGNORED_TOP_LEVEL_KEYS}
    layout.loop_item(set_loop, top, place="", description="the document's top level")
    if layout.problems:
        raise LayoutError(layout.problems)
    return layout.plan


@dataclass(frozen=True, slots=True)
class _Level:
    """Where an HL level stands: its computed id and its parent's."""

    hl_id: str
    parent_id: str | None
    has_children: bool


class _Layout:
    def __init__(self, set_id: str) -> None:
        self.set_id = set_id
        self.plan = LayoutPlan()
        self.problems: list[str] = []
        self._counts: Counter[str] = Counter()
        self._next_hl = 1

    def loop_item(
        self,
        loop: Any,
        item: Any,
        *,
        place: str,
        description: str,
        level: _Level | None = None,
    ) -> None:
        if not isinstance(item, Mapping):
            self.problems.append(
                f"{place or 'document'}: {description} must be an object of segments and "
                f"loops, not {type(item).__name__}"
            )
            return
        children = [child for child in _children(loop) if child.id not in _LEFT_TO_THE_WRITER]
        known = {_key(child) for child in children}
        hierarchical = level is not None
        if hierarchical:
            known.add(f"{_HIERARCHICAL_SEGMENT}_loop")
        for key in item:
            if key not in known:
                expected = ", ".join(sorted(known))
                self.problems.append(
                    f"{_join(place, str(key))}: unknown key {key!r} in {description}; "
                    f"expected one of: {expected}"
                )
        for child in children:
            key = _key(child)
            if child.is_loop():
                self._loop(child, item.get(key), place=_join(place, key))
            elif key == "CTT" and self.set_id in _COUNTED_FOR_CTT:
                self._totals(child, item.get(key), place=_join(place, key))
            elif key == _HIERARCHICAL_SEGMENT and level is not None:
                # A level always has its HL, numbered here even when the document gave none.
                self._segments(child, item.get(key) or {}, place=_join(place, key), level=level)
            else:
                self._segments(child, item.get(key), place=_join(place, key), level=level)
        if hierarchical and level is not None:
            children_of_level = item.get(f"{_HIERARCHICAL_SEGMENT}_loop")
            self._levels(
                loop,
                children_of_level,
                place=_join(place, f"{_HIERARCHICAL_SEGMENT}_loop"),
                parent_id=level.hl_id,
            )

    def _loop(self, loop: Any, items: Any, *, place: str) -> None:
        if items is None:
            if loop.id == "CTT" and self.set_id in _COUNTED_FOR_CTT:
                self.loop_item(loop, {}, place=f"{place}[0]", description="the CTT loop")
            return
        if _is_hierarchical(loop):
            self._levels(loop, items, place=place, parent_id=None)
            return
        for index, item in enumerate(_as_list(items, place, self.problems)):
            self.loop_item(
                loop, item, place=f"{place}[{index}]", description=f"an item of {loop.id}_loop"
            )

    def _levels(self, loop: Any, items: Any, *, place: str, parent_id: str | None) -> None:
        if items is None:
            return
        for index, item in enumerate(_as_list(items, place, self.problems)):
            has_children = isinstance(item, Mapping) and bool(
                item.get(f"{_HIERARCHICAL_SEGMENT}_loop")
            )
            level = _Level(str(self._next_hl), parent_id, has_children)
            self._next_hl += 1
            self.loop_item(
                loop,
                item,
                place=f"{place}[{index}]",
                description=f"an item of {loop.id}_loop",
                level=level,
            )

    def _totals(self, node: Any, given: Any, *, place: str) -> None:
        count = str(self._counts[_COUNTED_FOR_CTT[self.set_id]])
        if given is None:
            given = {}
        values = _as_list(given, place, self.problems)
        for index, value in enumerate(values):
            if isinstance(value, Mapping) and "CTT01" not in value:
                values[index] = {"CTT01": count, **value}
        self._segments(node, values, place=place, level=None)

    def _segments(self, node: Any, given: Any, *, place: str, level: _Level | None) -> None:
        if given is None:
            return
        values = _as_list(given, place, self.problems)
        indexed = isinstance(given, list | tuple)
        for index, value in enumerate(values):
            segment_place = f"{place}[{index}]" if indexed else place
            if not isinstance(value, Mapping):
                self.problems.append(
                    f"{segment_place}: a {node.id} segment must be an object of its elements, "
                    f"not {type(value).__name__}"
                )
                continue
            if node.id == _HIERARCHICAL_SEGMENT and level is not None:
                value = self._numbered(value, level, segment_place)
            elements = self._elements(node, value, segment_place)
            if elements is None:
                continue
            self.plan.segments.append((node.id, elements))
            self.plan.places.append(segment_place)
            self._counts[node.id] += 1

    def _numbered(self, value: Mapping[str, Any], level: _Level, place: str) -> dict[str, Any]:
        numbered = dict(value)
        computed = {"HL01": level.hl_id, "HL02": level.parent_id}
        for key, expected in computed.items():
            if key in value and _text(value[key]) != (expected or ""):
                self.problems.append(
                    f"{place}.{key}: is {value[key]!r}, but the nesting of HL_loop makes it "
                    f"{expected!r}; leave it out and it is computed"
                )
            if expected is None:
                numbered.pop(key, None)
            else:
                numbered[key] = expected
        if _text(value.get("HL04", "")) == "":
            numbered["HL04"] = "1" if level.has_children else "0"
        return numbered

    def _elements(
        self, node: Any, value: Mapping[str, Any], place: str
    ) -> tuple[ElementValue, ...] | None:
        by_id = {child.id: child for child in node.children}
        for key in value:
            if key not in by_id:
                self.problems.append(
                    f"{place}.{key}: {key!r} is not an element of {node.id}; its elements are "
                    f"{node.children[0].id} to {node.children[-1].id}"
                )
        elements: list[ElementValue] = []
        for child in node.children:
            given = value.get(child.id)
            if child.is_composite():
                elements.append(self._components(child, given, f"{place}.{child.id}"))
            else:
                elements.append(self._scalar(given, f"{place}.{child.id}"))
        while elements and elements[-1] in ("", ()):
            elements.pop()
        return tuple(elements)

    def _components(self, node: Any, given: Any, place: str) -> ElementValue:
        if given is None:
            return ()
        parts = [given] if not isinstance(given, list | tuple) else list(given)
        if len(parts) > len(node.children):
            self.problems.append(
                f"{place}: has {len(parts)} components; {node.id} has {len(node.children)}"
            )
        components = [self._scalar(part, place) for part in parts]
        while components and components[-1] == "":
            components.pop()
        return tuple(components)

    def _scalar(self, given: Any, place: str) -> str:
        if given is None:
            return ""
        if isinstance(given, bool) or not isinstance(given, str | int | float | Decimal):
            self.problems.append(
                f"{place}: is {given!r}; expected text or a number"
                + (" (a list is only for a composite element)" if isinstance(given, list) else "")
            )
            return ""
        return _text(given)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _children(loop: Any) -> Any:
    """A loop's segments and loops in map order, the content of wrapper loops in their place."""
    for position in sorted(loop.pos_map):
        for child in loop.pos_map[position]:
            if child.is_loop() and child.type == "wrapper":
                yield from _children(child)
            else:
                yield child


def _key(node: Any) -> str:
    return f"{node.id}_loop" if node.is_loop() else str(node.id)


def _is_hierarchical(loop: Any) -> bool:
    first = loop.get_first_seg()
    return first is not None and first.id == _HIERARCHICAL_SEGMENT


def _as_list(value: Any, place: str, problems: list[str]) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return [value]
    problems.append(f"{place}: expected an object or a list of objects, not {value!r}")
    return []


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key
