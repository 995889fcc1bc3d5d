"""The wheel ships the stock mappings and templates, and an installed (non-editable)
ahead-connector finds them through its public API.

The wheel is built offline from a copy of the working tree (so the build leaves no ``build/`` or
``*.egg-info`` in the repository) with the virtual environment's own setuptools, without build
isolation, and installed without dependencies into a fresh ``--target`` folder. A script then
runs in a fresh interpreter whose ``sys.path`` starts with that folder and holds neither the
repository nor the editable install (``-S`` skips the ``.pth`` files that make it), from a
folder outside the repository, and resolves stock mappings and templates, with a deployment's
own files overriding them.

The development tools include ``wheel`` and a setuptools recent enough to build it.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
STOCK_PACKAGE = Path("connector") / "stock"
#: The folders of stock files: everything in them must be in the wheel.
STOCK_FOLDERS = (STOCK_PACKAGE / "mappings", STOCK_PACKAGE / "templates")

pytestmark = pytest.mark.wheel

# Runs in the fresh interpreter: argv[1] is a JSON object of paths.
INSTALLED_SCRIPT = """
import json
import sys
from pathlib import Path

paths = json.loads(sys.argv[1])
sys.path[:0] = [paths["target"]]
sys.path.extend(paths["site_packages"])

import adapters
import connector
from adapters.sap.templates import IdocTemplates, stock_templates_folder
from connector.mapping import MappingLibrary, stock_mappings_folder

stock = MappingLibrary.for_deployment(None)
definition = stock.load("x12/850-to-order")
deployment = Path(paths["deployment"])
own = MappingLibrary.for_deployment(deployment)
entry = {entry.name: entry for entry in own.entries()}["x12/850-to-order"]
extended = own.load("x12/850-to-order")
templates = IdocTemplates(deployment)
print(json.dumps({
    "sys_path": sys.path,
    "modules": [connector.__file__, adapters.__file__],
    "stock_mappings_folder": str(stock_mappings_folder()),
    "stock_templates_folder": str(stock_templates_folder()),
    "stock_names": stock.names(),
    "stock_mapping": str(stock.find("x12/850-to-order")),
    "stock_target": definition.target.name,
    "override": [str(entry.file), str(entry.overrides), entry.stock],
    "override_param": extended.params["default_ship_method"],
    "override_target": extended.target.name,
    "stock_template": str(templates.path("sap/invoic-invoic02.xml.j2")),
    "stock_template_text": templates.path("sap/invoic-invoic02.xml.j2").read_text()[:9],
    "own_template": str(templates.path("sap/desadv-delvry07.xml.j2")),
    "rendered": templates.render("sap/desadv-delvry07.xml.j2", {"who": "a&b"}).decode(),
}))
"""


def _working_tree_copy(destination: Path) -> Path:
    """The repository's files as git sees them (tracked and new, not ignored), copied."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPOSITORY / name
        if source.is_file():  # a tracked file deleted in the working tree is listed too
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def _run(command: list[str], cwd: Path) -> None:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert completed.returncode == 0, f"{command}:\n{completed.stdout}\n{completed.stderr}"


def _build_and_install(source: Path, work: Path) -> tuple[set[str], Path]:
    """Build ahead-connector from ``source`` offline and install it into a fresh folder.

    Returns:
        the names of the files in the wheel, and the folder it is installed in.
    """
    target = work / "installed"
    dist = work / "dist"
    pip = [sys.executable, "-m", "pip", "--quiet", "--no-input"]
    offline = ["--no-deps", "--no-build-isolation", "--no-index"]
    _run([*pip, "wheel", *offline, "--wheel-dir", str(dist), str(source)], work)
    (wheel,) = dist.glob("ahead_connector-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if not name.endswith("/")}
    _run([*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)], work)
    return names, target


def _stock_files() -> set[str]:
    """Every stock file in the working tree, as its path in a wheel."""
    return {
        path.relative_to(REPOSITORY).as_posix()
        for folder in STOCK_FOLDERS
        for path in (REPOSITORY / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_ships_every_stock_file_and_the_installed_package_finds_them(
    tmp_path: Path,
) -> None:
    source = _working_tree_copy(tmp_path / "source")
    names, target = _build_and_install(source, tmp_path)

    stock = _stock_files()
    assert {"connector/stock/mappings/x12/850-to-order.yaml"} < stock
    assert {"connector/stock/templates/sap/desadv-delvry07.xml.j2"} < stock
    assert "connector/stock/__init__.py" in names
    assert sorted(stock - names) == [], "stock files the wheel does not ship"
    # Every other file of the packages too: maps, WSDLs, metadata, migrations, demo data.
    package_files = {
        path.relative_to(source).as_posix()
        for package in ("connector", "adapters")
        for path in (source / package).rglob("*")
        if path.is_file()
    }
    assert "adapters/x12/maps/850.4010.xml" in package_files
    assert sorted(package_files - names) == [], "package files the wheel does not ship"
    assert any(name.endswith("-info/entry_points.txt") for name in names)
    assert not (REPOSITORY / "build").exists()

    deployment = tmp_path / "acme"
    own_mapping = deployment / "mappings" / "x12" / "850-to-order.yaml"
    own_mapping.parent.mkdir(parents=True)
    own_mapping.write_text(
        "extends: x12/850-to-order\nparams:\n  default_ship_method: UPS Ground\n", encoding="utf-8"
    )
    own_template = deployment / "templates" / "sap" / "desadv-delvry07.xml.j2"
    own_template.parent.mkdir(parents=True)
    own_template.write_text("<DESADV>{{ who }}</DESADV>\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    paths = {
        "target": str(target),
        "site_packages": site.getsitepackages(),
        "deployment": str(deployment),
    }
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", INSTALLED_SCRIPT, json.dumps(paths)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout.splitlines()[-1])

    installed = target.resolve()
    assert REPOSITORY not in [Path(entry).resolve() for entry in found["sys_path"] if entry]
    for module in found["modules"]:
        assert Path(module).resolve().is_relative_to(installed), module
    assert Path(found["stock_mappings_folder"]).resolve() == installed / STOCK_FOLDERS[0]
    assert Path(found["stock_templates_folder"]).resolve() == installed / STOCK_FOLDERS[1]
    assert found["stock_names"] == sorted(
        path.relative_to(REPOSITORY / STOCK_FOLDERS[0]).with_suffix("").as_posix()
        for path in (REPOSITORY / STOCK_FOLDERS[0]).rglob("*.yaml")
    )
    stock_mapping = installed / STOCK_FOLDERS[0] / "x12" / "850-to-order.yaml"
    assert Path(found["stock_mapping"]).resolve() == stock_mapping
    assert found["stock_target"] == "ahead.order_submission"
    # The deployment's own files still come first, and extend the installed stock mapping.
    own_file, overridden, own_is_stock = found["override"]
    assert (Path(own_file).resolve(), Path(overridden).resolve(), own_is_stock) == (
        own_mapping.resolve(),
        stock_mapping,
        False,
    )
    assert found["override_param"] == "UPS Ground"
    assert found["override_target"] == "ahead.order_submission"
    stock_template = installed / STOCK_FOLDERS[1] / "sap" / "invoic-invoic02.xml.j2"
    assert Path(found["stock_template"]).resolve() == stock_template
    assert found["stock_template_text"] == "{#- An in"
    assert Path(found["own_template"]).resolve() == own_template.resolve()
    assert found["rendered"] == "<DESADV>a&amp;b</DESADV>\n"
