"""The AHEAD API client: authentication, requests, paging, retries and errors.

The models of the API live in :mod:`connector.api.models` and its paths in
:mod:`connector.api.endpoints`; everything else a caller needs is importable from here.

Each name is imported from its module on first use, so that importing the models, the endpoint
table or the errors alone does not load the HTTP client (the command line's help needs the
endpoint table, and starts faster without httpx).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connector.api.auth import HmacAuth, OAuthApp, OAuthAuth
    from connector.api.client import AheadClient
    from connector.api.errors import (
        AheadError,
        ApiError,
        AuthError,
        ConfigurationError,
        NotFoundError,
        OutcomeUnknownError,
        RateLimitedError,
        ServerError,
        TransportError,
        UnexpectedResponseError,
        ValidationError,
    )
    from connector.api.query import encode_q
    from connector.api.reports import parse_automation_tasks_csv
    from connector.api.retry import RetryPolicy
    from connector.api.tokens import Token, TokenCache

#: The module that defines each exported name.
_MODULES = {
    "AheadClient": "connector.api.client",
    "AheadError": "connector.api.errors",
    "ApiError": "connector.api.errors",
    "AuthError": "connector.api.errors",
    "ConfigurationError": "connector.api.errors",
    "HmacAuth": "connector.api.auth",
    "NotFoundError": "connector.api.errors",
    "OAuthApp": "connector.api.auth",
    "OAuthAuth": "connector.api.auth",
    "OutcomeUnknownError": "connector.api.errors",
    "RateLimitedError": "connector.api.errors",
    "RetryPolicy": "connector.api.retry",
    "ServerError": "connector.api.errors",
    "Token": "connector.api.tokens",
    "TokenCache": "connector.api.tokens",
    "TransportError": "connector.api.errors",
    "UnexpectedResponseError": "connector.api.errors",
    "ValidationError": "connector.api.errors",
    "encode_q": "connector.api.query",
    "parse_automation_tasks_csv": "connector.api.reports",
}


if not TYPE_CHECKING:
    # Hidden from the type checker, which would otherwise take any misspelt name for a valid one.
    __getattr__, __dir__ = lazy_exports(__name__, _MODULES)

__all__ = [
    "AheadClient",
    "AheadError",
    "ApiError",
    "AuthError",
    "ConfigurationError",
    "HmacAuth",
    "NotFoundError",
    "OAuthApp",
    "OAuthAuth",
    "OutcomeUnknownError",
    "RateLimitedError",
    "RetryPolicy",
    "ServerError",
    "Token",
    "TokenCache",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
    "encode_q",
    "parse_automation_tasks_csv",
]
