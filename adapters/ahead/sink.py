"""A sink that submits orders to the AHEAD API."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pydantic
from pydantic import Field

from adapters.ahead.outcomes import submission_failure
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
from connector.api.models import OrderSubmission

logger = logging.getLogger(__name__)


class AheadOrderSinkSettings(AdapterSettings):
    """The settings of :class:`AheadOrderSink`.

    Attributes:
        key_prefix: the part of every record key before the order's ``customer_order``; the
            rest of the key *is* the ``customer_order``. Empty (the default): the whole key.
    """

    key_prefix: str = Field(default="")


class AheadOrderSink(Sink):
    """Submits each document as a new AHEAD order (``POST /v2/customer_order_submissions``).

    The AHEAD API documents no idempotency key, so the order's ``customer_order`` is the key the
    engine reconciles by: :meth:`lookup` finds an order by ``customer_order``. Since a lookup
    has only the record, never the mapped document, the record key must name the
    ``customer_order``: it is the key without ``key_prefix``. :meth:`write` refuses a document
    whose ``customer_order`` differs, because that order could never be found again.

    The sink uses the :class:`~connector.api.AheadClient` the engine provides as
    ``context.services["ahead"]``; it does not own or close it. Orders cannot be changed
    through the API, so :meth:`update` always raises
    :class:`~adapters.base.UpdateNotSupportedError`.
    """

    kind = "ahead-orders"
    settings_model = AheadOrderSinkSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink.

        Raises:
            TypeError: ``settings`` is not :class:`AheadOrderSinkSettings`.
            AdapterSettingsError: the context holds no AHEAD client.
        """
        if not isinstance(settings, AheadOrderSinkSettings):
            raise TypeError(f"AheadOrderSink takes AheadOrderSinkSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.client = ahead_client_of(context, type(self))

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Submit ``document`` as a new order; the reference is the order's id.

        Raises:
            SinkRejectedError: the document is not a valid order (each field named), names
                another ``customer_order`` than the key, or AHEAD refused it.
            SinkUnavailableError: AHEAD was not reached, refused the credentials or limited
                requests; the order was not submitted.
            SinkOutcomeUnknownError: the order may or may not exist now.
        """
        customer_order = self._customer_order(record.key)
        if customer_order is None:
            raise SinkRejectedError(
                f"the record key {record.key!r} does not start with the key_prefix "
                f"{self.options.key_prefix!r}, so it names no customer_order"
            )
        try:
            order = OrderSubmission.model_validate(dict(document))
        except pydantic.ValidationError as exc:
            raise SinkRejectedError(_invalid_order(exc)) from None
        if order.customer_order != customer_order:
            raise SinkRejectedError(
                f"the order's customer_order is {order.customer_order!r}, but the record key "
                f"{record.key!r} names {customer_order!r}; they must agree, or the order could "
                "not be found again to prevent a duplicate"
            )
        try:
            created = self.client.submit_order(order)
        except AheadError as exc:
            raise submission_failure(exc, "order") from exc
        return str(created.id)

    def lookup(self, record: Record) -> str | None:
        """The id of the AHEAD order whose ``customer_order`` the key names, or ``None``.

        If AHEAD holds several (a duplicate made outside this connector), the lowest id is
        returned and a warning is logged.

        Raises:
            SinkUnavailableError: AHEAD could not be asked.
        """
        customer_order = self._customer_order(record.key)
        if customer_order is None:
            return None
        try:
            orders = self.client.find_orders(customer_order)
        except AheadError as exc:
            raise SinkUnavailableError(
                f"cannot look up customer_order {customer_order!r} in AHEAD: {exc}"
            ) from exc
        ids = sorted(order.id for order in orders)
        if len(ids) > 1:
            logger.warning(
                "AHEAD holds %d orders with customer_order %r (ids %s); taking the lowest, %d. "
                "The others are duplicates to be cancelled in AHEAD.",
                len(ids),
                customer_order,
                ", ".join(map(str, ids)),
                ids[0],
            )
        return str(ids[0]) if ids else None

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Always refused: the AHEAD API documents no way to change a submitted order.

        Raises:
            UpdateNotSupportedError: always.
        """
        raise UpdateNotSupportedError(
            f"AHEAD order {remote_ref} ({record.key}) cannot be changed through the API; "
            "change it in AHEAD by hand if it must change"
        )

    def _customer_order(self, key: str) -> str | None:
        prefix = self.options.key_prefix
        if not key.startswith(prefix) or len(key) == len(prefix):
            return None
        return key[len(prefix) :]


def _invalid_order(error: pydantic.ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'order'}: {item['msg']}"
        for item in error.errors(include_url=False)
    )
    return f"not a valid AHEAD order: {problems}"
