"""The map directory pyx12 reads: pyx12's installed maps composed with ours, cached on disk.

pyx12 takes one directory (``map_path``) holding the map index (``maps.xml``), the control maps,
the data element and code definitions (``dataele.xml``, ``codes.xml``) and the maps. It ships
no 850, 856 or 810 map, so ours live in ``adapters/x12/maps/``: the transaction sets (ST to SE),
the interchange and group envelopes they are wrapped in, our index entries and the data elements
and code lists pyx12 lacks. :func:`map_directory` composes the two, by parsing the XML, into a
directory under a cache folder named after a hash of every input file, so a changed input gives
a new directory and an unchanged one is reused. The directory is built aside and renamed into
place, so two processes starting at once never see half of one. Nothing is downloaded.

An index entry of ours replaces pyx12's for the same ISA12, GS08 and GS01 (our 997 for 004010
serves any functional group, pyx12's only HIPAA ones). Where one of our maps has the name of one
of pyx12's (``997.4010.xml``), ours keeps the name and pyx12's is kept as ``pyx12-<name>`` for
the entries of pyx12's that still name it (its HIPAA versions).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

__all__ = ["MapDirectoryError", "default_cache_dir", "map_directory"]

# Part of the cache key: raise it whenever the composition below changes what it writes.
_COMPOSITION_REVISION = "2"
_CACHE_DIR_VARIABLE = "AHEAD_CONNECTOR_CACHE_DIR"
_COMPLETE_MARKER = ".complete"
_PYX12_FILE_SUFFIXES = (".xml", ".xsd", ".dtd")
_INDEX = "maps.xml"
_DATA_ELEMENTS = "dataele.xml"
_CODES = "codes.xml"
_OUR_DATA_ELEMENTS = "dataele-supplement.xml"
_OUR_CODES = "codes-supplement.xml"
_OUR_ENVELOPE = "envelope.{icvn}.xml"
_DISPLACED_PYX12_MAP = "pyx12-{name}"


class MapDirectoryError(Exception):
    """Our maps cannot be composed with pyx12's: the message names the file and the problem."""


