"""The public surface of connector.api is exactly what we mean to support."""

from __future__ import annotations

import connector.api

INTENDED = {
    "AheadClient",
    "HmacAuth",
    "OAuthApp",
    "OAuthAuth",
    "RetryPolicy",
    "Token",
    "TokenCache",
    "encode_q",
    "parse_automation_tasks_csv",
    "AheadError",
    "ApiError",
    "AuthError",
    "ConfigurationError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitedError",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
}


def test_all_is_exactly_the_intended_names() -> None:
    assert set(connector.api.__all__) == INTENDED
    assert len(connector.api.__all__) == len(INTENDED)


def test_every_exported_name_exists() -> None:
    for name in connector.api.__all__:
        assert getattr(connector.api, name) is not None
