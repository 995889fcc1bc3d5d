"""SAP S/4HANA: the OData v2 client, our trimmed service metadata, and IDoc XML files.

- :class:`SapService`: the three OData services the connector uses, with our trimmed
  ``$metadata`` of each (package data in ``adapters/sap/metadata/``).
- :mod:`adapters.sap.simulator`: an OData v2 stand-in for tests and demos (imported on its own).

``docs/sap.md`` describes all of it.
"""

from adapters.sap.edm import MetadataError, ServiceMetadata, read_metadata
from adapters.sap.services import ODATA_ROOT, SapService
from adapters.sap.xmlsafe import XmlError, parse_xml

__all__ = [
    "ODATA_ROOT",
    "MetadataError",
    "SapService",
    "ServiceMetadata",
    "XmlError",
    "parse_xml",
    "read_metadata",
]
