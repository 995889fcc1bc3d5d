"""Every resource and request body of the AHEAD API, as pydantic models.

This is the one place where the shapes of the AHEAD API are written down. The reference
(``shared/seeds``) lists fields and examples; where it is silent the decision taken here is
marked ``Decision:`` and listed in ``docs/api-decisions.md``.

Conventions:
- Money and quantities are :class:`~decimal.Decimal`; JSON numbers are parsed exactly.
- Datetimes are timezone-aware. The API sends some naive timestamps
  (``"2015-04-30T14:36:13.073726"``); those are taken as UTC.
- Response models accept fields they do not know (the API may add some); request models
  reject unknown fields, so a typo in a mapping fails before anything is sent.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
)

#: Maximum characters of one address line (reference: "Maximum 35 characters per address line").
ADDRESS_LINE_MAX = 35


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _decimal_from_json(value: Any) -> Any:
    # A float that reached us (e.g. from Python code) is converted through its repr, which
    # is the shortest exact decimal string: 123.4 -> Decimal("123.4"), not 123.4000000000000056...
    return Decimal(repr(value)) if isinstance(value, float) else value


#: A timezone-aware datetime; naive input is taken as UTC. Serialized as ISO 8601.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]

#: An exact decimal; serialized to JSON as a number, not a string.
JsonDecimal = Annotated[
    Decimal,
    BeforeValidator(_decimal_from_json),
    PlainSerializer(
        lambda d: int(d) if d == d.to_integral_value() and d.as_tuple().exponent >= 0 else float(d),
        return_type=float | int,
        when_used="json",
    ),
]

#: One line of a postal address, at most 35 characters.
AddressLine = Annotated[str, Field(max_length=ADDRESS_LINE_MAX)]


class ResponseModel(BaseModel):
    """Base of every model the API returns: unknown fields are kept, not rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class RequestModel(BaseModel):
    """Base of every body we send: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------------------------
# Envelope and errors
# --------------------------------------------------------------------------------------------

T = TypeVar("T")


class FieldError(BaseModel):
    """One error of the API's error envelope: which field, and what was wrong with it."""

    field: str | None = None
    message: str


class Page(BaseModel, Generic[T]):
    """The list envelope ``{count, offset, total_results, results, errors}``."""

    count: int
    offset: int = 0
    total_results: int
    results: list[T]
    errors: list[FieldError] | None = None


class ErrorEnvelope(BaseModel):
    """The body of a 4xx/5xx answer. Decision: the list envelope with ``errors`` filled."""

    count: int = 0
    offset: int = 0
    total_results: int = 0
    results: list[Any] = Field(default_factory=list)
    errors: list[FieldError]


# --------------------------------------------------------------------------------------------
# Automation (Forge integration)
# --------------------------------------------------------------------------------------------


class AutomationTaskSpec(RequestModel):
    """A task in a new automation queue."""

    task_type_id: int
    sequence: int
    assignee_id: int | None = None


class AutomationQueueCreate(RequestModel):
    """``POST /v2/automation_queues``: create the list of preset tasks for a system."""

    manufacturer_serial: str = Field(min_length=1, max_length=256)
    ip_address: str
    automation_tasks: list[AutomationTaskSpec] = Field(min_length=1)

    @field_validator("automation_tasks")
    @classmethod
    def _sequences_unique(cls, tasks: list[AutomationTaskSpec]) -> list[AutomationTaskSpec]:
        seen: set[int] = set()
        for task in tasks:
            if task.sequence in seen:
                raise ValueError(f"sequence {task.sequence} is used twice; it must be unique")
            seen.add(task.sequence)
        return tasks


class AutomationMessageType(enum.StrEnum):
    """The ``message_type`` of a task update."""

    START = "start"
    COMPLETE = "complete"
    FAIL = "fail"
    NOTIFY = "notify"


class AutomationTaskUpdate(RequestModel):
    """``PUT /v2/automation_queues``: update the status of one registered task."""

    manufacturer_serial: str = Field(min_length=1, max_length=256)
    message_type: AutomationMessageType
    message: str | None = Field(default=None, max_length=256)
    sequence: int
    ip_address: str


