"""A sink that writes shipments (DESADV, basic type DELVRY07) and invoices (INVOIC02) as IDoc
XML files into an outbox, for SAP's file port to pick up.

The document a flow gives the sink is its mapping's output (target ``sap.desadv`` or
``sap.invoic``, :mod:`adapters.sap.documents`): the *context* of a Jinja2 template, not XML.
The sink checks it against its model, adds the control record's fields (the IDoc number from a
counter in the store, sender and receiver from the settings, the time of writing), renders the
template (``sap/*.xml.j2``: a deployment's ``templates/`` first, then the stock ones in
``connector/stock/templates/``), and checks that the XML is well-formed and meets our structure
definition before anything is written. A document that fails any step is rejected with every
problem named; nothing is written.

Exactly once, with files (as the X12 outbox): a file's name follows from the record key, so a
record has one file. The file is written under a hidden temporary name, then its name is
entered in the store's ledger, then it is renamed into place. :meth:`SapIdocOutboxSink.lookup`
asks the ledger: no entry, the file was never published (a temporary file left by a crash is
written again); an entry whose temporary file is still there is finished by renaming it; an
entry without one was published (and may since have been collected by SAP).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pydantic
from pydantic import BaseModel, Field

from adapters.base import (
    STORE_SERVICE,
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkRejectedError,
)
from adapters.filedrop import prepare_folder
from adapters.registry import AdapterSettingsError, SettingsProblem
from adapters.sap.documents import DesadvDocument, InvoicDocument
from adapters.sap.idoc import IdocBasicType, check_idoc_xml
from adapters.sap.published import PublishedFiles
from adapters.sap.templates import IdocTemplates, TemplateError
from connector.store import CheckpointStore, ControlKind

__all__ = ["IdocKind", "IdocPartner", "SapIdocOutboxSettings", "SapIdocOutboxSink"]

logger = logging.getLogger(__name__)

_DOCNUM_DIGITS = 16
_MAX_DOCNUM = 9_999_999_999_999_999


class IdocKind(enum.Enum):
    """The IDocs the sink writes, each with its basic type, model and stock template."""

    DESADV = "desadv"
    INVOIC = "invoic"

    @property
    def basic_type(self) -> IdocBasicType:
        """The basic type the rendered XML is checked against."""
        return IdocBasicType.DELVRY07 if self is IdocKind.DESADV else IdocBasicType.INVOIC02

    @property
    def model(self) -> type[BaseModel]:
        """The document the template reads."""
        return DesadvDocument if self is IdocKind.DESADV else InvoicDocument

    @property
    def stock_template(self) -> str:
        """The name of the stock template."""
        return f"sap/{self.value}-{self.basic_type.value.lower()}.xml.j2"


class IdocPartner(AdapterSettings):
    """One side of the control record: port, partner type and partner number.

    Attributes:
        port: ``SNDPOR``/``RCVPOR`` (e.g. ``SAPS4H`` for SAP's port, ours for the sender).
        partner_type: ``SNDPRT``/``RCVPRT``: ``LS`` logical system, ``KU`` customer, ``LI``
            vendor.
        partner: ``SNDPRN``/``RCVPRN``.
    """

    port: str = Field(min_length=1, max_length=10)
    partner_type: str = Field(default="LS", min_length=2, max_length=2)
    partner: str = Field(min_length=1, max_length=10)


class SapIdocOutboxSettings(AdapterSettings):
    """The settings of :class:`SapIdocOutboxSink`.

    Attributes:
        idoc: ``desadv`` (shipments, DELVRY07) or ``invoic`` (invoices, INVOIC02).
        sender: us, as SAP's partner profile knows us.
        receiver: the SAP system.
        outbox: where the files are written.
        template: the template's name; default the stock one for ``idoc``
            (``sap/desadv-delvry07.xml.j2``, ``sap/invoic-invoic02.xml.j2``). A deployment's
            ``templates/`` folder is searched first.
    """

    idoc: IdocKind
    sender: IdocPartner
    receiver: IdocPartner
    outbox: Path = Path("outbox")
    template: str | None = None


class SapIdocOutboxSink(Sink):
    """Writes each document as one IDoc XML file (kind ``sap-idoc-outbox``); see the module
    docs."""

    kind: ClassVar[str] = "sap-idoc-outbox"
    settings_model: ClassVar[type[AdapterSettings]] = SapIdocOutboxSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink and its outbox, and find its template.

        Raises:
            TypeError: ``settings`` is not :class:`SapIdocOutboxSettings`.
            AdapterSettingsError: the store is not provided, the outbox cannot be made, or the
                template is found nowhere.
        """
        if not isinstance(settings, SapIdocOutboxSettings):
            raise TypeError(f"SapIdocOutboxSink takes SapIdocOutboxSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.idoc = settings.idoc
        try:
            self.store = context.service(STORE_SERVICE, CheckpointStore)
        except LookupError as exc:
            raise AdapterSettingsError.for_adapter(
                context, type(self), SettingsProblem(None, str(exc))
            ) from None
        self.outbox = prepare_folder(context, type(self), "outbox", settings.outbox)
        self.files = PublishedFiles(
            self.store,
            context.name,
            self.outbox,
            settings.idoc.value,
            ".xml",
            f"sap-idoc-{settings.idoc.value}",
        )
        self.templates = IdocTemplates(context.deployment_dir)
        self.template = settings.template or settings.idoc.stock_template
        try:
            self.templates.path(self.template)
        except TemplateError as exc:
            raise AdapterSettingsError.for_adapter(
                context, type(self), SettingsProblem("template", str(exc))
            ) from None

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Check, render, check again and publish ``document``; the file's name is returned.

        Raises:
            SinkRejectedError: the document does not fit its model, the template cannot
                render it, or the XML breaks our structure definition (every problem named).
            SinkUnavailableError: the file could not be written; nothing was published.
        """
        data = self.render(record, document)
        name = self.files.publish(record.key, data)
        logger.info("wrote %s for %s", self.outbox / name, record.key)
        return name

    def lookup(self, record: Record) -> str | None:
        """The file written for ``record.key``, finishing a publication a crash interrupted."""
        return self.files.find(record.key)

    def render(self, record: Record, document: Mapping[str, Any]) -> bytes:
        """The IDoc XML of ``document``, checked; nothing is written or counted.

        Raises:
            SinkRejectedError: as :meth:`write`.
        """
        try:
            checked = self.idoc.model.model_validate(document)
        except pydantic.ValidationError as exc:
            fields = "; ".join(
                f"{'.'.join(str(step) for step in error['loc'])}: {error['msg']}"
                for error in exc.errors(include_url=False)
            )
            raise SinkRejectedError(
                f"the {self.idoc.name} for {record.key} is not a {self.idoc.model.__name__}: "
                f"{fields}"
            ) from None
        now = datetime.now(UTC)
        control = {
            "DOCNUM": f"{self._next_number():0{_DOCNUM_DIGITS}d}",
            "SNDPOR": self.options.sender.port,
            "SNDPRT": self.options.sender.partner_type,
            "SNDPRN": self.options.sender.partner,
            "RCVPOR": self.options.receiver.port,
            "RCVPRT": self.options.receiver.partner_type,
            "RCVPRN": self.options.receiver.partner,
            "CREDAT": now.strftime("%Y%m%d"),
            "CRETIM": now.strftime("%H%M%S"),
        }
        try:
            data = self.templates.render(
                self.template,
                {"control": control, "document": checked.model_dump(), "key": record.key},
            )
        except TemplateError as exc:
            raise SinkRejectedError(f"the {self.idoc.name} for {record.key}: {exc}") from None
        name = self.file_name(record)
        problems = check_idoc_xml(data, self.idoc.basic_type, source=f"{name} ({self.template})")
        if problems:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            raise SinkRejectedError(
                f"the {self.idoc.name} for {record.key} rendered by {self.template} breaks our "
                f"{self.idoc.basic_type.value} definition; nothing was written:\n{listed}"
            )
        return data

    def file_name(self, record: Record) -> str:
        """The name of the file written for ``record``: ``<idoc>-<key>.xml``."""
        return self.files.name(record.key)

    def _next_number(self) -> int:
        # IDoc numbers count per receiving system, in the store's counters.
        counter = f"sap-idoc:{self.options.receiver.port}:{self.options.receiver.partner}"
        number = self.store.next_control_number(counter, ControlKind.INTERCHANGE)
        return (number - 1) % _MAX_DOCNUM + 1
