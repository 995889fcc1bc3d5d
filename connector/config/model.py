"""The typed model of a deployment's ``connector.yaml``, section by section.

Every model forbids keys it does not know, so a misspelt key is reported instead of silently
ignored; the only exception is :class:`PartnerConfig`, which also keeps keys meant for adapters
outside this package. Relative paths are relative to the deployment folder (see
:meth:`Deployment.path <connector.config.Deployment.path>`).

This module checks the shape of each section. What needs the whole configuration (a flow naming
an adapter that exists and has the right role) is checked by
:func:`~connector.config.load_deployment`, which also resolves ``${VARIABLE}`` references.
"""

from __future__ import annotations

import re
import zoneinfo
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    SecretStr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from adapters.registry import Role
from connector.api.models import WebhookEventName
from connector.api.retry import RetryPolicy
from connector.config.references import Secret
from connector.store import ChangePolicy

#: The store of a deployment that names none: a SQLite file in the deployment folder.
DEFAULT_STORE_URL = "sqlite:///state.db"
#: The OAuth token cache of a deployment that names none, in the deployment folder.
DEFAULT_TOKEN_CACHE = Path(".tokens.json")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_DIGIT = re.compile(r"\d")


def _error(message: str) -> PydanticCustomError:
    # The message goes through the context: a template would read "{...}" as a field.
    return PydanticCustomError("config", "{message}", {"message": message})


def _check_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise _error(
            f"{value!r} is not a valid name: use letters, digits, '-' and '_', starting with "
            "a letter or a digit"
        )
    return value


Name = Annotated[str, AfterValidator(_check_name)]
"""The name of an adapter, partner or flow; it appears in paths, logs and the store."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text that must not be empty."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetryConfig(_Section):
    """How the AHEAD client retries (see :mod:`connector.api.retry` for which requests).

    Attributes:
        max_attempts: attempts in all, the first included; ``1`` disables retries.
        base_delay: seconds; the ceiling of the first backoff wait, doubled each attempt.
        max_delay: seconds; the largest backoff wait.
        max_retry_after: seconds; a 429 asking for a longer wait fails at once.
    """

    max_attempts: int = Field(default=5, ge=1)
    base_delay: float = Field(default=0.5, ge=0)
    max_delay: float = Field(default=30.0, ge=0)
    max_retry_after: float = Field(default=120.0, ge=0)

    def policy(self) -> RetryPolicy:
        """The client's retry policy with these values."""
        return RetryPolicy(
            max_attempts=self.max_attempts,
            base_delay=self.base_delay,
            max_delay=self.max_delay,
            max_retry_after=self.max_retry_after,
        )


class OAuthConfig(_Section):
    """OAuth 2.0 credentials (the AHEAD API's main scheme).

    Attributes:
        client_id: the client id issued by AHEAD.
        client_secret: the client secret issued with it.
        token_cache: the file keeping bearer tokens between runs.
    """

    client_id: Text
    client_secret: Secret
    token_cache: Path = DEFAULT_TOKEN_CACHE


class HmacConfig(_Section):
    """Credentials of the older HMAC scheme.

    Attributes:
        token: the API token issued by AHEAD.
        secret: the secret issued with it.
    """

    token: Secret
    secret: Secret


class AuthConfig(_Section):
    """How the connector authenticates to AHEAD: exactly one of ``oauth`` and ``hmac``.

    Attributes:
        oauth: OAuth 2.0 credentials.
        hmac: HMAC credentials.
    """

    oauth: OAuthConfig | None = None
    hmac: HmacConfig | None = None

    @model_validator(mode="after")
    def _one_scheme(self) -> Self:
        if self.oauth is None and self.hmac is None:
            raise _error(
                "choose a scheme: oauth: {client_id, client_secret} or hmac: {token, secret}"
            )
        if self.oauth is not None and self.hmac is not None:
            raise _error("both oauth and hmac are given; keep one")
        return self


