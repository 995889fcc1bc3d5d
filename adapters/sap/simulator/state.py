"""What the SAP simulator knows and does: sales orders, outbound deliveries, billing documents.

:class:`SapSimulator` keeps the entities of the three services (typed by our trimmed metadata)
and carries out what the OData API and the control API ask: a deep insert of a sales order with
its items, changes to delivery fields guarded by ETags, the goods issue, and, for tests, seeding
orders, creating deliveries and billing documents and reading everything back.

It is safe to use from several threads (the server's and a test's): every operation holds one
lock.

Decisions where SAP's behaviour is not known or not needed (listed in ``docs/sap.md``):

- Sales orders are numbered 1, 2, 3, … (unless the insert names one), deliveries from 80000000,
  billing documents from 90000000; sales order items 10, 20, …; delivery items 000010, ….
- Net amounts are the quantity times a configured price per material.
- ``DeliveryVersion`` (the delivery's concurrency property) counts changes: 0001, 0002, ….
- The goods issue marks the delivery and its items issued, and the sales order items delivered
  (``C``) or partly delivered (``B``), which changes the order's ``LastChangeDateTime``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adapters.sap.edm import EdmEntityType
from adapters.sap.services import SapService
from adapters.sap.simulator.clock import SimulatorClock
from adapters.sap.simulator.config import SapSimulatorConfig
from adapters.sap.simulator.entities import Row, ServiceStore, key_predicate, read_value
from adapters.sap.simulator.errors import ErrorDetail, SimulatorError
from adapters.sap.simulator.faults import FaultPlan
from adapters.sap.simulator.security import AccessTokens, CsrfSessions
from adapters.sap.simulator.serialize import entity_json, etag
from adapters.sap.values import decode_entity

__all__ = ["RequestRecord", "SapSimulator"]

SALES_ORDERS = "A_SalesOrder"
SALES_ORDER_ITEMS = "A_SalesOrderItem"
SALES_ORDER_PARTNERS = "A_SalesOrderHeaderPartner"
DELIVERIES = "A_OutbDeliveryHeader"
DELIVERY_ITEMS = "A_OutbDeliveryItem"
BILLING_DOCUMENTS = "A_BillingDocument"
BILLING_ITEMS = "A_BillingDocumentItem"

_REQUIRED_HEADER = (
    "SalesOrderType",
    "SalesOrganization",
    "DistributionChannel",
    "OrganizationDivision",
    "SoldToParty",
)
_REQUIRED_ITEM = ("Material", "RequestedQuantity")
_NOT_STARTED, _PARTLY, _COMPLETE = "A", "B", "C"
_REQUEST_LOG_SIZE = 2000


@dataclass(frozen=True)
class RequestRecord:
    """One request the simulator answered, for tests to look at.

    Attributes:
        method: the HTTP method (after ``X-HTTP-Method``).
        path: the request path.
        query: the query string.
        status: the status answered.
        csrf_token: the ``x-csrf-token`` header sent, if any.
        principal: who called, if authenticated.
    """

    method: str
    path: str
    query: str
    status: int
    csrf_token: str | None
    principal: str | None


def _problem(code: str, message: str, target: str = "") -> ErrorDetail:
    return ErrorDetail(code, message, target)


def _refuse(
    status: int, code: str, message: str, details: Sequence[ErrorDetail] = ()
) -> SimulatorError:
    return SimulatorError(status, code, message, list(details) or [ErrorDetail(code, message)])


def _shown(set_name: str, entity_type: EdmEntityType, key: tuple[Any, ...]) -> str:
    return set_name + key_predicate(entity_type, dict(zip(entity_type.keys, key, strict=True)))


def _midnight(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def _next_version(version: str | None) -> str:
    return f"{int(version or '0') + 1:04d}"


class SapSimulator:
    """The simulated SAP system behind the OData services.

    Args:
        config: the simulator's settings; the defaults need no setup.
        clock: the simulator's clock (real time if not given).
    """

    def __init__(
        self, config: SapSimulatorConfig | None = None, *, clock: SimulatorClock | None = None
    ) -> None:
        self.config = config or SapSimulatorConfig()
        self.clock = clock or SimulatorClock()
        self.faults = FaultPlan()
        self.csrf = CsrfSessions()
        self.tokens = AccessTokens()
        self._lock = threading.RLock()
        self._stores = {
            service: ServiceStore.empty(service.value, service.metadata()) for service in SapService
        }
        self._requests: deque[RequestRecord] = deque(maxlen=_REQUEST_LOG_SIZE)
        self._next_sales_order = 1
        self._next_delivery = 80000000
        self._next_billing_document = 90000000

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the simulator's lock (the app reads under it)."""
        with self._lock:
            yield

    def store(self, service: SapService) -> ServiceStore:
        """The entities of one service (read them under :meth:`locked`)."""
        return self._stores[service]

    # --- requests --------------------------------------------------------------------------

    def record(self, entry: RequestRecord) -> None:
        """Remember a request (the last 2,000 are kept)."""
        with self._lock:
            self._requests.append(entry)

    def requests(self) -> list[RequestRecord]:
        """The requests answered so far, oldest first."""
        with self._lock:
            return list(self._requests)

    # --- reading entities from clients ------------------------------------------------------

    def _read_fields(
        self,
        entity_type: EdmEntityType,
        payload: Any,
        where: str,
        *,
        navigations: Sequence[str] = (),
        updating: bool = False,
        seeding: bool = False,
    ) -> tuple[Row, dict[str, Any], list[ErrorDetail]]:
        if not isinstance(payload, Mapping):
            return {}, {}, [_problem("ZSIM/011", f"{where}: expected a JSON object")]
        row: Row = {}
        navs: dict[str, Any] = {}
        problems: list[ErrorDetail] = []
        for name, value in payload.items():
            if name == "__metadata":
                continue
            if name in entity_type.navigations:
                if name in navigations:
                    navs[name] = value
                else:
                    problems.append(
                        _problem("ZSIM/013", f"{where}.{name}: not part of this request", name)
                    )
                continue
            prop = entity_type.properties.get(name)
            if prop is None:
                problems.append(
                    _problem(
                        "ZSIM/011", f"{where}: {entity_type.name} has no property {name}", name
                    )
                )
                continue
            allowed = prop.updatable if updating else prop.creatable
            if not allowed and not seeding:
                flag = "sap:updatable" if updating else "sap:creatable"
                problems.append(
                    _problem("ZSIM/012", f"{where}.{name} is read-only ({flag}=false)", name)
                )
                continue
            try:
                row[name] = read_value(prop, value, where)
            except SimulatorError as exc:
                problems.extend(exc.details)
        return row, navs, problems

    @staticmethod
    def _nested(value: Any, where: str, problems: list[ErrorDetail]) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, Mapping) and isinstance(value.get("results"), list):
            return list(value["results"])
        if isinstance(value, list):
            return value
        problems.append(_problem("ZSIM/014", f'{where}: expected a list or {{"results": [...]}}'))
        return []

    # --- sales orders ----------------------------------------------------------------------

    def create_sales_order(self, payload: Mapping[str, Any], *, seeding: bool = False) -> Row:
        """A deep insert of a sales order with its items (``to_Item``) and partners.

        Both forms of a nested collection are taken: a plain list, and ``{"results": [...]}``.

        Args:
            payload: the order as OData v2 JSON.
            seeding: a test is seeding SAP, so read-only fields (``LastChangeDateTime``,
                statuses, a given ``SalesOrder``) may be set too.

        Returns:
            The new order's header row.

        Raises:
            SimulatorError: (400) every problem found, each naming its field.
        """
        with self._lock:
            store = self._stores[SapService.SALES_ORDER]
            header_type = store.sets[SALES_ORDERS].entity_type
            header, navs, problems = self._read_fields(
                header_type,
                payload,
                SALES_ORDERS,
                navigations=("to_Item", "to_Partner"),
                seeding=seeding,
            )
            for name in _REQUIRED_HEADER:
                if not header.get(name) and not any(p.target == name for p in problems):
                    problems.append(
                        _problem("ZSIM/015", f"{SALES_ORDERS}.{name} is required", name)
                    )
            items: list[Row] = []
            item_type = store.sets[SALES_ORDER_ITEMS].entity_type
            for index, item_payload in enumerate(
                self._nested(navs.get("to_Item"), "to_Item", problems)
            ):
                where = f"to_Item[{index}]"
                item, _, item_problems = self._read_fields(
                    item_type, item_payload, where, seeding=seeding
                )
                problems += item_problems
                for name in _REQUIRED_ITEM:
                    if item.get(name) in (None, "") and not any(
                        p.target == name for p in item_problems
                    ):
                        problems.append(_problem("ZSIM/015", f"{where}.{name} is required", name))
                quantity = item.get("RequestedQuantity")
                if isinstance(quantity, Decimal) and quantity <= 0:
                    problems.append(
                        _problem(
                            "ZSIM/016",
                            f"{where}.RequestedQuantity must be more than 0",
                            "RequestedQuantity",
                        )
                    )
                items.append(item)
            if not items and not problems:
                problems.append(
                    _problem("ZSIM/017", f"{SALES_ORDERS}: a sales order needs items (to_Item)")
                )
            partner_type = store.sets[SALES_ORDER_PARTNERS].entity_type
            partners: list[Row] = []
            for index, partner_payload in enumerate(
                self._nested(navs.get("to_Partner"), "to_Partner", problems)
            ):
                partner, _, partner_problems = self._read_fields(
                    partner_type, partner_payload, f"to_Partner[{index}]", seeding=seeding
                )
                problems += partner_problems
                partners.append(partner)
            number = header.get("SalesOrder") or str(self._next_sales_order)
            if store.sets[SALES_ORDERS].get((number,)) is not None:
                problems.append(
                    _problem("ZSIM/018", f"sales order {number} exists already", "SalesOrder")
                )
            seen_items = [
                item.get("SalesOrderItem") for item in items if item.get("SalesOrderItem")
            ]
            if len(seen_items) != len(set(seen_items)):
                problems.append(
                    _problem("ZSIM/019", "to_Item: two items have the same SalesOrderItem")
                )
            if problems:
                raise _refuse(
                    400,
                    problems[0].code,
                    f"the sales order was not created: {len(problems)} problem(s); "
                    + "; ".join(p.message for p in problems),
                    problems,
                )
            if not header.get("SalesOrder"):
                self._next_sales_order += 1
            elif number.isdigit():
                self._next_sales_order = max(self._next_sales_order, int(number) + 1)
            now = self.clock.now()
            today = _midnight(now)
            currency = header.get("TransactionCurrency") or self.config.currency
            total = Decimal(0)
            for position, item in enumerate(items, start=1):
                item.setdefault("SalesOrderItem", str(position * 10))
                item["SalesOrder"] = number
                item.setdefault("SalesOrderItemCategory", "TAN")
                item.setdefault("TransactionCurrency", currency)
                price = self.config.prices.get(item["Material"], self.config.default_price)
                item.setdefault(
                    "NetAmount", (item["RequestedQuantity"] * price).quantize(Decimal("0.001"))
                )
                item.setdefault("SDProcessStatus", _NOT_STARTED)
                item.setdefault("DeliveryStatus", _NOT_STARTED)
                total += item["NetAmount"]
            defaults = {
                "SalesOrder": number,
                "TransactionCurrency": currency,
                "CreationDate": today,
                "LastChangeDate": today,
                "LastChangeDateTime": now,
                "SalesOrderDate": today,
                "TotalNetAmount": total,
                "OverallSDProcessStatus": _NOT_STARTED,
                "OverallTotalDeliveryStatus": _NOT_STARTED,
                "OverallSDDocumentRejectionSts": _NOT_STARTED,
            }
            for name, value in defaults.items():
                if header.get(name) is None:
                    header[name] = value
            row = store.sets[SALES_ORDERS].put(header)
            for item in items:
                store.sets[SALES_ORDER_ITEMS].put(item)
            for partner in partners:
                partner["SalesOrder"] = number
                store.sets[SALES_ORDER_PARTNERS].put(partner)
            return row

    def change_sales_order(self, sales_order: str, changes: Mapping[str, Any] | None = None) -> Row:
        """Change an order as someone in SAP would: set fields, and ``LastChangeDateTime``.

        Args:
            sales_order: the order's number.
            changes: header fields to set (read-only ones included); ``LastChangeDateTime``
                among them sets that instead of the clock's time.

        Raises:
            SimulatorError: (404) no such order; (400) a field that does not fit.
        """
        with self._lock:
            store = self._stores[SapService.SALES_ORDER]
            row = self._existing(store, SALES_ORDERS, (sales_order,))
            fields, _, problems = self._read_fields(
                store.sets[SALES_ORDERS].entity_type,
                dict(changes or {}),
                SALES_ORDERS,
                seeding=True,
            )
            if problems:
                raise _refuse(400, problems[0].code, problems[0].message, problems)
            now = self.clock.now()
            row.update(fields)
            if "LastChangeDateTime" not in fields:
                row["LastChangeDateTime"] = now
            row["LastChangeDate"] = _midnight(row["LastChangeDateTime"])
            return row

    # --- generic changes through the API ----------------------------------------------------

    @staticmethod
    def _existing(store: ServiceStore, set_name: str, key: tuple[Any, ...]) -> Row:
        row = store.sets[set_name].get(key)
        if row is None:
            shown = _shown(set_name, store.sets[set_name].entity_type, key)
            raise _refuse(404, "ZSIM/404", f"{shown} does not exist")
        return row

    @staticmethod
    def _check_etag(entity_type: EdmEntityType, row: Row, if_match: str | None, what: str) -> None:
        current = etag(entity_type, row)
        if current is None:
            return
        if if_match is None:
            raise _refuse(
                428,
                "ZSIM/428",
                f"{what}: an If-Match header with the entity's ETag is required",
            )
        offered = [tag.strip() for tag in if_match.split(",")]
        if "*" not in offered and current not in offered:
            raise _refuse(
                412,
                "ZSIM/412",
                f"{what} was changed by someone else (ETag {current}); read it again",
            )

    def update_entity(
        self,
        service: SapService,
        set_name: str,
        key: tuple[Any, ...],
        changes: Any,
        *,
        if_match: str | None,
    ) -> Row:
        """A ``PATCH``/``MERGE``/``PUT`` of an entity: only updatable fields, ETag checked.

        Raises:
            SimulatorError: 404 no such entity; 405 the set cannot be changed; 428/412 the ETag
                is missing or stale; 400 a field that cannot be changed or does not fit, or a
                delivery whose goods issue is posted.
        """
        with self._lock:
            store = self._stores[service]
            if not store.metadata.entity_sets[set_name].updatable:
                raise _refuse(
                    405, "ZSIM/405", f"{set_name} cannot be changed (sap:updatable=false)"
                )
            row = self._existing(store, set_name, key)
            entity_type = store.sets[set_name].entity_type
            shown = _shown(set_name, entity_type, key)
            self._check_etag(entity_type, row, if_match, shown)
            fields, _, problems = self._read_fields(entity_type, changes, shown, updating=True)
            for name in entity_type.keys:
                if name in fields and fields.pop(name) != row[name]:
                    problems.append(
                        _problem("ZSIM/012", f"{shown}.{name} is a key and cannot change", name)
                    )
            if set_name in (DELIVERIES, DELIVERY_ITEMS):
                problems += self._delivery_change_problems(set_name, row, fields, shown)
            if problems:
                raise _refuse(
                    400, problems[0].code, "; ".join(p.message for p in problems), problems
                )
            now = self.clock.now()
            row.update(fields)
            self._touch(entity_type, row, now)
            if set_name == DELIVERY_ITEMS:
                header = store.sets[DELIVERIES].get((row["DeliveryDocument"],))
                if header is not None:
                    header["LastChangeDate"] = _midnight(now)
            return row

    @staticmethod
    def _touch(entity_type: EdmEntityType, row: Row, now: datetime) -> None:
        if "DeliveryVersion" in entity_type.properties:
            row["DeliveryVersion"] = _next_version(row.get("DeliveryVersion"))
        if "LastChangeDate" in entity_type.properties:
            row["LastChangeDate"] = _midnight(now)
        if "LastChangeDateTime" in entity_type.properties:
            row["LastChangeDateTime"] = now

    def _delivery_change_problems(
        self, set_name: str, row: Row, fields: Row, shown: str
    ) -> list[ErrorDetail]:
        store = self._stores[SapService.OUTBOUND_DELIVERY]
        header = (
            row
            if set_name == DELIVERIES
            else store.sets[DELIVERIES].get((row["DeliveryDocument"],))
        )
        if header is not None and header.get("OverallGoodsMovementStatus") == _COMPLETE:
            return [
                _problem(
                    "ZSIM/041",
                    f"{shown}: goods issue is posted for delivery {header['DeliveryDocument']}; "
                    "it cannot change",
                )
            ]
        quantity = fields.get("ActualDeliveryQuantity")
        original = row.get("OriginalDeliveryQuantity")
        if (
            isinstance(quantity, Decimal)
            and isinstance(original, Decimal)
            and not 0 <= quantity <= original
        ):
            return [
                _problem(
                    "ZSIM/042",
                    f"{shown}.ActualDeliveryQuantity {quantity} is not between 0 and the "
                    f"delivery quantity {original}",
                    "ActualDeliveryQuantity",
                )
            ]
        return []

    # --- deliveries ------------------------------------------------------------------------

    def create_delivery(
        self, sales_order: str, quantities: Mapping[str, Decimal | str] | None = None
    ) -> Row:
        """An outbound delivery for a sales order, as SAP's shipping would create it.

        Args:
            sales_order: the order to deliver.
            quantities: the quantity per order item (``SalesOrderItem``); all items in full if
                not given.

        Raises:
            SimulatorError: (404) no such order; (400) an item that is not the order's.
        """
        with self._lock:
            orders = self._stores[SapService.SALES_ORDER]
            order = self._existing(orders, SALES_ORDERS, (sales_order,))
            _, _, order_items = orders.related(SALES_ORDERS, order, "to_Item")
            wanted = {name: Decimal(str(value)) for name, value in (quantities or {}).items()}
            unknown = set(wanted) - {item["SalesOrderItem"] for item in order_items}
            if unknown:
                raise _refuse(
                    400,
                    "ZSIM/045",
                    f"sales order {sales_order} has no item {', '.join(sorted(unknown))}",
                )
            store = self._stores[SapService.OUTBOUND_DELIVERY]
            number = str(self._next_delivery)
            self._next_delivery += 1
            now = self.clock.now()
            today = _midnight(now)
            _, _, partners = orders.related(SALES_ORDERS, order, "to_Partner")
            ship_to = next(
                (p["Customer"] for p in partners if p["PartnerFunction"] == "WE" and p["Customer"]),
                order["SoldToParty"],
            )
            header = store.sets[DELIVERIES].put(
                {
                    "DeliveryDocument": number,
                    "DeliveryDocumentType": "LF",
                    "SDDocumentCategory": "J",
                    "SoldToParty": order["SoldToParty"],
                    "ShipToParty": ship_to,
                    "SalesOrganization": order["SalesOrganization"],
                    "ShippingPoint": order_items[0]["ShippingPoint"] if order_items else None,
                    "PlannedGoodsIssueDate": today,
                    "DeliveryDate": order["RequestedDeliveryDate"] or today,
                    "CreationDate": today,
                    "LastChangeDate": today,
                    "OverallGoodsMovementStatus": _NOT_STARTED,
                    "OverallSDProcessStatus": _NOT_STARTED,
                    "DeliveryVersion": _next_version(None),
                }
            )
            position = 0
            for item in order_items:
                quantity = wanted.get(item["SalesOrderItem"], item["RequestedQuantity"])
                if quantities is not None and item["SalesOrderItem"] not in wanted:
                    continue
                position += 10
                store.sets[DELIVERY_ITEMS].put(
                    {
                        "DeliveryDocument": number,
                        "DeliveryDocumentItem": f"{position:06d}",
                        "Material": item["Material"],
                        "DeliveryDocumentItemText": item["SalesOrderItemText"],
                        "ActualDeliveryQuantity": quantity,
                        "DeliveryQuantityUnit": item["RequestedQuantityUnit"],
                        "OriginalDeliveryQuantity": quantity,
                        "ReferenceSDDocument": sales_order,
                        "ReferenceSDDocumentItem": item["SalesOrderItem"],
                        "Plant": item["ProductionPlant"],
                        "GoodsMovementStatus": _NOT_STARTED,
                        "LastChangeDate": today,
                        "DeliveryVersion": _next_version(None),
                    }
                )
            return header

    def post_goods_issue(self, delivery: str, *, if_match: str | None) -> list[dict[str, Any]]:
        """Post the goods issue of a delivery (the ``PostGoodsIssue`` function import).

        Returns:
            One picking report per item (``PickingReport`` as JSON values).

        Raises:
            SimulatorError: 404 no such delivery; 428/412 ETag missing or stale; 400 posted
                already, or nothing to issue.
        """
        with self._lock:
            store = self._stores[SapService.OUTBOUND_DELIVERY]
            header = self._existing(store, DELIVERIES, (delivery,))
            header_type = store.sets[DELIVERIES].entity_type
            self._check_etag(header_type, header, if_match, f"{DELIVERIES}('{delivery}')")
            if header["OverallGoodsMovementStatus"] == _COMPLETE:
                raise _refuse(
                    400, "ZSIM/043", f"goods issue for delivery {delivery} is posted already"
                )
            _, _, items = store.related(DELIVERIES, header, "to_DeliveryDocumentItem")
            if not any((item["ActualDeliveryQuantity"] or 0) > 0 for item in items):
                raise _refuse(400, "ZSIM/044", f"delivery {delivery} has nothing to issue")
            now = self.clock.now()
            today = _midnight(now)
            header.update(
                OverallGoodsMovementStatus=_COMPLETE,
                OverallSDProcessStatus=_COMPLETE,
                ActualGoodsMovementDate=today,
            )
            self._touch(header_type, header, now)
            reports = []
            item_type = store.sets[DELIVERY_ITEMS].entity_type
            for item in items:
                item["GoodsMovementStatus"] = _COMPLETE
                self._touch(item_type, item, now)
                reports.append(
                    {
                        "SystemMessageIdentification": "ZSIM",
                        "SystemMessageNumber": "050",
                        "SystemMessageType": "S",
                        "SystemMessageVariable1": delivery,
                        "SystemMessageVariable2": item["DeliveryDocumentItem"],
                        "SystemMessageVariable3": "",
                        "SystemMessageVariable4": "",
                        "Batch": item["Batch"],
                        "DeliveryQuantityUnit": item["DeliveryQuantityUnit"],
                        "ActualDeliveryQuantity": str(item["ActualDeliveryQuantity"]),
                        "DeliveryDocumentItemText": item["DeliveryDocumentItemText"],
                        "Material": item["Material"],
                        "DeliveryDocumentItem": item["DeliveryDocumentItem"],
                        "DeliveryDocument": delivery,
                    }
                )
            for sales_order in {item["ReferenceSDDocument"] for item in items}:
                self._update_delivery_status(sales_order, now)
            return reports

    def _issued_quantities(self, sales_order: str) -> dict[str, Decimal]:
        store = self._stores[SapService.OUTBOUND_DELIVERY]
        issued: dict[str, Decimal] = {}
        for item in store.sets[DELIVERY_ITEMS]:
            if (
                item["ReferenceSDDocument"] == sales_order
                and item["GoodsMovementStatus"] == _COMPLETE
            ):
                name = item["ReferenceSDDocumentItem"]
                issued[name] = issued.get(name, Decimal(0)) + (item["ActualDeliveryQuantity"] or 0)
        return issued

    def _update_delivery_status(self, sales_order: str, now: datetime) -> None:
        orders = self._stores[SapService.SALES_ORDER]
        order = orders.sets[SALES_ORDERS].get((sales_order,))
        if order is None:
            return
        issued = self._issued_quantities(sales_order)
        _, _, items = orders.related(SALES_ORDERS, order, "to_Item")
        for item in items:
            done = issued.get(item["SalesOrderItem"], Decimal(0))
            if done >= item["RequestedQuantity"]:
                item["DeliveryStatus"] = _COMPLETE
            elif done > 0:
                item["DeliveryStatus"] = _PARTLY
        statuses = {item["DeliveryStatus"] for item in items}
        order["OverallTotalDeliveryStatus"] = (
            _COMPLETE
            if statuses == {_COMPLETE}
            else _PARTLY
            if statuses - {_NOT_STARTED}
            else _NOT_STARTED
        )
        order["LastChangeDateTime"] = now
        order["LastChangeDate"] = _midnight(now)

    # --- billing documents -----------------------------------------------------------------

    def create_billing_document(self, sales_order: str) -> Row:
        """A billing document (invoice) for a sales order: its issued quantities, or, before any
        goods issue, its ordered quantities.

        Raises:
            SimulatorError: (404) no such order.
        """
        with self._lock:
            orders = self._stores[SapService.SALES_ORDER]
            order = self._existing(orders, SALES_ORDERS, (sales_order,))
            _, _, order_items = orders.related(SALES_ORDERS, order, "to_Item")
            issued = self._issued_quantities(sales_order)
            store = self._stores[SapService.BILLING_DOCUMENT]
            number = str(self._next_billing_document)
            self._next_billing_document += 1
            now = self.clock.now()
            today = _midnight(now)
            total = Decimal(0)
            position = 0
            for item in order_items:
                quantity = (
                    issued.get(item["SalesOrderItem"]) if issued else item["RequestedQuantity"]
                )
                if not quantity:
                    continue
                position += 10
                price = self.config.prices.get(item["Material"], self.config.default_price)
                net = (quantity * price).quantize(Decimal("0.001"))
                total += net
                store.sets[BILLING_ITEMS].put(
                    {
                        "BillingDocument": number,
                        "BillingDocumentItem": f"{position:06d}",
                        "Material": item["Material"],
                        "BillingDocumentItemText": item["SalesOrderItemText"],
                        "BillingQuantity": quantity,
                        "BillingQuantityUnit": item["RequestedQuantityUnit"],
                        "NetAmount": net,
                        "GrossAmount": net,
                        "TaxAmount": Decimal(0),
                        "TransactionCurrency": order["TransactionCurrency"],
                        "ReferenceSDDocument": sales_order,
                        "ReferenceSDDocumentItem": item["SalesOrderItem"],
                        "SalesDocument": sales_order,
                        "SalesDocumentItem": item["SalesOrderItem"],
                    }
                )
            return store.sets[BILLING_DOCUMENTS].put(
                {
                    "BillingDocument": number,
                    "SDDocumentCategory": "M",
                    "BillingDocumentCategory": "L",
                    "BillingDocumentType": "F2",
                    "CreationDate": today,
                    "LastChangeDate": today,
                    "LastChangeDateTime": now,
                    "SalesOrganization": order["SalesOrganization"],
                    "DistributionChannel": order["DistributionChannel"],
                    "Division": order["OrganizationDivision"],
                    "BillingDocumentDate": today,
                    "BillingDocumentIsCancelled": False,
                    "TotalNetAmount": total,
                    "TransactionCurrency": order["TransactionCurrency"],
                    "TaxAmount": Decimal(0),
                    "TotalGrossAmount": total,
                    "PayerParty": order["SoldToParty"],
                    "CustomerPaymentTerms": order["CustomerPaymentTerms"],
                    "SoldToParty": order["SoldToParty"],
                    "PurchaseOrderByCustomer": order["PurchaseOrderByCustomer"],
                    "OverallBillingStatus": _NOT_STARTED,
                }
            )

    # --- reading state back ----------------------------------------------------------------

    def _snapshot(
        self, service: SapService, set_name: str, expand: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        with self._lock:
            store = self._stores[service]
            return [
                decode_entity(entity_json(store, set_name, row, "", dict(expand)))
                for row in store.sets[set_name]
            ]

    def sales_orders(self) -> list[dict[str, Any]]:
        """Every sales order with its items and partners, as plain JSON (ISO dates)."""
        return self._snapshot(
            SapService.SALES_ORDER, SALES_ORDERS, {"to_Item": {}, "to_Partner": {}}
        )

    def deliveries(self) -> list[dict[str, Any]]:
        """Every outbound delivery with its items, as plain JSON (ISO dates)."""
        return self._snapshot(
            SapService.OUTBOUND_DELIVERY, DELIVERIES, {"to_DeliveryDocumentItem": {}}
        )

    def billing_documents(self) -> list[dict[str, Any]]:
        """Every billing document with its items, as plain JSON (ISO dates)."""
        return self._snapshot(SapService.BILLING_DOCUMENT, BILLING_DOCUMENTS, {"to_Item": {}})
