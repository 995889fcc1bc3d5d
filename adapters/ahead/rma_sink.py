"""A sink that requests AHEAD RMAs (``POST /v2/rmas``), each once.

Record: a returned unit whose key, without the sink's ``key_prefix``, is the RMA's *reference*
and ends with ``:<manufacturer serial>`` (``returnAuthorization:1003:SN-1``, as the
``netsuite-return-authorizations`` source keys them with ``key_prefix: "<account>:"``).

The AHEAD API documents no idempotency key and keeps only the request's fields, so the sink
writes the reference into the one free-text field an RMA keeps, the end of its problem text
(:mod:`adapters.ahead.rma_reference`). :meth:`AheadRmaSink.lookup` lists the RMAs of the serial
(``GET /v2/rmas`` filtered on ``manufacturer_serial``, checked on each record) and reads each
one (``GET /v2/rmas/{id}``, the list leaves the problems out) for that line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pydantic
from pydantic import Field

from adapters.ahead.listing import describe_invalid
from adapters.ahead.outcomes import submission_failure
from adapters.ahead.rma_reference import rma_reference, with_reference
from adapters.ahead.service import ahead_client_of
from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkRejectedError,
    SinkUnavailableError,
    UpdateNotSupportedError,
)
from connector.api import AheadError
from connector.api.models import Rma, RmaCreate

logger = logging.getLogger(__name__)

_RMAS = "rmas"


class AheadRmaSinkSettings(AdapterSettings):
    """The settings of :class:`AheadRmaSink`.

    Attributes:
        key_prefix: the part of every record key before the RMA's reference. Empty (the
            default): the whole key.
    """

    key_prefix: str = Field(default="")


class AheadRmaSink(Sink):
    """Requests an AHEAD RMA per record and finds it again by its reference (see the module).

    The sink uses the :class:`~connector.api.AheadClient` the engine provides as
    ``context.services["ahead"]``. The reference is the RMA's id. RMAs cannot be changed
    through the API, so :meth:`update` always raises
    :class:`~adapters.base.UpdateNotSupportedError`.
    """

    kind = "ahead-rmas"
    settings_model = AheadRmaSinkSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink.

        Raises:
            TypeError: ``settings`` is not :class:`AheadRmaSinkSettings`.
            AdapterSettingsError: the context holds no AHEAD client.
        """
        if not isinstance(settings, AheadRmaSinkSettings):
            raise TypeError(f"AheadRmaSink takes AheadRmaSinkSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.client = ahead_client_of(context, type(self))

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Request ``document`` as a new RMA, its problem ending with the reference line.

        Raises:
            SinkRejectedError: the document is not a valid RMA request (each field named), its
                serial is not the one the key ends with, or AHEAD refused it.
            SinkUnavailableError: AHEAD was not reached, refused the credentials or limited
                requests; no RMA was requested.
            SinkOutcomeUnknownError: the RMA may or may not exist now.
        """
        reference, serial = self._reference(record)
        try:
            request = RmaCreate.model_validate(dict(document))
        except pydantic.ValidationError as exc:
            raise SinkRejectedError(
                f"not a valid AHEAD RMA request: {describe_invalid(exc)}"
            ) from None
        if request.manufacturer_serial != serial:
            raise SinkRejectedError(
                f"the RMA's manufacturer_serial is {request.manufacturer_serial!r}, but the "
                f"record key {record.key!r} ends with {serial!r}; they must agree, or the RMA "
                "could not be found again to prevent a duplicate"
            )
        marked = request.model_copy(update={"problem": with_reference(request.problem, reference)})
        try:
            created = self.client.create_rma(marked)
        except AheadError as exc:
            raise submission_failure(exc, "RMA") from exc
        return str(created.id)

    def lookup(self, record: Record) -> str | None:
        """The id of the RMA carrying the record's reference, or ``None``.

        If AHEAD holds several (one made by hand with the same reference), the lowest id is
        returned and a warning is logged.

        Raises:
            SinkUnavailableError: AHEAD could not be asked.
        """
        try:
            reference, serial = self._reference(record)
        except SinkRejectedError:
            return None
        try:
            candidates = [
                found.id
                for found in self.client.iterate(_RMAS, {"manufacturer_serial": serial})
                if isinstance(found, Rma)
            ]
            ids = sorted(rma_id for rma_id in candidates if self._reference_of(rma_id) == reference)
        except AheadError as exc:
            raise SinkUnavailableError(
                f"cannot look up the RMAs of serial {serial!r} in AHEAD: {exc}"
            ) from exc
        if len(ids) > 1:
            logger.warning(
                "AHEAD holds %d RMAs with the reference %r (ids %s); taking the lowest, %d. "
                "The others are duplicates to be closed in AHEAD.",
                len(ids),
                reference,
                ", ".join(map(str, ids)),
                ids[0],
            )
        return str(ids[0]) if ids else None

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Always refused: the AHEAD API documents no way to change an RMA request.

        Raises:
            UpdateNotSupportedError: always.
        """
        raise UpdateNotSupportedError(
            f"AHEAD RMA {remote_ref} ({record.key}) cannot be changed through the API; "
            "change it in AHEAD by hand if it must change"
        )

    def _reference_of(self, rma_id: int) -> str | None:
        rma = self.client.get(_RMAS, rma_id)
        return rma_reference(rma) if isinstance(rma, Rma) else None

    def _reference(self, record: Record) -> tuple[str, str]:
        """The record's reference and the serial it ends with."""
        prefix = self.options.key_prefix
        reference = record.key[len(prefix) :] if record.key.startswith(prefix) else ""
        serial = reference.rpartition(":")[2]
        if not reference or not serial or serial == reference:
            raise SinkRejectedError(
                f"the record key {record.key!r} is not the key_prefix {prefix!r} followed by "
                "a reference ending with ':<manufacturer serial>'"
            )
        return reference, serial