class AheadConfig(_Section):
    """The AHEAD API.

    Attributes:
        base_url: the API's root URL, e.g. ``https://api-sandbox.mbx.com``.
        auth: the credentials.
        timeout: seconds to wait for connecting, sending or each read.
        retry: how requests are retried.
    """

    base_url: Text
    auth: AuthConfig
    timeout: PositiveFloat = 30.0
    retry: RetryConfig = Field(default_factory=RetryConfig)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise _error(f"{value!r} is not an http:// or https:// URL")
        if parts.query or parts.fragment:
            raise _error(f"{value!r}: the API's root URL has no query or fragment")
        return value.rstrip("/")


class StoreConfig(_Section):
    """The checkpoint store.

    Attributes:
        url: ``sqlite:///state.db`` (a path relative to the deployment folder, or
            ``sqlite:////absolute/path``) or ``postgresql+psycopg://user@host/database``.
            Held as a secret, since a PostgreSQL URL may carry a password (from a
            ``${VARIABLE}``; PostgreSQL's own ``PGPASSWORD`` and ``~/.pgpass`` work too).
    """

    url: SecretStr = SecretStr(DEFAULT_STORE_URL)

    @field_validator("url")
    @classmethod
    def _supported_database(cls, value: SecretStr) -> SecretStr:
        try:
            url = make_url(value.get_secret_value())
        except ArgumentError:
            raise _error(
                "not a database URL: write sqlite:///state.db or "
                "postgresql+psycopg://user@host/database"
            ) from None
        backend, driver = url.get_backend_name(), url.get_driver_name()
        if backend == "postgresql" and driver != "psycopg":
            raise _error(f"use the psycopg driver: postgresql+psycopg://..., not {url.drivername}")
        if backend == "sqlite" and (not url.database or url.database == ":memory:"):
            raise _error("the store needs a SQLite file: sqlite:///state.db")
        if backend not in {"sqlite", "postgresql"}:
            raise _error(f"the store runs on SQLite or PostgreSQL, not {backend}")
        return value


class AdapterConfig(_Section):
    """One adapter of the deployment.

    Attributes:
        kind: the kind the adapter class is registered under (``jsonfiles``, ``ahead-orders``).
        role: ``source`` or ``sink``: the entry point group its kind is looked up in.
        settings: the adapter's own settings, as written (``${VARIABLE}`` references not yet
            resolved); :meth:`Deployment.adapter_settings
            <connector.config.Deployment.adapter_settings>` resolves and validates them with the
            adapter's ``settings_model``.
    """

    kind: Text
    role: Role
    settings: dict[str, Any] = Field(default_factory=dict)


class X12Version(StrEnum):
    """The X12 versions the connector reads and writes (GS08)."""

    V4010 = "004010"
    V5010 = "005010"


class X12Acknowledgment(StrEnum):
    """Which functional acknowledgment answers a partner's interchanges."""

    #: 997 for an 004010 group, 999 for an 005010 group: the version follows the inbound one.
    AUTO = "auto"
    FA997 = "997"
    FA999 = "999"
    NONE = "none"


class RepeatedInterchangePolicy(StrEnum):
    """What to do with an interchange whose control number (ISA13) the partner already used
    in an interchange of different content (the same content again is a duplicate drop and is
    processed once, whatever this says)."""

    #: Set the file aside in ``error/`` with a report; nothing in it is processed.
    REJECT = "reject"
    #: Process it and log a warning.
    WARN = "warn"
    #: Process it silently (partners that restart their numbering).
    ACCEPT = "accept"


_X12_CODE = re.compile(r"[A-Za-z0-9 ]+")


def _x12_identifier(value: str) -> str:
    if not _X12_CODE.fullmatch(value):
        raise _error(f"{value!r} may hold only letters, digits and spaces")
    return value


X12Qualifier = Annotated[str, StringConstraints(min_length=2, max_length=2)]
X12Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=15), AfterValidator(_x12_identifier)
]


