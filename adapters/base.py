"""The two extension points of the connector: sources that yield records, sinks that write them.

A third party adds an adapter by subclassing :class:`Source` or :class:`Sink`, implementing two
abstract methods each, and registering the class under the ``ahead_connector.sources`` or
``ahead_connector.sinks`` entry point group, named by its ``kind``; the built-in adapters are
registered the same way (see ``adapters/registry.py``).

The engine owns everything about exactly-once delivery (claims, intents, reconciliation,
cursors); an adapter only has to be honest about what happened:

- a sink's :meth:`Sink.write` returns the remote reference on definite success; it raises
  :class:`SinkRejectedError` when the destination definitely refused the document,
  :class:`SinkUnavailableError` when it definitely did not apply it (safe to retry), and
  :class:`SinkOutcomeUnknownError` when it may or may not have applied it;
- a sink's :meth:`Sink.lookup` says whether a key already exists at the destination, which the
  engine asks before any re-send of a record whose outcome is unknown.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

_Service = TypeVar("_Service")

#: The names under which the connector provides shared objects in ``AdapterContext.services``.
STORE_SERVICE = "store"
"""The deployment's :class:`~connector.store.CheckpointStore` (control numbers, the ledger)."""
PARTNERS_SERVICE = "partners"
"""The deployment's trading partners: a mapping of id to
:class:`~connector.config.PartnerConfig`."""


def content_hash(payload: Mapping[str, Any]) -> str:
    """The SHA-256 of a payload's canonical JSON (sorted keys, no spaces, exact decimals)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Record:
    """A source document with a stable key.

    Attributes:
        key: what makes the document unique at its destination, e.g. ``ACME:PO-1001``; the same
            document read again must have the same key.
        payload: the document as JSON-compatible data.
        content_hash: the hash of ``payload``; a new hash under a known key is a change.
        cursor: the source's position after this record; the engine stores it once this
            record's outcome is durable, and passes it back to :meth:`Source.read`.
        origin: where the record came from, for messages (``inbox/po-1001.json``, ``SO 4711``).
    """

    key: str
    payload: Mapping[str, Any]
    content_hash: str
    cursor: str | None = None
    origin: str | None = None

    @classmethod
    def of(
        cls,
        key: str,
        payload: Mapping[str, Any],
        *,
        cursor: str | None = None,
        origin: str | None = None,
    ) -> Record:
        """A record whose hash is computed from its payload."""
        return cls(key, payload, content_hash(payload), cursor, origin)


class AdapterSettings(BaseModel):
    """Base of every adapter's typed settings (the ``settings:`` of an adapter in
    ``connector.yaml``); unknown keys are errors, so a typo is reported, not ignored."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class AdapterContext:
    """What an adapter may use besides its settings.

    Attributes:
        name: the adapter's name in the deployment.
        deployment_dir: the deployment's folder; relative paths in settings are relative to it.
        services: shared objects by name (the AHEAD client under ``"ahead"``, ...).
    """

    name: str
    deployment_dir: Path
    services: Mapping[str, Any] = field(default_factory=dict)

    def path(self, value: str | Path) -> Path:
        """``value`` resolved against the deployment folder."""
        path = Path(value)
        return path if path.is_absolute() else self.deployment_dir / path

    def service(self, name: str, kind: type[_Service]) -> _Service:
        """The shared object ``name``, checked to be a ``kind``.

        Raises:
            LookupError: the connector did not provide it (or provided something else); the
                message names the adapter and the service.
        """
        found = self.services.get(name)
        if not isinstance(found, kind):
            provided = "is not provided" if found is None else f"is a {type(found).__name__}"
            raise LookupError(
                f"adapter {self.name!r} needs the service {name!r} ({kind.__name__}), which "
                f"{provided}"
            )
        return found


class Adapter:
    """What sources and sinks share: typed settings, a context, and a close hook.

    Attributes:
        kind: the name the adapter is registered under (``jsonfiles``, ``ahead-orders``).
        settings_model: the adapter's settings type.
    """

    kind: ClassVar[str]
    settings_model: ClassVar[type[AdapterSettings]] = AdapterSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        self.settings = settings
        self.context = context

    def close(self) -> None:
        """Release connections and files. The default does nothing."""


class Source(Adapter, ABC):
    """Yields records since a cursor."""

    @abstractmethod
    def read(self, cursor: str | None) -> Iterator[Record]:
        """Records after ``cursor`` (``None``: from the start), in cursor order.

        A record that cannot be read at all is not raised here: the source reports it through
        :meth:`quarantine` (or yields it with a payload the mapping will reject) and goes on, so
        one bad document never stops the others.
        """

    def acknowledge(self, record: Record, *, succeeded: bool, detail: str = "") -> None:
        """Called once a record's outcome is durably recorded (e.g. move its file to
        ``archive/`` or ``error/``). The default does nothing."""

    def quarantine(self, origin: str, problem: str) -> None:
        """Keep input that could not be turned into a record, with a report of why. The default
        does nothing; file-based sources move the file to ``error/`` with a report beside it."""


class SinkError(Exception):
    """Base of what a sink raises; ``detail`` is shown to operators."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class SinkRejectedError(SinkError):
    """The destination definitely refused the document (e.g. a validation error). Sending the
    same document again would fail again."""


class SinkUnavailableError(SinkError):
    """The destination definitely did not apply the document (connection refused, 429 before
    processing); it is safe to try again later."""


class SinkOutcomeUnknownError(SinkError):
    """The destination may or may not have applied the document; look the key up first."""


class UpdateNotSupportedError(SinkError):
    """The destination cannot change a document it already has."""


class Sink(Adapter, ABC):
    """Writes mapped documents to a destination and looks keys up there."""

    @abstractmethod
    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Create ``document`` (mapped from ``record``) at the destination.

        Returns:
            The destination's reference to the created document.

        Raises:
            SinkRejectedError: definitely refused.
            SinkUnavailableError: definitely not applied; safe to retry.
            SinkOutcomeUnknownError: may have been applied; look the key up first.
        """

    @abstractmethod
    def lookup(self, record: Record) -> str | None:
        """The destination's reference to the document with ``record.key``, or ``None`` if the
        destination has none. Used to reconcile before any re-send.

        Raises:
            SinkUnavailableError: the destination could not be asked; the engine tries again later.
        """

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Change a document the destination already has (a known key with new content).

        Raises:
            UpdateNotSupportedError: the default; the engine then warns instead.
        """
        raise UpdateNotSupportedError(f"{self.kind} cannot update a document it already has")
