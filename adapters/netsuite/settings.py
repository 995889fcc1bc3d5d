"""The typed settings of a connection to a NetSuite account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    StringConstraints,
)

from adapters.netsuite.endpoints import (
    PACKAGED_VERSION,
    account_domain,
    check_version,
    service_path,
    wsdl_path,
)
from connector.config import RetryConfig, Secret

Version = Annotated[str, AfterValidator(check_version)]
"""A SuiteTalk version such as ``2023_2``."""

AccountId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_]+$")]
"""A NetSuite account id such as ``1234567`` or ``1234567_SB1``."""


class NetSuiteSettings(BaseModel):
    """How to reach and authenticate to a NetSuite account over SuiteTalk SOAP.

    Attributes:
        account: the account id (``1234567_SB1`` for a sandbox).
        consumer_key: the integration record's consumer key.
        consumer_secret: its consumer secret.
        token_id: the access token's id.
        token_secret: the access token's secret.
        version: the SuiteTalk version.
        endpoint: the account's SuiteTalk domain; by default
            ``https://<account>.suitetalk.api.netsuite.com`` (a simulator's URL in tests).
        wsdl: where the WSDL is, a URL or a local file; by default the account's own, under
            :attr:`endpoint`. Our trimmed WSDL (``adapters.netsuite.PACKAGED_WSDL``) fits the
            simulator; a real account needs its own, which knows every field it answers with.
        wsdl_cache: a SQLite file keeping downloaded WSDL and XSD files, so that a process
            start does not fetch them again; none by default.
        wsdl_cache_seconds: how long a cached file is used before it is fetched again.
        concurrency: requests this connection has in progress at once, at most; keep it within
            the account's concurrency limit, which integrations share.
        timeout: seconds to wait for an answer.
        page_size: records per search page (NetSuite allows 5 to 1000).
        retry: how faults of the concurrency and usage limits are retried.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    account: AccountId
    consumer_key: Secret
    consumer_secret: Secret
    token_id: Secret
    token_secret: Secret
    version: Version = PACKAGED_VERSION
    endpoint: AnyHttpUrl | None = None
    wsdl: str | None = None
    wsdl_cache: Path | None = None
    wsdl_cache_seconds: int = Field(default=86400, ge=0)
    concurrency: int = Field(default=1, ge=1)
    timeout: PositiveFloat = 300.0
    page_size: int = Field(default=200, ge=5, le=1000)
    retry: RetryConfig = RetryConfig()

    @property
    def base_url(self) -> str:
        """The account's SuiteTalk domain, without a trailing slash."""
        if self.endpoint is not None:
            return str(self.endpoint).rstrip("/")
        return account_domain(self.account)

    @property
    def service_url(self) -> str:
        """The SOAP endpoint of :attr:`version`."""
        return self.base_url + service_path(self.version)

    @property
    def wsdl_location(self) -> str:
        """Where the WSDL is loaded from: :attr:`wsdl`, or the account's WSDL URL."""
        return self.wsdl or self.base_url + wsdl_path(self.version)
