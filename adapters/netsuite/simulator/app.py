"""The simulator over HTTP: the WSDL and XSDs, the SOAP endpoint, and a control API.

Paths, as under an account's SuiteTalk domain:

- ``GET /wsdl/v2023_2_0/netsuite.wsdl`` and ``GET /wsdl/v2023_2_0/xsd/<file>.xsd``: our trimmed
  WSDL and its schemas;
- ``POST /services/NetSuitePort_2023_2``: SOAP requests.

The control API, for tests and the demo (JSON):

- ``GET /control/records/{type}``, ``GET /control/records/{type}/{internal id}``: records as
  record data (see :mod:`~adapters.netsuite.simulator.data`); ``POST /control/records/{type}``
  with record data seeds one and answers its ``internalId``;
- ``POST /control/faults`` (a :class:`~adapters.netsuite.simulator.faults.FaultInjection`),
  ``GET /control/faults``, ``DELETE /control/faults`` (also resets the latency);
- ``PUT /control/latency`` with ``{"seconds": 0.5}``;
- ``POST /control/saved-searches`` with ``{"search_id", "script_id", "record_types"}``;
- ``GET /control/stats``: requests per operation and WSDL downloads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from adapters.netsuite.endpoints import PACKAGED_WSDL, service_path, wsdl_path
from adapters.netsuite.records import RecordType
from adapters.netsuite.simulator.config import SavedSearch, SimulatorConfig
from adapters.netsuite.simulator.data import RecordData, RecordDataError
from adapters.netsuite.simulator.faults import FaultInjection
from adapters.netsuite.simulator.service import NetSuiteSimulator

_XML = "text/xml; charset=utf-8"
_NOT_FOUND = 404
_BAD_REQUEST = 400
_NO_CONTENT = 204


class LatencyBody(BaseModel):
    """``PUT /control/latency``."""

    model_config = ConfigDict(extra="forbid")

    seconds: float = Field(ge=0)


class SavedSearchBody(BaseModel):
    """``POST /control/saved-searches``."""

    model_config = ConfigDict(extra="forbid")

    search_id: str
    script_id: str | None = None
    record_types: list[RecordType]


def create_app(
    config: SimulatorConfig | None = None, *, simulator: NetSuiteSimulator | None = None
) -> FastAPI:
    """The simulator's ASGI app; its simulator is ``app.state.simulator``.

    Args:
        config: the configuration of a new simulator.
        simulator: a simulator to serve instead of a new one.
    """
    served = simulator or NetSuiteSimulator(config)
    app = FastAPI(title="NetSuite SuiteTalk simulator", docs_url=None, redoc_url=None)
    app.state.simulator = served
    wsdl_url = wsdl_path(served.version)
    schemas = {path.name: path for path in (PACKAGED_WSDL.parent / "xsd").glob("*.xsd")}

    @app.get(wsdl_url)
    def wsdl() -> Response:
        served.wsdl_downloads += 1
        return Response(PACKAGED_WSDL.read_bytes(), media_type=_XML)

    @app.get(wsdl_url.rsplit("/", 1)[0] + "/xsd/{name}")
    def schema(name: str) -> Response:
        path = schemas.get(name)
        if path is None:
            raise HTTPException(_NOT_FOUND, f"no schema {name}")
        return Response(path.read_bytes(), media_type=_XML)

    @app.post(service_path(served.version))
    async def soap(request: Request) -> Response:
        content = await request.body()
        answer = await run_in_threadpool(served.handle, content, request.headers.get("SOAPAction"))
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

    @app.get("/control/records/{record_type}")
    def records(record_type: RecordType) -> list[RecordData]:
        return served.records(record_type)

    @app.get("/control/records/{record_type}/{internal_id}")
    def record(record_type: RecordType, internal_id: str) -> RecordData:
        found = served.record(record_type, internal_id)
        if found is None:
            raise HTTPException(_NOT_FOUND, f"no {record_type} {internal_id}")
        return found

    @app.post("/control/records/{record_type}", status_code=201)
    def seed(record_type: RecordType, data: Annotated[dict[str, Any], Body()]) -> dict[str, str]:
        try:
            return {"internalId": served.seed(record_type, data)}
        except (RecordDataError, ValueError) as exc:
            raise HTTPException(_BAD_REQUEST, str(exc)) from None

    @app.get("/control/faults")
    def faults() -> list[FaultInjection]:
        return served.faults.pending()

    @app.post("/control/faults", status_code=_NO_CONTENT)
    def inject(injection: FaultInjection) -> None:
        served.inject(injection)

    @app.delete("/control/faults", status_code=_NO_CONTENT)
    def clear() -> None:
        served.faults.clear()

    @app.put("/control/latency", status_code=_NO_CONTENT)
    def latency(body: LatencyBody) -> None:
        served.faults.latency = body.seconds

    @app.post("/control/saved-searches", status_code=_NO_CONTENT)
    def saved_search(body: SavedSearchBody) -> None:
        served.add_saved_search(
            SavedSearch(body.search_id, body.script_id, frozenset(body.record_types))
        )

    @app.get("/control/stats")
    def stats() -> dict[str, Any]:
        return {"requests": dict(served.requests), "wsdl_downloads": served.wsdl_downloads}

    return app