def default_cache_dir() -> Path:
    """Where composed map directories are kept unless the caller says otherwise.

    ``AHEAD_CONNECTOR_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/ahead-connector``, else
    ``~/.cache/ahead-connector``.
    """
    configured = os.environ.get(_CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ahead-connector"


def map_directory(cache_dir: Path | None = None, *, maps_source: Path | None = None) -> Path:
    """The composed pyx12 map directory, built on first use and reused while its inputs hold.

    Args:
        cache_dir: the folder that holds composed directories; :func:`default_cache_dir` when
            ``None``. Each composition is a subfolder ``x12-maps-<hash>``.
        maps_source: our maps; ``adapters/x12/maps`` when ``None``.

    Returns:
        A directory to pass to pyx12 as ``map_path``.

    Raises:
        MapDirectoryError: our maps are inconsistent (a map named by the index is missing, an
            envelope is missing, ...), pyx12's map folder cannot be found, or the cache folder
            cannot be written.
    """
    source = maps_source if maps_source is not None else Path(__file__).with_name("maps")
    inputs = _Inputs.gather(_pyx12_map_folder(), source)
    digest = inputs.digest()
    root = (cache_dir if cache_dir is not None else default_cache_dir()) / "x12-maps"
    target = root / digest[:20]
    if _is_complete(target, digest):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{digest[:20]}-", dir=root))
    except OSError as error:
        raise MapDirectoryError(
            f"{root}: cannot write the composed X12 maps here ({error}); give a writable "
            f"cache_dir or set {_CACHE_DIR_VARIABLE}"
        ) from error
    try:
        _compose(inputs, building)
        (building / _COMPLETE_MARKER).write_text(digest, encoding="utf-8")
        _move_into_place(building, target, digest)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return target


@dataclass(frozen=True, slots=True)
class _Inputs:
    pyx12_folder: Path
    pyx12_files: tuple[Path, ...]
    our_folder: Path
    our_files: tuple[Path, ...]

    @classmethod
    def gather(cls, pyx12_folder: Path, our_folder: Path) -> _Inputs:
        if not our_folder.is_dir():
            raise MapDirectoryError(f"{our_folder}: our X12 maps folder does not exist")
        return cls(
            pyx12_folder=pyx12_folder,
            pyx12_files=tuple(
                sorted(
                    path
                    for path in pyx12_folder.iterdir()
                    if path.is_file() and path.suffix in _PYX12_FILE_SUFFIXES
                )
            ),
            our_folder=our_folder,
            our_files=tuple(sorted(our_folder.glob("*.xml"))),
        )

    def digest(self) -> str:
        hasher = hashlib.sha256()
        hasher.update(f"composition {_COMPOSITION_REVISION}\n".encode())
        hasher.update(f"pyx12 {_pyx12_version()}\n".encode())
        for label, files in (("pyx12", self.pyx12_files), ("ours", self.our_files)):
            for path in files:
                content = path.read_bytes()
                hasher.update(f"{label}/{path.name} {len(content)}\n".encode())
                hasher.update(content)
        return hasher.hexdigest()


def _pyx12_map_folder() -> Path:
    folder = Path(str(resources.files("pyx12").joinpath("map")))
    if not (folder / _INDEX).is_file():
        raise MapDirectoryError(f"{folder}: pyx12's installed map folder has no {_INDEX}")
    return folder


def _pyx12_version() -> str:
    try:
        return metadata.version("pyx12")
    except metadata.PackageNotFoundError:
        return "unknown"


def _is_complete(target: Path, digest: str) -> bool:
    marker = target / _COMPLETE_MARKER
    try:
        return marker.read_text(encoding="utf-8") == digest
    except OSError:
        return False


def _move_into_place(building: Path, target: Path, digest: str) -> None:
    try:
        building.rename(target)
        return
    except OSError:
        # Another process may have put the same composition in place first; theirs is as good.
        if _is_complete(target, digest):
            return
    # A directory without its marker is the leftover of a build that died before the rename
    # could happen (it cannot be a build in progress: those live under a temporary name).
    stale = target.with_name(f".stale-{target.name}-{os.getpid()}")
    with contextlib.suppress(OSError):
        target.rename(stale)
    try:
        building.rename(target)
    except OSError:
        if not _is_complete(target, digest):
            raise
    shutil.rmtree(stale, ignore_errors=True)


def _compose(inputs: _Inputs, destination: Path) -> None:
    index = _parse(inputs.pyx12_folder / _INDEX)
    our_index = _parse(inputs.our_folder / _INDEX)
    pyx12_names = {path.name for path in inputs.pyx12_files}
    displaced = {
        name: _DISPLACED_PYX12_MAP.format(name=name)
        for name in _named_maps(our_index)
        if name in pyx12_names
    }
    for path in inputs.pyx12_files:
        shutil.copyfile(path, destination / displaced.get(path.name, path.name))
    entries = _merge_index(index, our_index, displaced)
    _write(index, destination / _INDEX)
    _write(
        _merge_by_key(
            _parse(inputs.pyx12_folder / _DATA_ELEMENTS),
            _parse(inputs.our_folder / _OUR_DATA_ELEMENTS),
            item="data_ele",
            key=lambda element: element.get("ele_num"),
        ),
        destination / _DATA_ELEMENTS,
    )
    _write(
        _merge_by_key(
            _parse(inputs.pyx12_folder / _CODES),
            _parse(inputs.our_folder / _OUR_CODES),
            item="codeset",
            key=lambda element: element.findtext("id"),
        ),
        destination / _CODES,
    )
    for map_file, map_entries in entries.items():
        composed = _wrap_in_envelope(inputs.our_folder, map_file, map_entries)
        _write(composed, destination / map_file)


@dataclass(frozen=True, slots=True)
class _IndexEntry:
    icvn: str
    vriic: str
    fic: str


def _named_maps(index: ET.Element) -> set[str]:
    return {(entry.text or "").strip() for entry in index.iter("map")}


def _merge_index(
    index: ET.Element, ours: ET.Element, displaced: Mapping[str, str]
) -> dict[str, list[_IndexEntry]]:
    """Merge our entries into pyx12's index; say what map files ours name.

    Ours go first (pyx12 takes the first match) and pyx12's entries for the same ISA12, GS08 and
    GS01 go; pyx12's entries naming a map in ``displaced`` are pointed at its new name.
    """
    named: dict[str, list[_IndexEntry]] = {}
    for our_version in ours.iter("version"):
        icvn = our_version.get("icvn") or ""
        for entry in our_version.iterfind("map"):
            named.setdefault((entry.text or "").strip(), []).append(
                _IndexEntry(icvn=icvn, vriic=entry.get("vriic") or "", fic=entry.get("fic") or "")
            )
    replaced = {entry for entries in named.values() for entry in entries}
    for pyx12_version in index.iter("version"):
        icvn = pyx12_version.get("icvn") or ""
        for entry in list(pyx12_version.iterfind("map")):
            key = _IndexEntry(icvn=icvn, vriic=entry.get("vriic") or "", fic=entry.get("fic") or "")
            map_file = (entry.text or "").strip()
            if key in replaced:
                pyx12_version.remove(entry)
            elif map_file in displaced:
                entry.text = displaced[map_file]
    for our_version in ours.iter("version"):
        icvn = our_version.get("icvn") or ""
        version = next(
            (v for v in index.iter("version") if v.get("icvn") == icvn),
            None,
        )
        if version is None:
            version = ET.SubElement(index, "version", icvn=icvn)
        for position, entry in enumerate(our_version.iterfind("map")):
            version.insert(position, copy.deepcopy(entry))
    return named


def _merge_by_key(
    theirs: ET.Element,
    ours: ET.Element,
    *,
    item: str,
    key: Callable[[ET.Element], str | None],
) -> ET.Element:
    """Add our items to pyx12's; where both define a key, ours replaces theirs."""
    ours_by_key = {key(element): element for element in ours.iter(item)}
    for parent in list(theirs.iter()):
        for child in list(parent):
            if child.tag == item and key(child) in ours_by_key:
                parent.remove(child)
    for element in ours_by_key.values():
        theirs.append(copy.deepcopy(element))
    return theirs


def _wrap_in_envelope(folder: Path, map_file: str, entries: list[_IndexEntry]) -> ET.Element:
    path = folder / map_file
    if not path.is_file():
        raise MapDirectoryError(f"{folder / _INDEX}: names {map_file}, which does not exist")
    icvns = sorted({entry.icvn for entry in entries})
    if len(icvns) != 1:
        raise MapDirectoryError(
            f"{folder / _INDEX}: {map_file} is listed under several ISA12 versions "
            f"({', '.join(icvns)}); a map has one envelope"
        )
    transaction = _parse(path)
    st_loop = transaction.find("loop")
    if transaction.tag != "transaction" or st_loop is None or st_loop.get("xid") != "ST_LOOP":
        raise MapDirectoryError(f"{path}: expected <transaction> holding the ST_LOOP <loop>")
    envelope_path = folder / _OUR_ENVELOPE.format(icvn=icvns[0])
    if not envelope_path.is_file():
        raise MapDirectoryError(f"{envelope_path}: no envelope for ISA12 {icvns[0]}")
    isa_loop = copy.deepcopy(_parse(envelope_path).find("loop"))
    gs_loop = isa_loop.find("loop[@xid='GS_LOOP']") if isa_loop is not None else None
    gs = gs_loop.find("segment[@xid='GS']") if gs_loop is not None else None
    if isa_loop is None or gs_loop is None or gs is None:
        raise MapDirectoryError(f"{envelope_path}: expected ISA_LOOP holding GS_LOOP and GS")
    _set_codes(gs, "GS01", _unique(entry.fic for entry in entries))
    _set_codes(gs, "GS08", _unique(entry.vriic for entry in entries))
    gs_loop.insert(list(gs_loop).index(gs) + 1, st_loop)
    composed = ET.Element("transaction", dict(transaction.attrib))
    for child in transaction:
        if child is not st_loop:
            composed.append(child)
    composed.append(isa_loop)
    return composed


def _set_codes(segment: ET.Element, element_id: str, codes: Iterable[str]) -> None:
    element = segment.find(f"element[@xid='{element_id}']")
    if element is None:
        raise MapDirectoryError(f"the envelope's {segment.get('xid')} has no {element_id}")
    for old in element.findall("valid_codes"):
        element.remove(old)
    valid_codes = ET.SubElement(element, "valid_codes")
    for code in codes:
        ET.SubElement(valid_codes, "code").text = code


def _unique(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def _parse(path: Path) -> ET.Element:
    # Only our own files and pyx12's installed ones are parsed here, never partner input.
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise MapDirectoryError(f"{path}: cannot read the XML ({error})") from error


def _write(root: ET.Element, path: Path) -> None:
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
