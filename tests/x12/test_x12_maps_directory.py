"""The composed map directory: built from pyx12's maps and ours, reused until an input changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from adapters.x12.mapdir import MapDirectoryError, map_directory

OUR_MAPS = Path(__file__).parents[2] / "adapters" / "x12" / "maps"


@pytest.fixture
def maps_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "maps"
    shutil.copytree(OUR_MAPS, copy)
    return copy


def test_the_directory_is_reused_while_its_inputs_are_unchanged(tmp_path: Path, maps_copy: Path):
    first = map_directory(tmp_path / "cache", maps_source=maps_copy)
    built = (first / "850.4010.xml").stat().st_mtime_ns

    second = map_directory(tmp_path / "cache", maps_source=maps_copy)

    assert second == first
    assert (second / "850.4010.xml").stat().st_mtime_ns == built
    assert [path.name for path in (tmp_path / "cache" / "x12-maps").iterdir()] == [first.name]


def test_the_directory_is_rebuilt_when_one_of_our_map_files_changes(
    tmp_path: Path, maps_copy: Path
):
    first = map_directory(tmp_path / "cache", maps_source=maps_copy)
    map_file = maps_copy / "856.4010.xml"
    map_file.write_text(
        map_file.read_text(encoding="utf-8").replace(
            'name="Beginning Segment for Ship Notice"', 'name="Ship Notice Start"'
        ),
        encoding="utf-8",
    )

    second = map_directory(tmp_path / "cache", maps_source=maps_copy)

    assert second != first
    assert "Ship Notice Start" in (second / "856.4010.xml").read_text(encoding="utf-8")
    assert "Ship Notice Start" not in (first / "856.4010.xml").read_text(encoding="utf-8")


def test_the_composed_directory_holds_pyx12s_maps_and_ours_merged(tmp_path: Path, maps_copy: Path):
    directory = map_directory(tmp_path / "cache", maps_source=maps_copy)

    index = ET.parse(directory / "maps.xml").getroot()
    version = next(v for v in index.iter("version") if v.get("icvn") == "00401")
    first_entries = [(m.get("vriic"), m.get("fic"), m.text) for m in version.iterfind("map")][:3]
    assert first_entries == [
        ("004010", "PO", "850.4010.xml"),
        ("004010", "SH", "856.4010.xml"),
        ("004010", "IN", "810.4010.xml"),
    ]
    assert (directory / "837.4010.X098.A1.xml").is_file()
    elements = {
        e.get("ele_num") for e in ET.parse(directory / "dataele.xml").getroot().iter("data_ele")
    }
    assert {"92", "396", "76", "1166", "I01"} <= elements
    code_lists = {c.findtext("id") for c in ET.parse(directory / "codes.xml").getroot().iter()}
    assert {"x12_353", "x12_355", "states"} <= code_lists
    composed = ET.parse(directory / "850.4010.xml").getroot()
    assert composed.find("loop[@xid='ISA_LOOP']/loop[@xid='GS_LOOP']/loop[@xid='ST_LOOP']")


def test_our_data_element_definition_replaces_pyx12s_of_the_same_number(
    tmp_path: Path, maps_copy: Path
):
    supplement = maps_copy / "dataele-supplement.xml"
    supplement.write_text(
        supplement.read_text(encoding="utf-8").replace(
            "</data_elements>",
            '<data_ele ele_num="127" data_type="AN" min_len="1" max_len="30" '
            'name="Reference Identification" /></data_elements>',
        ),
        encoding="utf-8",
    )

    directory = map_directory(tmp_path / "cache", maps_source=maps_copy)

    definitions = [
        e.attrib
        for e in ET.parse(directory / "dataele.xml").getroot().iter("data_ele")
        if e.get("ele_num") == "127"
    ]
    assert [d["max_len"] for d in definitions] == ["30"]


def test_a_map_the_index_names_but_that_is_missing_is_a_clear_error(
    tmp_path: Path, maps_copy: Path
):
    (maps_copy / "810.4010.xml").unlink()

    with pytest.raises(MapDirectoryError, match=r"maps\.xml: names 810\.4010\.xml"):
        map_directory(tmp_path / "cache", maps_source=maps_copy)

    assert list((tmp_path / "cache" / "x12-maps").iterdir()) == []


def test_two_processes_composing_at_once_share_one_complete_directory(
    tmp_path: Path, maps_copy: Path
):
    script = (
        "import sys; from pathlib import Path; from adapters.x12.mapdir import map_directory; "
        "print(map_directory(Path(sys.argv[1]), maps_source=Path(sys.argv[2])))"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "cache"), str(maps_copy)],
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60)[0].strip() for process in processes]

    assert [process.returncode for process in processes] == [0, 0]
    assert outputs[0] == outputs[1]
    directory = Path(outputs[0])
    assert (directory / ".complete").is_file()
    assert [path.name for path in (tmp_path / "cache" / "x12-maps").iterdir()] == [directory.name]


def test_the_cache_folder_comes_from_the_environment_when_not_given(
    tmp_path: Path, maps_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("AHEAD_CONNECTOR_CACHE_DIR", str(tmp_path / "from-env"))

    directory = map_directory(maps_source=maps_copy)

    assert directory.parent == tmp_path / "from-env" / "x12-maps"


def test_a_cache_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path, maps_copy: Path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")

    with pytest.raises(MapDirectoryError, match="cannot write the composed X12 maps here"):
        map_directory(blocked, maps_source=maps_copy)
