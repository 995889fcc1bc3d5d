"""The connection settings of the command line: which API, which credentials, which cache.

Values come from the command line's options first, then from the environment (Typer reads the
``AHEAD_*`` variables named in :mod:`connector.cli.app`). Secrets are held as
:class:`~pydantic.SecretStr`, so printing the settings never shows them.
"""

from __future__ import annotations

import enum
from pathlib import Path

import typer
from pydantic import BaseModel, ConfigDict, SecretStr

from connector.cli.errors import UsageError


class AuthScheme(enum.StrEnum):
    """How requests prove who sends them."""

    OAUTH = "oauth"
    HMAC = "hmac"


class ConnectionSettings(BaseModel):
    """Where the AHEAD API is and how to authenticate to it.

    Attributes:
        base_url: the API's root URL; not needed with ``sandbox``.
        client_id: the OAuth client id issued by AHEAD.
        client_secret: the OAuth client secret.
        client_secret_file: a file holding the OAuth client secret instead.
        hmac_token: the token of the older HMAC scheme.
        hmac_secret: the secret of the older HMAC scheme.
        hmac_secret_file: a file holding the HMAC secret instead.
        token_cache: the OAuth token cache file; ``None`` means the default location.
        sandbox: talk to a sandbox running inside this process, with its default credentials.
    """

    model_config = ConfigDict(frozen=True)

    base_url: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    client_secret_file: Path | None = None
    hmac_token: SecretStr | None = None
    hmac_secret: SecretStr | None = None
    hmac_secret_file: Path | None = None
    token_cache: Path | None = None
    sandbox: bool = False

    @property
    def auth_scheme(self) -> AuthScheme:
        """OAuth when a client id is set (the reference's main scheme), else HMAC when set.

        Raises:
            UsageError: neither is configured.
        """
        if self.client_id:
            return AuthScheme.OAUTH
        if self.hmac_token:
            return AuthScheme.HMAC
        raise UsageError(
            "no credentials: give --client-id and --client-secret (OAuth) or --hmac-token "
            "and --hmac-secret (HMAC), or set AHEAD_CLIENT_ID/AHEAD_CLIENT_SECRET or "
            "AHEAD_HMAC_TOKEN/AHEAD_HMAC_SECRET; --sandbox needs none"
        )

    def require_base_url(self) -> str:
        """The base URL without a trailing slash.

        Raises:
            UsageError: it is not set.
        """
        if not self.base_url:
            raise UsageError("no API URL: give --base-url or set AHEAD_BASE_URL (or use --sandbox)")
        return self.base_url.rstrip("/")

    def require_client_id(self) -> str:
        """The OAuth client id.

        Raises:
            UsageError: it is not set.
        """
        if not self.client_id:
            raise UsageError("no OAuth client id: give --client-id or set AHEAD_CLIENT_ID")
        return self.client_id

    def require_client_secret(self) -> SecretStr:
        """The OAuth client secret, read from its file if it was given as one.

        Raises:
            UsageError: it is not set, set twice, or its file cannot be read.
        """
        secret = secret_from(self.client_secret, self.client_secret_file, "client-secret")
        if secret is None:
            raise UsageError(
                "no OAuth client secret: give --client-secret or --client-secret-file, "
                "or set AHEAD_CLIENT_SECRET or AHEAD_CLIENT_SECRET_FILE"
            )
        return secret

    def require_hmac_secret(self) -> SecretStr:
        """The HMAC secret, read from its file if it was given as one.

        Raises:
            UsageError: it is not set, set twice, or its file cannot be read.
        """
        secret = secret_from(self.hmac_secret, self.hmac_secret_file, "hmac-secret")
        if secret is None:
            raise UsageError(
                "no HMAC secret: give --hmac-secret or --hmac-secret-file, "
                "or set AHEAD_HMAC_SECRET or AHEAD_HMAC_SECRET_FILE"
            )
        return secret


def secret_from(value: SecretStr | None, file: Path | None, option: str) -> SecretStr | None:
    """A secret given either directly or as a file holding it (one trailing newline dropped).

    Args:
        value: the secret from ``--<option>`` or its environment variable.
        file: the file from ``--<option>-file`` or its environment variable.
        option: the option's name, for error messages.

    Raises:
        UsageError: both are given, or the file cannot be read or is empty.
    """
    if value is not None and file is not None:
        raise UsageError(f"give --{option} or --{option}-file, not both")
    if file is None:
        return value
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --{option}-file {file}: {exc.strerror}") from None
    secret = text.removesuffix("\n").removesuffix("\r")
    if not secret:
        raise UsageError(f"--{option}-file {file} is empty")
    return SecretStr(secret)


def settings_of(ctx: typer.Context) -> ConnectionSettings:
    """The connection settings the root command read from its options and the environment."""
    settings = ctx.find_object(ConnectionSettings)
    return settings if settings is not None else ConnectionSettings()
