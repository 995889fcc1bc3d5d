"""The record tree of a transaction set, built while pyx12's map walker goes through it.

The shape is the contract of ``docs/x12.md``: a segment is an object keyed by element
references with empty elements left out and composites as lists of components; a segment the map
allows once in its place is an object, a repeating one a list; a loop is ``<first segment>_loop``
holding a list of items; wrapper loops (header, detail, summary tables) are flattened; ST and SE
are left out. Hierarchical levels (``HL``) nest by HL02: an item's own ``HL_loop`` holds the
levels whose parent it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["HierarchyProblem", "Tree", "TreeBuilder", "segment_values"]

Tree = dict[str, Any]
"""A transaction set, a loop item or a segment: keys as docs/x12.md describes them."""

# Loops that enclose the transaction set; they never appear in the tree.
_ENVELOPE_LOOPS = frozenset({"ISA_LOOP", "GS_LOOP"})
_SET_LOOP = "ST_LOOP"
_LEFT_OUT_SEGMENTS = frozenset({"ST", "SE"})
_HIERARCHICAL_SEGMENT = "HL"


class MapSegment(Protocol):
    """The part of a pyx12 segment node the tree reads."""

    id: str | None
    children: list[Any]

    def get_max_repeat(self) -> int: ...


class MapLoop(Protocol):
    """The part of a pyx12 loop node the tree reads."""

    id: str | None
    type: str | None

    def get_first_seg(self) -> Any: ...


class SegmentData(Protocol):
    """The part of a pyx12 data segment the tree reads."""

    elements: list[Any]


def segment_values(node: MapSegment, data: SegmentData) -> dict[str, str | list[str]]:
    """A segment as the tree holds it: element reference to value, empty elements left out.

    A composite is the list of its components up to the last one given (empty ones before it
    stay as ``""`` so positions keep their meaning). Elements beyond the map's definition are
    not in the tree: the validation reports them.
    """
    values: dict[str, str | list[str]] = {}
    for child, element in zip(node.children, data.elements, strict=False):
        components = [component.value for component in element.elements]
        while components and components[-1] == "":
            components.pop()
        if not components:
            continue
        if child.is_composite():
            values[child.id] = components
        else:
            values[child.id] = element.format()
    return values


@dataclass(frozen=True, slots=True)
class HierarchyProblem:
    """An HL segment whose numbering does not make a tree.

    Attributes:
        element: 1 for HL01, 2 for HL02.
        value: the element's value.
        message: what is wrong and what was expected.
    """

    element: int
    value: str
    message: str


@dataclass(slots=True)
class _Frame:
    loop: MapLoop | None
    container: Tree


@dataclass(slots=True)
class _OpenLevel:
    hl_id: str
    item: Tree


@dataclass(slots=True)
class _Hierarchy:
    """The HL levels still open for children: the chain from the last level up to its root."""

    open_levels: list[_OpenLevel] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def place(
        self, hl_id: str, parent_id: str, item: Tree, roots: list[Tree]
    ) -> list[HierarchyProblem]:
        problems: list[HierarchyProblem] = []
        if hl_id in self.seen:
            problems.append(
                HierarchyProblem(
                    1, hl_id, f"HL01 '{hl_id}' repeats an earlier HL's id; each HL needs its own"
                )
            )
        self.seen.add(hl_id)
        if not parent_id:
            self.open_levels.clear()
            roots.append(item)
        else:
            open_ids = [level.hl_id for level in self.open_levels]
            if parent_id in open_ids:
                while self.open_levels[-1].hl_id != parent_id:
                    self.open_levels.pop()
                self.open_levels[-1].item.setdefault("HL_loop", []).append(item)
            else:
                expected = ", ".join(reversed(open_ids)) or "none (this HL must be a root)"
                problems.append(
                    HierarchyProblem(
                        2,
                        parent_id,
                        f"HL02 '{parent_id}' is not the id of an HL this level can belong to; "
                        f"expected the id of the previous HL or of one of its parents: {expected}",
                    )
                )
                roots.append(item)
        self.open_levels.append(_OpenLevel(hl_id, item))
        return problems


class TreeBuilder:
    """Follows the walker's loop moves and places each segment where the tree wants it."""

    def __init__(self) -> None:
        self._root: Tree = {}
        self._frames: list[_Frame] = []
        self._hierarchy = _Hierarchy()
        self._pending_level: tuple[Tree, Tree] | None = None

    @property
    def tree(self) -> Tree:
        """The tree built so far."""
        return self._root

    def move(self, popped: list[MapLoop], pushed: list[MapLoop]) -> None:
        """Leave the loops the walker popped and enter the ones it pushed, in its order."""
        for loop in popped:
            for depth in range(len(self._frames) - 1, -1, -1):
                if self._frames[depth].loop is loop:
                    del self._frames[depth:]
                    break
        for loop in pushed:
            self._enter(loop)

    def add(self, node: MapSegment, values: dict[str, str | list[str]]) -> list[HierarchyProblem]:
        """Place one segment in the current loop item; returns problems of an HL's numbering."""
        segment_id = node.id or ""
        if segment_id in _LEFT_OUT_SEGMENTS or not self._frames:
            return []
        container = self._frames[-1].container
        problems: list[HierarchyProblem] = []
        if self._pending_level is not None and segment_id == _HIERARCHICAL_SEGMENT:
            item, parent_container = self._pending_level
            self._pending_level = None
            hl_id = _text(values.get("HL01"))
            parent_id = _text(values.get("HL02"))
            roots = parent_container.setdefault("HL_loop", [])
            problems = self._hierarchy.place(hl_id, parent_id, item, roots)
        if node.get_max_repeat() == 1:
            # A second one is reported by the walker (exceeds maximum use); the tree keeps the
            # first, and a set with errors yields no tree anyway.
            container.setdefault(segment_id, values)
        else:
            container.setdefault(segment_id, []).append(values)
        return problems

    def _enter(self, loop: MapLoop) -> None:
        loop_id = loop.id or ""
        if loop_id in _ENVELOPE_LOOPS:
            return
        if loop_id == _SET_LOOP:
            self._frames = [_Frame(loop, self._root)]
            return
        parent = self._frames[-1].container if self._frames else self._root
        if loop.type == "wrapper":
            self._frames.append(_Frame(loop, parent))
            return
        item: Tree = {}
        first = loop.get_first_seg()
        if first is not None and first.id == _HIERARCHICAL_SEGMENT:
            # Where an HL level goes depends on its HL02, known once its HL segment is read.
            self._pending_level = (item, parent)
        else:
            parent.setdefault(f"{loop_id}_loop", []).append(item)
        self._frames.append(_Frame(loop, item))


def _text(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else ":".join(value)
