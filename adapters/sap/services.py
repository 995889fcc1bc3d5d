"""The three SAP S/4HANA OData v2 services the connector talks to, and our trimmed metadata of each.

Our ``$metadata`` files are in ``adapters/sap/metadata/`` (package data): a true subset of SAP's,
holding only the entity types, sets and operations the connector uses.
"""

from __future__ import annotations

from enum import StrEnum
from importlib import resources

from adapters.sap.edm import ServiceMetadata, read_metadata

__all__ = ["ODATA_ROOT", "SapService"]

#: Where SAP Gateway serves OData v2 services.
ODATA_ROOT = "/sap/opu/odata/sap"


class SapService(StrEnum):
    """An OData service, by its name in the service URL (with its version, if any)."""

    SALES_ORDER = "API_SALES_ORDER_SRV"
    OUTBOUND_DELIVERY = "API_OUTBOUND_DELIVERY_SRV;v=0002"
    BILLING_DOCUMENT = "API_BILLING_DOCUMENT_SRV"

    @property
    def path(self) -> str:
        """The service root's path, e.g. ``/sap/opu/odata/sap/API_SALES_ORDER_SRV``."""
        return f"{ODATA_ROOT}/{self.value}"

    @property
    def metadata_file(self) -> str:
        """The name of our trimmed metadata file in ``adapters/sap/metadata/``."""
        return self.value.replace(";v=", "_") + ".edmx"

    def metadata_bytes(self) -> bytes:
        """Our trimmed ``$metadata`` document for this service."""
        return resources.files("adapters.sap.metadata").joinpath(self.metadata_file).read_bytes()

    def metadata(self) -> ServiceMetadata:
        """Our trimmed ``$metadata``, read."""
        return read_metadata(
            self.metadata_bytes(), source=f"adapters/sap/metadata/{self.metadata_file}"
        )