class AutomationTask(ResponseModel):
    """A task of an automation queue (also a row of the automation tasks CSV report)."""

    id: int
    automation_queue_id: int | None = None
    automation_task_type_id: int | None = None
    sequence: int
    started_at: UtcDatetime | None = None
    completed_at: UtcDatetime | None = None
    failed: bool = False
    message: str | None = None
    assignee_id: int | None = None
    assignee_name: str | None = None
    work_order_id: int | None = None
    serial_id: int | None = None
    item_id: int | None = None
    manufacturer_serial: str | None = None


#: The columns of the automation tasks CSV report, in the reference's order.
AUTOMATION_TASK_REPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "automation_queue_id",
    "automation_task_type_id",
    "sequence",
    "started_at",
    "completed_at",
    "failed",
    "message",
    "assignee_id",
    "assignee_name",
    "work_order_id",
    "serial_id",
    "item_id",
    "manufacturer_serial",
)


class AutomationQueue(ResponseModel):
    """An automation queue. Decision: responses also carry the serial and the tasks."""

    id: int
    serial_id: int | None = None
    work_order_id: int | None = None
    finished: bool = False
    ip_address: str | None = None
    manufacturer_serial: str | None = None
    automation_tasks: list[AutomationTask] = Field(default_factory=list)


class AutomationTaskType(ResponseModel):
    """A kind of automation task."""

    id: int
    name: str
    description: str | None = None


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------


class Country(ResponseModel):
    """A country and its ISO 3166-1 alpha-2 code."""

    id: int
    iso_code: str
    name: str
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


class ShippingMethod(ResponseModel):
    """A shipping method; its ``id`` is an order's ``ship_method_id``."""

    id: int
    name: str
    description: str | None = None
    carrier: str | None = None


class Item(ResponseModel):
    """A customer-owned item.

    Decision: an order line's ``product_code`` is the item's ``name``.
    """

    id: int
    name: str
    description: str | None = None
    archived_at: UtcDatetime | None = None
    item_category_id: int | None = None
    stocked: bool | None = None
    weight: JsonDecimal | None = None
    serialized: bool = False
    manufacturer_sku: str | None = None
    manufacturer_id: int | None = None
    owner_id: int | None = None
    purchasing_group_id: int | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


class CustomerCatalogItem(ResponseModel):
    """A customer's SKU and price for an item."""

    id: int
    customer_sku: str
    price: JsonDecimal
    item_id: int


class Inventory(ResponseModel):
    """Customer-owned inventory of one item at one location."""

    id: int
    item_id: int
    inventory_location_id: int
    quantity_on_hand: JsonDecimal = Decimal(0)
    quantity_allocated: JsonDecimal = Decimal(0)
    quantity_on_order: JsonDecimal = Decimal(0)
    average_cost: JsonDecimal | None = None
    last_cost: JsonDecimal | None = None
    reorder_level: JsonDecimal | None = None
    order_up_to_level: JsonDecimal | None = None
    lead_time: int | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


class Invoice(ResponseModel):
    """An invoice; ``order_id`` is the AHEAD order it bills."""

    id: int
    order_id: int
    billed_at: UtcDatetime | None = None
    total: JsonDecimal
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


# --------------------------------------------------------------------------------------------
# Customer orders
# --------------------------------------------------------------------------------------------


class Address(RequestModel):
    """A recipient or importer of record. Address lines hold at most 35 characters.

    Decision: ``name``, ``address_1``, ``city`` and ``country`` are required; the reference
    marks only ``address_2`` and ``address_3`` optional, but its own response example has an
    empty company and a null email.
    """

    name: str = Field(min_length=1)
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    address_1: AddressLine = Field(min_length=1)
    address_2: AddressLine | None = None
    address_3: AddressLine | None = None
    city: str = Field(min_length=1)
    state: str | None = None
    zip: str | None = None
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code")


class OrderLineSubmission(RequestModel):
    """A line of a new order."""

    product_code: str = Field(min_length=1)
    quantity: int = Field(gt=0)
    customs_declared_value: JsonDecimal | None = Field(default=None, ge=0)