class X12Party(_Section):
    """How one side of an exchange is named in the envelope.

    Attributes:
        qualifier: the interchange id qualifier (ISA05/ISA07), e.g. ``ZZ``, ``01``, ``12``.
        id: the interchange id (ISA06/ISA08), at most 15 characters.
        application_code: the application code in the group (GS02/GS03); default ``id``.
    """

    qualifier: X12Qualifier = "ZZ"
    id: X12Identifier
    application_code: X12Identifier | None = None

    @property
    def group_code(self) -> str:
        """GS02/GS03: ``application_code``, else ``id``."""
        return self.application_code or self.id


class X12DelimitersConfig(_Section):
    """The separators of the interchanges written to a partner (inbound ones declare their own).

    Attributes:
        element: between elements.
        component: between the components of a composite element (ISA16).
        segment: after each segment.
        repetition: between repetitions of an element (ISA11), used from 005010 on.
        line_break: write a line break after each segment terminator.
    """

    element: str = Field(default="*", min_length=1, max_length=1)
    component: str = Field(default=">", min_length=1, max_length=1)
    segment: str = Field(default="~", min_length=1, max_length=1)
    repetition: str = Field(default="^", min_length=1, max_length=1)
    line_break: bool = True

    @model_validator(mode="after")
    def _distinct_and_not_text(self) -> Self:
        chosen = [self.element, self.component, self.segment, self.repetition]
        if len(set(chosen)) != len(chosen):
            raise _error("element, component, segment and repetition must all differ")
        if any(character.isalnum() or character == " " for character in chosen):
            raise _error("a delimiter must not be a letter, a digit or a space")
        return self


class X12PartnerConfig(_Section):
    """A trading partner's X12 settings.

    Attributes:
        partner: how the partner is named (the sender of its interchanges, the receiver of
            ours).
        us: how we are named to this partner.
        version: the version of the interchanges we send (GS08; ISA12 follows).
        usage: ISA15 of what we send: ``P`` production, ``T`` test.
        acknowledgment: which acknowledgment answers the partner's interchanges.
        repeated_interchange: what to do with a reused interchange control number.
        delimiters: the separators of what we send.
        order_prefix: put before the purchase order number (BEG03) to make the AHEAD
            ``customer_order``, unique across partners; default the partner's id in capitals
            and a dash (``ACME-``).
    """

    partner: X12Party
    us: X12Party
    version: X12Version = X12Version.V4010
    usage: Annotated[str, StringConstraints(pattern="^[PT]$")] = "P"
    acknowledgment: X12Acknowledgment = X12Acknowledgment.AUTO
    repeated_interchange: RepeatedInterchangePolicy = RepeatedInterchangePolicy.REJECT
    delimiters: X12DelimitersConfig = Field(default_factory=X12DelimitersConfig)
    order_prefix: str | None = Field(default=None, max_length=20)


