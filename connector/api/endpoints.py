"""The endpoint table of the AHEAD API: every path, its verbs and its models, in one place.

The reference names endpoints and fields but rarely paths; the paths here are our decisions
(listed in ``docs/api-decisions.md``). The client, the CLI and the sandbox all read this table,
so correcting a path here corrects it everywhere.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from pydantic import BaseModel

from connector.api import models


class Verb(enum.StrEnum):
    """What an endpoint supports; ``LIST`` and ``GET`` are both HTTP GET."""

    LIST = "list"  # GET /v2/<name>            -> Page[model]
    GET = "get"  # GET /v2/<name>/{id}        -> model
    CREATE = "create"  # POST /v2/<name>           -> model
    UPDATE = "update"  # PUT /v2/<name>[/{id}]     -> model
    DELETE = "delete"  # DELETE /v2/<name>/{id}


@dataclass(frozen=True)
class Endpoint:
    """One AHEAD resource: where it lives, what it supports and what it carries."""

    name: str
    path: str
    model: type[BaseModel]
    verbs: frozenset[Verb]
    create_model: type[BaseModel] | None = None
    update_model: type[BaseModel] | None = None
    #: ``PUT`` goes to the collection path, not to ``/{id}`` (automation queue task updates).
    update_on_collection: bool = False
    #: The answer is CSV, not JSON (the automation tasks report).
    csv: bool = False
    description: str = ""
    extra_paths: dict[str, str] = field(default_factory=dict)

    def item_path(self, resource_id: int | str) -> str:
        """The path of one record, e.g. ``/v2/items/42``."""
        return f"{self.path}/{resource_id}"

    @property
    def cli_name(self) -> str:
        """The resource's name on the command line (``customer-order-submissions``)."""
        return self.name.replace("_", "-")


API_PREFIX = "/v2"
AUTHENTICATE_PATH = f"{API_PREFIX}/authenticate"
OAUTH_AUTHORIZE_PATH = "/oauth/authorize"
OAUTH_TOKEN_PATH = "/oauth/token"

#: The sandbox's own control endpoints (no authentication; not part of the AHEAD API).
SANDBOX_PREFIX = "/sandbox"
SANDBOX_ORDER_ADVANCE_PATH = f"{SANDBOX_PREFIX}/orders/{{id}}/advance"
SANDBOX_CLOCK_ADVANCE_PATH = f"{SANDBOX_PREFIX}/clock/advance"
SANDBOX_FAULTS_PATH = f"{SANDBOX_PREFIX}/faults"
SANDBOX_RESET_PATH = f"{SANDBOX_PREFIX}/reset"
SANDBOX_STATE_PATH = f"{SANDBOX_PREFIX}/state"

#: Default and largest page size. Decision: the reference's example pages hold 1000 results.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_READ = frozenset({Verb.LIST, Verb.GET})

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "automation_queues",
            f"{API_PREFIX}/automation_queues",
            models.AutomationQueue,
            frozenset({Verb.LIST, Verb.GET, Verb.CREATE, Verb.UPDATE}),
            create_model=models.AutomationQueueCreate,
            update_model=models.AutomationTaskUpdate,
            update_on_collection=True,
            description="Forge automation queues: create one; start, complete, fail, notify tasks",
        ),
        Endpoint(
            "automation_task_types",
            f"{API_PREFIX}/automation_task_types",
            models.AutomationTaskType,
            _READ,
            description="Kinds of automation task",
        ),
        Endpoint(
            "countries",
            f"{API_PREFIX}/countries",
            models.Country,
            _READ,
            description="Countries and their ISO codes",
        ),
        Endpoint(
            "customer_catalog_items",
            f"{API_PREFIX}/customer_catalog_items",
            models.CustomerCatalogItem,
            _READ,
            description="Customer SKUs and prices",
        ),
        Endpoint(
            "customer_order_submissions",
            f"{API_PREFIX}/customer_order_submissions",
            models.CustomerOrder,
            frozenset({Verb.LIST, Verb.GET, Verb.CREATE}),
            create_model=models.OrderSubmission,
            description="Customer orders: submit one, follow its status",
        ),
        Endpoint(
            "inventories",
            f"{API_PREFIX}/inventories",
            models.Inventory,
            _READ,
            description="Customer-owned inventory",
        ),
        Endpoint(
            "invoices",
            f"{API_PREFIX}/invoices",
            models.Invoice,
            _READ,
            description="Invoices of shipped orders",
        ),
        Endpoint(
            "items",
            f"{API_PREFIX}/items",
            models.Item,
            _READ,
            description="Customer-owned items",
        ),
        Endpoint(
            "shipping_methods",
            f"{API_PREFIX}/shipping_methods",
            models.ShippingMethod,
            _READ,
            description="Shipping methods and carriers",
        ),
        Endpoint(
            "serial_data",
            f"{API_PREFIX}/serial_data",
            models.SerialData,
            frozenset({Verb.LIST, Verb.CREATE}),
            create_model=models.SerialDataSubmission,
            description="Serial data of systems",
        ),
        Endpoint(
            "rmas",
            f"{API_PREFIX}/rmas",
            models.Rma,
            frozenset({Verb.LIST, Verb.GET, Verb.CREATE}),
            create_model=models.RmaCreate,
            extra_paths={"open": f"{API_PREFIX}/rmas/open", "closed": f"{API_PREFIX}/rmas/closed"},
            description="Return merchandise authorizations",
        ),
        Endpoint(
            "automation_tasks_report",
            f"{API_PREFIX}/reports/automation_tasks",
            models.AutomationTask,
            frozenset({Verb.LIST}),
            csv=True,
            description="CSV report of all automation tasks",
        ),
        Endpoint(
            "webhooks",
            f"{API_PREFIX}/webhooks",
            models.WebhookSubscription,
            frozenset({Verb.LIST, Verb.GET, Verb.CREATE, Verb.DELETE}),
            create_model=models.WebhookSubscriptionCreate,
            description="Webhook subscriptions to order events",
        ),
    )
}


def endpoint(name: str) -> Endpoint:
    """The endpoint called ``name`` (with underscores or dashes); a ``KeyError`` names the rest."""
    key = name.replace("-", "_")
    try:
        return ENDPOINTS[key]
    except KeyError:
        known = ", ".join(e.cli_name for e in ENDPOINTS.values())
        raise KeyError(f"unknown AHEAD resource {name!r}; known: {known}") from None
