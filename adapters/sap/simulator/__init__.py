"""A local stand-in for SAP S/4HANA's OData v2 APIs, for tests, demos and development.

It serves ``API_SALES_ORDER_SRV``, ``API_OUTBOUND_DELIVERY_SRV;v=0002`` and
``API_BILLING_DOCUMENT_SRV`` from our trimmed ``$metadata``, with Basic auth, OAuth client
credentials, the CSRF token flow, ``$filter``/``$orderby``/``$top``/``$skip``/``$inlinecount``/
``$expand``/``$select``, server-driven paging (``__next``), deep insert, ETags, the goods issue,
SAP-style errors, injectable faults and a control API. ``docs/sap.md`` describes it.

::

    from adapters.sap.simulator import SapSimulatorServer

    with SapSimulatorServer() as server:
        ...  # talk to server.service_url(SapService.SALES_ORDER); seed through server.simulator
"""

from adapters.sap.simulator.app import create_app
from adapters.sap.simulator.clock import SimulatorClock
from adapters.sap.simulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    SapSimulatorConfig,
)
from adapters.sap.simulator.faults import Fault, FaultKind
from adapters.sap.simulator.server import SapSimulatorServer, serve
from adapters.sap.simulator.state import RequestRecord, SapSimulator

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "Fault",
    "FaultKind",
    "RequestRecord",
    "SapSimulator",
    "SapSimulatorConfig",
    "SapSimulatorServer",
    "SimulatorClock",
    "create_app",
    "serve",
]
