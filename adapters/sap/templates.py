"""Rendering IDoc XML from Jinja2 templates: stock ones (``connector/stock/templates/``, see
:mod:`connector.stock`), overridden by a deployment's own ``templates/`` folder, file by file.

Templates run in Jinja2's sandbox with autoescaping on (every value is escaped for XML, so a
``&`` or ``<`` in a customer's name cannot break the document) and ``StrictUndefined`` (a
missing value is an error, never an empty element). Two filters help with IDoc fields:
``idoc_date`` (``2025-01-15`` → ``20250115``) and ``idoc_decimal`` (a decimal without an
exponent: ``5.000``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from connector.stock import stock_templates_folder

__all__ = ["TEMPLATES_FOLDER", "IdocTemplates", "TemplateError", "stock_templates_folder"]

#: The folder of a deployment that holds its templates.
TEMPLATES_FOLDER = "templates"


class TemplateError(ValueError):
    """A template cannot be found, read or rendered; the message names the template, its file
    and line where known, and what is wrong."""


def _idoc_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return date.fromisoformat(str(value)).strftime("%Y%m%d")


def _idoc_decimal(value: Any) -> str:
    return format(Decimal(str(value)), "f")


class IdocTemplates:
    """Templates by name (``sap/desadv-delvry07.xml.j2``), a deployment's first.

    Args:
        deployment_dir: the deployment whose ``templates/`` folder comes first; ``None`` for
            the stock templates only.
        stock: the stock templates folder; default :func:`stock_templates_folder`.
    """

    def __init__(self, deployment_dir: Path | None, stock: Path | None = None) -> None:
        self.folders = [
            *([deployment_dir / TEMPLATES_FOLDER] if deployment_dir is not None else []),
            stock if stock is not None else stock_templates_folder(),
        ]
        self._environment = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(folder) for folder in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._environment.filters["idoc_date"] = _idoc_date
        self._environment.filters["idoc_decimal"] = _idoc_decimal

    def path(self, name: str) -> Path:
        """The file that serves template ``name``: the deployment's, or the stock one.

        Raises:
            TemplateError: no folder has it.
        """
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        searched = " or ".join(str(folder) for folder in self.folders)
        raise TemplateError(f"template {name!r} not found in {searched}")

    def render(self, name: str, context: Mapping[str, Any]) -> bytes:
        """Template ``name`` rendered with ``context``, as UTF-8.

        Raises:
            TemplateError: the template is missing, has a syntax error, reads a value the
                context does not have, or reaches for what the sandbox refuses.
        """
        try:
            template = self._environment.get_template(name)
        except jinja2.TemplateNotFound:
            raise TemplateError(
                f"template {name!r} not found in "
                f"{' or '.join(str(folder) for folder in self.folders)}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"template {name!r} ({exc.filename}), line {exc.lineno}: {exc.message}"
            ) from None
        try:
            return template.render(**context).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise TemplateError(
                f"template {name!r} ({template.filename}){_line_of(exc)}: {exc}"
            ) from None


def _line_of(error: Exception) -> str:
    """The template line an error was raised at, from its traceback (Jinja2 rewrites frames
    to the template's own lines)."""
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(".j2"):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f", line {line}" if line is not None else ""