class PartnerConfig(BaseModel):
    """A trading partner.

    Besides the typed sections, a partner takes keys it does not know (available as
    ``model_extra``), so that an adapter outside this package can keep its own partner
    settings here.

    Attributes:
        name: the partner's name, for people.
        x12: the partner's X12 settings; ``None``: the partner does not exchange X12.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    name: Text
    x12: X12PartnerConfig | None = None


class ScheduleConfig(_Section):
    """When a flow runs by itself: exactly one of ``interval`` and ``cron``.

    Attributes:
        interval: seconds between runs.
        cron: a crontab expression ``minute hour day-of-month month day-of-week``. Days of the
            week are written as names (``mon-fri``): APScheduler 3, which runs the schedules,
            counts 0 as Monday where cron counts 0 as Sunday, so numbers are refused.
        timezone: the IANA time zone of ``cron`` (e.g. ``Europe/Berlin``); default the host's.
    """

    interval: PositiveFloat | None = None
    cron: str | None = None
    timezone: str | None = None

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        fields = value.split()
        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            reason = str(exc)
            raise _error(
                f"not a cron expression (minute hour day-of-month month day-of-week): "
                f"{reason[:1].lower()}{reason[1:]}"
            ) from None
        if any(_DIGIT.search(part.partition("/")[0]) for part in fields[4].split(",")):
            raise _error(
                f"write the day of week {fields[4]!r} with names (sun, mon-fri): APScheduler 3 "
                "counts 0 as Monday where cron counts 0 as Sunday"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise _error(f"unknown time zone {value!r}: use an IANA name such as UTC") from None
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.interval is None) == (self.cron is None):
            raise _error(
                "give either interval: <seconds> or cron: '<minute hour day month weekday>'"
            )
        if self.timezone is not None and self.cron is None:
            raise _error("timezone applies to cron schedules only")
        return self


class FlowConfig(_Section):
    """A flow: records from a source adapter, through a mapping, to a sink adapter.

    Attributes:
        source: the name of a source adapter of this deployment.
        sink: the name of a sink adapter of this deployment.
        mapping: the mapping from source records to sink documents.
        schedule: when the flow runs by itself; ``None``: only when triggered.
        change_policy: what to do when a record already sent comes back with new content.
        concurrency: records written to the sink at the same time.
        max_attempts: attempts for a record before it is ``dead``.
        lease_seconds: how long a claim on a record lasts before another runner may take it.
        single_runner: only one process runs this flow at a time, even on a shared store.
        watch: a folder whose new files trigger the flow (a file drop).
        enabled: ``False`` keeps the flow configured but never runs it.
    """

    source: Text
    sink: Text
    mapping: Text = "passthrough"
    schedule: ScheduleConfig | None = None
    change_policy: ChangePolicy = ChangePolicy.WARN
    concurrency: int = Field(default=4, ge=1)
    max_attempts: int = Field(default=8, ge=1)
    lease_seconds: PositiveFloat = 300.0
    single_runner: bool = False
    watch: Path | None = None
    enabled: bool = True


class WebhookConfig(_Section):
    """The receiver of AHEAD's webhooks (order events).

    Attributes:
        host: the address to listen on.
        port: the port to listen on.
        path: the URL path events are posted to.
        secret: the key events are signed with.
        tolerance_seconds: events older than this are dropped as stale.
        events: the flows each event runs at once (e.g. ``order.shipped: [shipments]``);
            events not listed are acknowledged and ignored.
    """

    host: Text = "127.0.0.1"
    port: int = Field(default=8081, ge=1, le=65535)
    path: Text = "/webhooks/ahead"
    secret: Secret
    tolerance_seconds: PositiveFloat = 300.0
    events: dict[WebhookEventName, list[Name]] = Field(
        default_factory=lambda: {
            WebhookEventName.ORDER_SHIPPED: ["shipments"],
            WebhookEventName.ORDER_INVOICED: ["shipments"],
        }
    )

    @field_validator("path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise _error(f"{value!r} must start with /")
        return value


class ConnectorConfig(_Section):
    """A deployment's ``connector.yaml``.

    Attributes:
        include: more files (glob patterns relative to the deployment folder, e.g.
            ``partners/*.yaml``) that add adapters, partners and flows.
        ahead: the AHEAD API and its credentials.
        store: the checkpoint store.
        adapters: the adapters by name.
        partners: the trading partners by id.
        flows: the flows by name.
        webhooks: the webhook receiver; ``None``: no receiver.
    """

    include: list[Text] = Field(default_factory=list)
    ahead: AheadConfig
    store: StoreConfig = Field(default_factory=StoreConfig)
    adapters: dict[Name, AdapterConfig] = Field(default_factory=dict)
    partners: dict[Name, PartnerConfig] = Field(default_factory=dict)
    flows: dict[Name, FlowConfig] = Field(default_factory=dict)
    webhooks: WebhookConfig | None = None

    @field_validator("include", "adapters", "partners", "flows", mode="before")
    @classmethod
    def _empty_when_blank(cls, value: Any, info: ValidationInfo) -> Any:
        # A section whose entries are all commented out reads as null in YAML.
        if value is None:
            return [] if info.field_name == "include" else {}
        return value


#: The sections an included file may add to.
INCLUDABLE_SECTIONS = ("adapters", "partners", "flows")
