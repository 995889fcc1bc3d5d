"""Helpers of the X12 adapter tests: a store, a trading partner, inboxes with 850 files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from x12_samples_support import interchange

from adapters.base import PARTNERS_SERVICE, STORE_SERVICE, AdapterContext, Record
from adapters.contract import SecondWrite, SinkHarness, SourceHarness
from adapters.x12.inbox import X12InboxSettings, X12InboxSource
from adapters.x12.outbox import X12OutboxSettings, X12OutboxSink
from connector.config import PartnerConfig
from connector.store import CheckpointStore

PARTNER = "acme"


def partner_config(**x12: Any) -> PartnerConfig:
    """Trading partner acme: ZZ/ACMEBUYER, knowing us as ZZ/AHEADMFG; ``x12`` overrides."""
    settings = {"partner": {"id": "ACMEBUYER"}, "us": {"id": "AHEADMFG"}, **x12}
    return PartnerConfig.model_validate({"name": "ACME Retail", "x12": settings})


def context(
    deployment: Path, store: CheckpointStore, name: str = "acme-in", **x12: Any
) -> AdapterContext:
    """The context of an X12 adapter in ``deployment`` with the store and partner acme."""
    return AdapterContext(
        name,
        deployment,
        services={STORE_SERVICE: store, PARTNERS_SERVICE: {PARTNER: partner_config(**x12)}},
    )


def inbox_source(deployment: Path, store: CheckpointStore, **x12: Any) -> X12InboxSource:
    """An inbox source for partner acme in ``deployment``."""
    return X12InboxSource(X12InboxSettings(partner=PARTNER), context(deployment, store, **x12))


def outbox_sink(
    deployment: Path, store: CheckpointStore, transaction_set: str = "856", **x12: Any
) -> X12OutboxSink:
    """An outbox sink of ``transaction_set`` documents for partner acme in ``deployment``."""
    settings = X12OutboxSettings.model_validate(
        {"partner": PARTNER, "transaction_set": transaction_set}
    )
    return X12OutboxSink(settings, context(deployment, store, "acme-out", **x12))


def order_set(
    control: int, po_number: str, *, quantity: str = "2", purpose: str = "00"
) -> list[str]:
    """One 850 set (segments written with ``*``) with a ship-to and two lines."""
    body = [
        f"ST*850*{control:04d}",
        f"BEG*{purpose}*SA*{po_number}**20261120",
        "TD5**2*UPSN**UPS Ground",
        "N1*ST*ACME Store 118*92*0118",
        "N3*4501 Cascade Avenue",
        "N4*Boulder*CO*80301*US",
        f"PO1*1*{quantity}*EA*4999.00**BP*ACME-SB2000",
        "PO1*2*4*EA*7.50**BP*ACME-PC-C13",
        "CTT*2",
    ]
    return [*body, f"SE*{len(body) + 1}*{control:04d}"]


def orders_file(
    control_number: int,
    sets: list[list[str]],
    *,
    group: int | None = None,
    version: str = "00401",
    **delimiters: str,
) -> str:
    """An interchange of one PO group holding ``sets``, with matching GE and IEA counts."""
    group_number = group if group is not None else control_number
    group_version = "005010" if version == "00501" else "004010"
    segments = [f"GS*PO*ACMEBUYER*AHEADMFG*20261120*0930*{group_number}*X*{group_version}"]
    for one in sets:
        segments += one
    segments += [f"GE*{len(sets)}*{group_number}", f"IEA*1*{control_number:09d}"]
    repetition = "^" if version >= "00402" else "U"
    return interchange(
        segments,
        control_number=f"{control_number:09d}",
        version=version,
        repetition=repetition,
        after="\n",
        **delimiters,
    )


def drop(inbox: Path, name: str, text: str) -> Path:
    """Write ``text`` as ``inbox/name`` (the way a partner's transfer would, whole)."""
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    return path


def shipment_document(number: int, revision: int = 0) -> dict[str, Any]:
    """A small valid 856 document (docs/x12.md) for order ``number``."""
    return {
        "BSN": {"BSN01": "00", "BSN02": f"ACME-{number}", "BSN05": "0004"},
        "HL_loop": [
            {
                "HL": {"HL03": "S"},
                "REF": [{"REF01": "2I", "REF02": f"TRACK{number}R{revision}"}],
                "HL_loop": [
                    {
                        "HL": {"HL03": "O"},
                        "PRF": {"PRF01": f"PO{number}"},
                        "HL_loop": [
                            {
                                "HL": {"HL03": "I"},
                                "LIN": {"LIN02": "VP", "LIN03": "StockBox 2000"},
                                "SN1": {"SN102": str(1 + revision), "SN103": "EA"},
                            }
                        ],
                    }
                ],
            }
        ],
    }


class InboxHarness(SourceHarness):
    """The inbox source contract's harness: 850 files in a real folder, a real SQLite store."""

    def __init__(self, deployment: Path) -> None:
        self.deployment = deployment
        self.store = CheckpointStore.open(f"sqlite:///{deployment / 'state.db'}")

    def make_source(self) -> X12InboxSource:
        return inbox_source(self.deployment, self.store)

    def put(self, number: int, revision: int = 0) -> str:
        # One interchange control number per content, as a partner's translator numbers them.
        control = number * 100 + revision + 1
        text = orders_file(control, [order_set(1, f"PO{number}", quantity=str(revision + 1))])
        drop(self.deployment / "inbox", f"po-{number}.x12", text)
        return f"ACME-PO{number}"

    def put_bad(self) -> str | None:
        drop(self.deployment / "inbox", "not-x12.x12", "this is no interchange\n")
        return "inbox/not-x12.x12"

    def was_quarantined(self, origin: str) -> bool:
        name = Path(origin).name
        return (self.deployment / "error" / name).exists()

    def close(self) -> None:
        self.store.close()


class OutboxHarness(SinkHarness):
    """The outbox sink contract's harness: a real folder and a real SQLite store."""

    def __init__(self, deployment: Path) -> None:
        self.deployment = deployment
        self.store = CheckpointStore.open(f"sqlite:///{deployment / 'state.db'}")

    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.REPLACES

    def make_sink(self) -> X12OutboxSink:
        return outbox_sink(self.deployment, self.store)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        document = shipment_document(number, revision)
        return Record.of(f"ACME-{number}", {"order": number, "revision": revision}), document

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        document = shipment_document(number)
        document["BSN"] = {"BSN01": "00"}
        return Record.of(f"ACME-{number}", {"order": number}), document

    def make_unavailable_sink(self) -> X12OutboxSink | None:
        sink = outbox_sink(self.deployment / "gone", self.store)
        # The outbox disappears and a plain file takes its name: nothing can be written there.
        sink.outbox.rmdir()
        sink.outbox.write_text("not a folder")
        return sink

    def close(self) -> None:
        self.store.close()
