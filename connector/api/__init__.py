"""The AHEAD API client: authentication, requests, paging, retries and errors.

The models of the API live in :mod:`connector.api.models` and its paths in
:mod:`connector.api.endpoints`; everything else a caller needs is importable from here.
"""

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
