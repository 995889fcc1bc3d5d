"""The sandbox serves every endpoint of the endpoint table, with every verb the table lists."""

from __future__ import annotations

import re

from fastapi import FastAPI

from connector.api.endpoints import ENDPOINTS, Endpoint, Verb


def expected_routes(endpoint: Endpoint) -> set[tuple[str, str]]:
    one = endpoint.item_path("{id}")
    routes = {
        Verb.LIST: ("GET", endpoint.path),
        Verb.GET: ("GET", one),
        Verb.CREATE: ("POST", endpoint.path),
        Verb.UPDATE: ("PUT", endpoint.path if endpoint.update_on_collection else one),
        Verb.DELETE: ("DELETE", one),
    }
    extra = {("GET", path) for path in endpoint.extra_paths.values()}
    return {routes[verb] for verb in endpoint.verbs} | extra


def test_every_endpoint_and_verb_of_the_table_has_a_route(app: FastAPI) -> None:
    # The OpenAPI document lists every route the app serves, included routers and all.
    served = {
        (method.upper(), re.sub(r"\{[^}]+\}", "{id}", path))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }

    missing = {
        route for endpoint in ENDPOINTS.values() for route in expected_routes(endpoint)
    } - served

    assert missing == set()


def test_the_app_describes_itself_as_openapi(app: FastAPI) -> None:
    paths = app.openapi()["paths"]

    assert "/v2/customer_order_submissions" in paths
    assert "/sandbox/orders/{id}/advance" in paths
