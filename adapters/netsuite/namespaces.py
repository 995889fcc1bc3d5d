"""SuiteTalk's XML namespaces, which carry the version: ``urn:core_2023_2.platform...``."""

from __future__ import annotations

from enum import Enum

from adapters.netsuite.endpoints import check_version


class Namespace(Enum):
    """A SuiteTalk schema, as (name, area) of its namespace ``urn:<name>_<version>.<area>...``."""

    PLATFORM = ("platform", "")
    CORE = ("core", "platform")
    CORE_TYPES = ("types.core", "platform")
    COMMON = ("common", "platform")
    COMMON_TYPES = ("types.common", "platform")
    MESSAGES = ("messages", "platform")
    FAULTS = ("faults", "platform")
    FAULT_TYPES = ("types.faults", "platform")
    SALES = ("sales", "transactions")
    SALES_TYPES = ("types.sales", "transactions")
    PURCHASES = ("purchases", "transactions")
    CUSTOMERS = ("customers", "transactions")
    CUSTOMERS_TYPES = ("types.customers", "transactions")
    ACCOUNTING = ("accounting", "lists")

    def uri(self, version: str) -> str:
        """The namespace of this schema in a SuiteTalk version (``2023_2``)."""
        name, area = self.value
        where = f".{area}" if area else ""
        return f"urn:{name}_{check_version(version)}{where}.webservices.netsuite.com"
