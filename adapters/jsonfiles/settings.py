"""The settings of the JSON file adapters (their ``settings:`` in ``connector.yaml``)."""

from __future__ import annotations

import string
from pathlib import Path

from pydantic import Field, field_validator

from adapters.base import AdapterSettings

#: The one placeholder a sink's ``name_template`` may use.
KEY_PLACEHOLDER = "key"


class JsonFileSourceSettings(AdapterSettings):
    """Where a :class:`~adapters.jsonfiles.JsonFileSource` finds its files and how it keys them.

    Relative paths are relative to the deployment folder.

    Attributes:
        inbox: the folder watched for files.
        archive: where delivered files go; default ``archive/`` beside the inbox.
        error: where failed and unreadable files go, each with a ``.error.txt`` report beside
            it; default ``error/`` beside the inbox.
        pattern: which file names count (a shell pattern matched against the name only;
            temporary names are skipped whatever it says).
        key_field: the dotted path in each JSON object to the record's key, e.g.
            ``customer_order`` or ``header.po_number`` (list positions as numbers,
            ``lines.0.sku``). Required: the key is what prevents duplicates, so it must come
            from the content, never from a file name that changes when a file is dropped
            twice.
        key_prefix: put before every key, e.g. ``ACME:`` to keep trading partners apart.
        settle_seconds: a file that cannot be read as JSON is left in the inbox while it is
            younger than this (it may still be being written in place); after that it is moved
            to ``error/``. Files that read well are taken at once.
    """

    inbox: Path
    archive: Path | None = None
    error: Path | None = None
    pattern: str = Field(default="*.json", min_length=1)
    key_field: str = Field(min_length=1)
    key_prefix: str = ""
    settle_seconds: float = Field(default=10.0, ge=0)

    @field_validator("pattern")
    @classmethod
    def _pattern_is_a_name(cls, value: str) -> str:
        if "/" in value or "\\" in value:
            raise ValueError("must match file names in the inbox itself, without folders")
        return value

    @field_validator("key_field")
    @classmethod
    def _key_field_has_no_empty_part(cls, value: str) -> str:
        if any(not part for part in value.split(".")):
            raise ValueError(f"{value!r} has an empty part; write it like 'header.po_number'")
        return value


class JsonFileSinkSettings(AdapterSettings):
    """Where a :class:`~adapters.jsonfiles.JsonFileSink` writes its files.

    Attributes:
        outbox: the folder files are written to.
        name_template: the file name of a record, with ``{key}`` for the record key. Only the
            key is allowed: :meth:`~adapters.jsonfiles.JsonFileSink.lookup` must find a file
            from the record alone, without the mapped document.
        sent: a folder the downstream consumer moves taken files to, if it does; lookups look
            there too. It must exist.
    """

    outbox: Path
    name_template: str = Field(default="{key}.json", min_length=1)
    sent: Path | None = None

    @field_validator("name_template")
    @classmethod
    def _template_uses_only_the_key(cls, value: str) -> str:
        if "/" in value or "\\" in value:
            raise ValueError("must be a file name, without folders")
        try:
            parts = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise ValueError(f"is not a valid template ({exc})") from None
        fields = {name for _, name, _, _ in parts if name is not None}
        if fields != {KEY_PLACEHOLDER}:
            found = ", ".join(sorted(f"{{{name}}}" for name in fields)) or "none"
            raise ValueError(f"must use {{{KEY_PLACEHOLDER}}} and nothing else (found: {found})")
        if any(spec or conversion for _, name, spec, conversion in parts if name is not None):
            raise ValueError(f"{{{KEY_PLACEHOLDER}}} takes no format or conversion here")
        return value
