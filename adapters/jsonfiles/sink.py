"""A sink that writes each mapped document as a JSON file into an outbox folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.filedrop import is_complete_name, write_atomically
from adapters.jsonfiles.encoding import NotJsonError, document_bytes
from adapters.jsonfiles.settings import KEY_PLACEHOLDER, JsonFileSinkSettings
from adapters.registry import AdapterSettingsError, SettingsProblem

# Filesystems allow 255 bytes; the temporary name adds a dot, a random part and ".tmp".
_MAX_NAME_BYTES = 230


class JsonFileSink(Sink):
    """Writes each document to ``<outbox>/<name_template with the record key>``.

    A file is written under a hidden temporary name (``.<name>.<random>.tmp``) and renamed
    when complete, so a consumer watching the outbox never sees half a file. The reference is
    the file name.

    Writing a key twice replaces its file (:meth:`update` does the same on purpose); a
    consumer that already took the first file then gets a second one of the same name.

    Lookup:
        A key exists when its file is in the outbox, or in the ``sent`` folder when one is
        configured. A consumer that moves taken files anywhere else makes them invisible to
        :meth:`lookup`; the engine then has only the store's ledger of written documents to
        go by. Since a write here either renames the complete file into place or changes
        nothing, its outcome is never unknown; only a crash between the rename and the
        store's commit leaves a key to reconcile, and that is when the ``sent`` folder
        matters.
    """

    kind = "jsonfiles"
    settings_model = JsonFileSinkSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink and its outbox.

        Raises:
            TypeError: ``settings`` is not :class:`JsonFileSinkSettings`.
            AdapterSettingsError: the outbox cannot be made, or the ``sent`` folder is missing.
        """
        if not isinstance(settings, JsonFileSinkSettings):
            raise TypeError(f"JsonFileSink takes JsonFileSinkSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.outbox = context.path(settings.outbox)
        self.sent = None if settings.sent is None else context.path(settings.sent)
        problems: list[SettingsProblem] = []
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problems.append(SettingsProblem("outbox", f"cannot make {self.outbox}: {exc}"))
        if self.sent is not None and not self.sent.is_dir():
            problems.append(
                SettingsProblem(
                    "sent",
                    f"{self.sent} is not a folder; it must be the folder the consumer moves "
                    "taken files to (lookups would miss them otherwise)",
                )
            )
        if problems:
            raise AdapterSettingsError.for_adapter(context, type(self), *problems)

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Write ``document`` as the record's file; its name is the reference.

        Raises:
            SinkRejectedError: the document is not JSON, or the key makes no usable file name.
            SinkUnavailableError: the outbox cannot be written; nothing was written.
        """
        try:
            data = document_bytes(document)
        except NotJsonError as exc:
            raise SinkRejectedError(f"{record.key}: cannot be written as JSON: {exc}") from None
        name = self._file_name(record.key)
        self._check_folder(self.outbox)
        try:
            write_atomically(self.outbox / name, data)
        except OSError as exc:
            raise SinkUnavailableError(
                f"{record.key}: cannot write {self.outbox / name}: {exc}"
            ) from exc
        return name

    def lookup(self, record: Record) -> str | None:
        """The record's file name if the file is in the outbox (or ``sent``), else ``None``.

        Raises:
            SinkUnavailableError: the outbox or ``sent`` folder cannot be looked into.
        """
        try:
            name = self._file_name(record.key)
        except SinkRejectedError:
            return None
        for folder in (self.outbox, self.sent):
            if folder is None:
                continue
            self._check_folder(folder)
            try:
                os.lstat(folder / name)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise SinkUnavailableError(f"cannot look for {folder / name}: {exc}") from exc
            return name
        return None

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Write the changed document over the record's file (see the class documentation)."""
        return self.write(record, document)

    def _file_name(self, key: str) -> str:
        name = self.options.name_template.format_map({KEY_PLACEHOLDER: key})
        reason = _unusable_name(name)
        if reason:
            raise SinkRejectedError(
                f"the key {key!r} gives the file name {name!r} "
                f"(name_template {self.options.name_template!r}), which {reason}"
            )
        return name

    @staticmethod
    def _check_folder(folder: Path) -> None:
        if not folder.is_dir():
            raise SinkUnavailableError(f"{folder} is not a folder (it was removed or replaced)")


def _unusable_name(name: str) -> str:
    """Why ``name`` cannot be an outbox file's name, or an empty string if it can."""
    if "/" in name or "\\" in name or "\0" in name:
        return "contains a path separator or a NUL character"
    if name in {"", ".", ".."}:
        return "is not a file name"
    if not is_complete_name(name):
        return "is hidden or looks temporary, so readers would skip it"
    if len(name.encode()) > _MAX_NAME_BYTES:
        return f"is longer than {_MAX_NAME_BYTES} bytes"
    return ""
