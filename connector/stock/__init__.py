"""The stock mappings and templates: package data of ``connector``, found where it is installed.

This package holds the files a deployment starts from, laid out as a deployment's own folders
are, so that a deployment's file overrides the stock one of the same relative path::

    connector/stock/mappings/x12/850-to-order.yaml      acme/mappings/x12/850-to-order.yaml
    connector/stock/templates/sap/desadv-delvry07.xml.j2  acme/templates/sap/desadv-delvry07.xml.j2

They are shipped in the wheel as package data (``[tool.setuptools.package-data]`` in
``pyproject.toml``) and found with :mod:`importlib.resources`, so a source checkout, an editable
install and an installed wheel all find them the same way. The mapping library and the template
loader search folders and hand paths to Jinja2, so the stock files must be real files on disk:
they are, wherever pip installs the package, but ahead-connector cannot run from a zip archive
(:func:`stock_folder` says so rather than failing later).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = [
    "MAPPINGS",
    "TEMPLATES",
    "stock_folder",
    "stock_mappings_folder",
    "stock_templates_folder",
]

#: The folder of stock mappings in this package (as a deployment's is ``mappings/``).
MAPPINGS = "mappings"
#: The folder of stock templates in this package (as a deployment's is ``templates/``).
TEMPLATES = "templates"


def stock_folder(kind: str) -> Path:
    """The folder of stock files of one kind (:data:`MAPPINGS` or :data:`TEMPLATES`).

    Raises:
        RuntimeError: the package is not installed as files (e.g. imported from a zip).
    """
    root = resources.files(__name__)
    if not isinstance(root, Path):
        raise RuntimeError(
            f"the stock mappings and templates of ahead-connector must be installed as files, "
            f"but {__name__} is in {root!r}: install the package (pip does) rather than "
            f"importing it from a zip archive"
        )
    return root / kind


def stock_mappings_folder() -> Path:
    """The folder of the stock mappings: ``connector/stock/mappings`` where it is installed."""
    return stock_folder(MAPPINGS)


def stock_templates_folder() -> Path:
    """The folder of the stock templates: ``connector/stock/templates`` where it is installed."""
    return stock_folder(TEMPLATES)