class OrderSubmission(RequestModel):
    """``POST /v2/customer_order_submissions``: a new order.

    ``customer_order`` is the customer's own order number: the connector's idempotency key.
    """

    organization_id: int | None = None
    purchase_order: str = Field(min_length=1)
    customer_order: str = Field(min_length=1)
    ship_method_id: int
    ship_account: str | None = None
    notes: str | None = None
    customer_rma_case: str | None = None
    end_user_po: str | None = None
    end_user_name: str | None = None
    end_user_order_dt: UtcDatetime | None = None
    recipient: Address
    importer_of_record: Address | None = None
    duties_and_taxes_account: str | None = None
    lines: list[OrderLineSubmission] = Field(min_length=1)

    @field_validator("duties_and_taxes_account", "ship_account", mode="before")
    @classmethod
    def _account_as_text(cls, value: Any) -> Any:
        # The reference shows account numbers both as numbers and as strings.
        return str(value) if isinstance(value, int) else value


class OrderStatus(enum.StrEnum):
    """The lifecycle of an order: Pending, then Released, then Shipped."""

    PENDING = "Pending"
    RELEASED = "Released"
    SHIPPED = "Shipped"

    @classmethod
    def _missing_(cls, value: object) -> OrderStatus | None:
        # The reference writes "shipped" in one example and "Shipped" in the status table.
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        return None


class OrderInvoiceRef(ResponseModel):
    """An invoice number on a shipped order."""

    invoice_number: int


class TrackingNumber(ResponseModel):
    """A package of a shipped order."""

    tracking_number: str
    weight: JsonDecimal | None = None


class OrderLine(ResponseModel):
    """A line of an order as the API returns it, with serial numbers once shipped."""

    product_code: str
    quantity: int
    customs_declared_value: JsonDecimal | None = None
    serial_numbers: list[str] = Field(default_factory=list)


class AddressOut(ResponseModel):
    """An address as the API returns it (no length checks on what we receive)."""

    name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    address_3: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None


class CustomerOrder(ResponseModel):
    """An order as the API returns it.

    Decision: responses carry ``id`` (the AHEAD order id that invoices refer to), ``created_at``
    and ``updated_at``; the reference's example omits them.
    """

    id: int
    organization_id: int | None = None
    purchase_order: str | None = None
    customer_order: str
    ship_method_id: int | None = None
    ship_method: str | None = None
    ship_account: str | None = None
    end_user_po: str | None = None
    end_user_name: str | None = None
    end_user_order_dt: UtcDatetime | None = None
    notes: str | None = None
    customer_rma_case: str | None = None
    recipient: AddressOut | None = None
    importer_of_record: AddressOut | None = None
    duties_and_taxes_account: str | None = None
    status: OrderStatus
    invoices: list[OrderInvoiceRef] = Field(default_factory=list)
    tracking_numbers: list[TrackingNumber] = Field(default_factory=list)
    lines: list[OrderLine] = Field(default_factory=list)
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None

    @field_validator("duties_and_taxes_account", "ship_account", mode="before")
    @classmethod
    def _account_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


# --------------------------------------------------------------------------------------------
# Serial data
# --------------------------------------------------------------------------------------------


class SerialDataSubmission(RequestModel):
    """``POST /v2/serial_data``: a datum about a system's serial."""

    manufacturer_serial: str = Field(min_length=1, max_length=256)
    serial_data_type_id: int
    metadata: str | None = Field(default=None, max_length=256)
    value: str = Field(max_length=256)


class SerialData(ResponseModel):
    """Submitted serial data. Decision: responses add ``id`` and ``created_at``."""

    id: int
    manufacturer_serial: str
    serial_data_type_id: int
    metadata: str | None = None
    value: str
    created_at: UtcDatetime | None = None


# --------------------------------------------------------------------------------------------
# RMAs
# --------------------------------------------------------------------------------------------


class RmaRequestType(enum.IntEnum):
    """The ``request_type_id`` of a new RMA."""

    REPLACEMENT_PARTS = 1
    ADVANCE_SYSTEM_REPLACEMENT = 2
    DEPOT_REPAIR_AND_RETURN = 3
    TRIAL_AND_STOCK = 4
    REPAIR_AND_STOCK = 5


