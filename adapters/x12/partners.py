"""A trading partner's X12 settings as the adapters use them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from adapters.base import PARTNERS_SERVICE, STORE_SERVICE, Adapter, AdapterContext
from adapters.registry import AdapterSettingsError, SettingsProblem
from adapters.x12.segments import Delimiters
from adapters.x12.writer import EnvelopeSettings, LineBreak, UsageIndicator
from connector.config import PartnerConfig, X12PartnerConfig, X12Version
from connector.store import CheckpointStore

__all__ = ["TradingPartner", "checkpoint_store", "trading_partner"]

_INTERCHANGE_VERSIONS = {X12Version.V4010: "00401", X12Version.V5010: "00501"}


@dataclass(frozen=True)
class TradingPartner:
    """One partner's X12 settings, with what follows from them.

    Attributes:
        id: the partner's id in the deployment (``acme``).
        name: the partner's name, for people.
        x12: the partner's X12 settings.
    """

    id: str
    name: str
    x12: X12PartnerConfig

    @property
    def order_prefix(self) -> str:
        """Put before BEG03 to make the AHEAD ``customer_order``: the configured prefix, else
        the partner's id in capitals and a dash (``ACME-``)."""
        configured = self.x12.order_prefix
        return f"{self.id.upper()}-" if configured is None else configured

    @property
    def line_break(self) -> LineBreak:
        """What the partner gets after each segment terminator."""
        return LineBreak.LF if self.x12.delimiters.line_break else LineBreak.NONE

    def envelope(self) -> EnvelopeSettings:
        """The envelope of the interchanges we send the partner."""
        x12 = self.x12
        version = _INTERCHANGE_VERSIONS[x12.version]
        chosen = x12.delimiters
        delimiters = Delimiters(
            element=chosen.element,
            component=chosen.component,
            segment=chosen.segment,
            repetition=chosen.repetition if x12.version is not X12Version.V4010 else None,
        )
        return EnvelopeSettings(
            sender_qualifier=x12.us.qualifier,
            sender_id=x12.us.id,
            receiver_qualifier=x12.partner.qualifier,
            receiver_id=x12.partner.id,
            group_sender_id=x12.us.group_code,
            group_receiver_id=x12.partner.group_code,
            version=version,
            group_version=x12.version.value,
            usage=UsageIndicator(x12.usage),
            delimiters=delimiters,
            line_break=self.line_break,
        )

    def sent_by_partner(self, qualifier: str, sender_id: str) -> bool:
        """Whether an ISA's sender (ISA05, ISA06) is this partner."""
        return (qualifier.strip(), sender_id.strip()) == (
            self.x12.partner.qualifier,
            self.x12.partner.id,
        )

    def addressed_to_us(self, qualifier: str, receiver_id: str) -> bool:
        """Whether an ISA's receiver (ISA07, ISA08) is us, as this partner knows us."""
        return (qualifier.strip(), receiver_id.strip()) == (self.x12.us.qualifier, self.x12.us.id)


def trading_partner(
    context: AdapterContext, adapter_class: type[Adapter], partner_id: str
) -> TradingPartner:
    """The partner an X12 adapter's ``partner`` setting names.

    Raises:
        AdapterSettingsError: the deployment has no such partner, or it has no ``x12``
            settings; the problem names the ``partner`` setting.
    """
    partners = context.services.get(PARTNERS_SERVICE)
    known: Mapping[str, PartnerConfig] = partners if isinstance(partners, Mapping) else {}
    config = known.get(partner_id)
    if config is None:
        listed = ", ".join(sorted(known)) or "none"
        raise AdapterSettingsError.for_adapter(
            context,
            adapter_class,
            SettingsProblem(
                "partner",
                f"no trading partner {partner_id!r} in the deployment's partners (known: {listed})",
            ),
        )
    if config.x12 is None:
        raise AdapterSettingsError.for_adapter(
            context,
            adapter_class,
            SettingsProblem(
                "partner",
                f"trading partner {partner_id!r} has no x12 settings; add "
                f"partners.{partner_id}.x12 with at least partner: {{id: ...}} and us: "
                "{id: ...}",
            ),
        )
    return TradingPartner(partner_id, config.name, config.x12)


def checkpoint_store(context: AdapterContext, adapter_class: type[Adapter]) -> CheckpointStore:
    """The store an X12 adapter keeps control numbers and its ledger in.

    Raises:
        AdapterSettingsError: the connector did not provide it.
    """
    try:
        return context.service(STORE_SERVICE, CheckpointStore)
    except LookupError as exc:
        raise AdapterSettingsError.for_adapter(
            context, adapter_class, SettingsProblem(None, str(exc))
        ) from None
