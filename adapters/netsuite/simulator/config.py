"""The simulator's settings: the account it plays, its credentials, limits and saved searches."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from adapters.netsuite.records import RecordType

#: The account and token-based-authentication credentials the simulator accepts by default.
#: They are the simulator's own, published on purpose; never a real account's.
DEFAULT_ACCOUNT = "1234567_SB1"
DEFAULT_CONSUMER_KEY = "simulator-consumer-key"
DEFAULT_CONSUMER_SECRET = "simulator-consumer-secret"
DEFAULT_TOKEN_ID = "simulator-token-id"
DEFAULT_TOKEN_SECRET = "simulator-token-secret"
#: The saved search of sales orders the simulator knows by default.
DEFAULT_SAVED_SEARCH_ID = "1001"
DEFAULT_SAVED_SEARCH_SCRIPT_ID = "customsearch_ahead_sales_orders"


@dataclass(frozen=True)
class SimulatorCredentials:
    """The account and the one integration and token the simulator accepts.

    Attributes:
        account: the account id, as sent in the passport (``1234567_SB1``).
        consumer_key: the integration record's consumer key.
        consumer_secret: its consumer secret.
        token_id: the access token's id.
        token_secret: the access token's secret.
    """

    account: str = DEFAULT_ACCOUNT
    consumer_key: str = DEFAULT_CONSUMER_KEY
    consumer_secret: SecretStr = field(default_factory=lambda: SecretStr(DEFAULT_CONSUMER_SECRET))
    token_id: str = DEFAULT_TOKEN_ID
    token_secret: SecretStr = field(default_factory=lambda: SecretStr(DEFAULT_TOKEN_SECRET))


@dataclass(frozen=True)
class SavedSearch:
    """A saved search the simulator knows: which record types it returns.

    Attributes:
        search_id: its internal id (``savedSearchId``).
        script_id: its script id (``savedSearchScriptId``).
        record_types: the record types it returns; the request's criteria narrow them further.
    """

    search_id: str
    script_id: str | None
    record_types: frozenset[RecordType]


@dataclass(frozen=True)
class SimulatorConfig:
    """How the simulator behaves.

    Attributes:
        credentials: the account and credentials it accepts.
        timestamp_tolerance: seconds a passport's timestamp may be off the simulator's clock.
        concurrency_limit: requests that may be in progress at once; one more is refused with
            ``WS_REQUEST_BLOCKED`` as NetSuite does (``None``: no limit).
        default_page_size: the page size of a search that asks for none.
        search_lifetime: seconds a search id can be paged with ``searchMoreWithId``.
        saved_searches: the saved searches it knows.
    """

    credentials: SimulatorCredentials = field(default_factory=SimulatorCredentials)
    timestamp_tolerance: float = 300.0
    concurrency_limit: int | None = None
    default_page_size: int = 1000
    search_lifetime: float = 900.0
    saved_searches: tuple[SavedSearch, ...] = (
        SavedSearch(
            DEFAULT_SAVED_SEARCH_ID,
            DEFAULT_SAVED_SEARCH_SCRIPT_ID,
            frozenset({RecordType.SALES_ORDER}),
        ),
    )