class RmaCreate(RequestModel):
    """``POST /v2/rmas``: request a new RMA."""

    problem: str = Field(min_length=1)
    request_type_id: RmaRequestType
    manufacturer_serial: str = Field(min_length=1, max_length=50)
    replacement_name: str = Field(min_length=1, max_length=256)
    replacement_phone: str | None = Field(default=None, max_length=256)
    replacement_addr: str | None = None


class ItemCategory(ResponseModel):
    """The category of an item on an RMA."""

    id: int
    name: str


class RmaItem(ResponseModel):
    """An item as shown on an RMA."""

    id: int
    name: str
    description: str | None = None
    category: ItemCategory | None = None


class RmaStatus(ResponseModel):
    """The status of an RMA (e.g. ``Not Received``, ``Checked In``)."""

    id: int
    name: str


class RmaLine(ResponseModel):
    """An item on an RMA."""

    quantity: int
    item: RmaItem


class RmaComment(ResponseModel):
    """A problem, troubleshooting note or result on an RMA."""

    id: int
    message: str
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


class Rma(ResponseModel):
    """An RMA. The list endpoints return the summary fields; ``/v2/rmas/{id}`` adds the lines
    and comments."""

    id: int
    subject: str | None = None
    organization_id: int | None = None
    order_id: int | None = None
    repair_order_id: int | None = None
    replacement_order_id: int | None = None
    manufacturer_serial: str | None = None
    start_date: date | None = None
    closed_date: date | None = None
    item: RmaItem | None = None
    status: RmaStatus | None = None
    request_type_id: RmaRequestType | None = None
    lines: list[RmaLine] = Field(default_factory=list)
    problems: list[RmaComment] = Field(default_factory=list)
    troubleshootings: list[RmaComment] = Field(default_factory=list)
    results: list[RmaComment] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Webhooks (format undocumented: every shape here is a decision)
# --------------------------------------------------------------------------------------------


class WebhookEventName(enum.StrEnum):
    """Order events a webhook can subscribe to."""

    ORDER_RELEASED = "order.released"
    ORDER_SHIPPED = "order.shipped"
    ORDER_INVOICED = "order.invoiced"


class WebhookSubscriptionCreate(RequestModel):
    """``POST /v2/webhooks``: subscribe a URL to order events.

    Decision: the signing secret is chosen by the subscriber; without one the API makes one up
    and returns it once, in the creation response.
    """

    url: str = Field(min_length=1)
    events: list[WebhookEventName] = Field(min_length=1)
    secret: str | None = Field(default=None, min_length=16)


class WebhookSubscription(ResponseModel):
    """A webhook subscription."""

    id: int
    url: str
    events: list[WebhookEventName]
    secret: str | None = None
    created_at: UtcDatetime | None = None


class WebhookEvent(ResponseModel):
    """The JSON body of a webhook POST: ``{id, event, created_at, data}``.

    ``data`` is the order (a :class:`CustomerOrder`) the event is about.
    """

    id: str
    event: WebhookEventName
    created_at: UtcDatetime
    data: dict[str, Any]


# --------------------------------------------------------------------------------------------
# Sandbox control (the sandbox's own endpoints under /sandbox; not part of the AHEAD API)
# --------------------------------------------------------------------------------------------


class SandboxOrderAdvance(RequestModel):
    """``POST /sandbox/orders/{id}/advance``: move an order on; no ``status``: the next one."""

    status: OrderStatus | None = None


class SandboxClockAdvance(RequestModel):
    """``POST /sandbox/clock/advance``: move the sandbox clock forward."""

    seconds: float = Field(ge=0)


class SandboxState(BaseModel):
    """``GET /sandbox/state`` (and the answer of the clock and reset endpoints): the sandbox
    clock and the number of records per table."""

    now: UtcDatetime
    counts: dict[str, int]


# --------------------------------------------------------------------------------------------
# OAuth
# --------------------------------------------------------------------------------------------


class TokenResponse(BaseModel):
    """The answer of ``POST /oauth/token``."""

    model_config = ConfigDict(extra="allow")

    access_token: str
    token_type: str = "bearer"
    expires_in: int = 10800
    refresh_token: str | None = None
