"""A loaded deployment: its folder, its validated configuration, and what is built from them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import pydantic
from pydantic import BaseModel
from sqlalchemy import make_url

from connector.api import AheadClient, HmacAuth, OAuthApp, OAuthAuth, TokenCache
from connector.config.diagnostics import problems_from
from connector.config.documents import ConfigPath, Place, problem_at
from connector.config.errors import ConfigError
from connector.config.model import ConnectorConfig
from connector.config.references import ReferenceContext, interpolate_tree

SettingsT = TypeVar("SettingsT", bound=BaseModel)


class Deployment:
    """One customer's deployment: a folder with a valid ``connector.yaml``.

    Made by :func:`~connector.config.load_deployment`; never holds a secret in clear in its
    ``repr``.

    Attributes:
        directory: the deployment folder, absolute.
        config: the validated configuration.
        files: the configuration files read, ``connector.yaml`` first.
        secrets_deferred: loaded for store commands only: secrets that could not be resolved
            are empty, and no AHEAD client is built.
    """

    def __init__(
        self,
        directory: Path,
        config: ConnectorConfig,
        *,
        files: Sequence[Path],
        places: Mapping[ConfigPath, Place],
        environ: Mapping[str, str],
        secrets_deferred: bool = False,
    ) -> None:
        self.directory = directory
        self.config = config
        self.files = tuple(files)
        self._places = places
        self._environ = environ
        self.secrets_deferred = secrets_deferred

    def __repr__(self) -> str:
        return f"Deployment({str(self.directory)!r})"

    def path(self, value: str | Path) -> Path:
        """``value`` resolved against the deployment folder (absolute paths stay as they are)."""
        path = Path(value)
        return path if path.is_absolute() else self.directory / path

    def store_url(self) -> str:
        """The store's URL for :meth:`CheckpointStore.open <connector.store.CheckpointStore.open>`,
        a relative SQLite path made relative to the deployment folder.

        It may carry a password: pass it on, never print it.
        """
        url = make_url(self.config.store.url.get_secret_value())
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            url = url.set(database=str(self.path(url.database)))
        return url.render_as_string(hide_password=False)

    def adapter_settings(self, name: str, model: type[SettingsT]) -> SettingsT:
        """The settings of adapter ``name``, resolved and validated with ``model``.

        Args:
            name: the adapter's name in ``adapters``.
            model: the adapter class's ``settings_model``.

        Raises:
            KeyError: the deployment has no adapter ``name``.
            ConfigError: the settings do not fit ``model``; each problem names its line.
        """
        prefix: ConfigPath = ("adapters", name, "settings")
        main = self.files[0]
        data, problems = interpolate_tree(
            self.config.adapters[name].settings, self._environ, path=prefix
        )
        if problems:
            raise ConfigError(problem_at(main, self._places, path, text) for path, text in problems)
        try:
            return model.model_validate(data, context=ReferenceContext(self.directory))
        except pydantic.ValidationError as exc:
            raise ConfigError(
                problems_from(exc, model, self._places, main, prefix=prefix)
            ) from None

    @contextmanager
    def ahead_client(
        self, *, transport: httpx.BaseTransport | None = None
    ) -> Iterator[AheadClient]:
        """A client of the AHEAD API as configured, closed (with its OAuth app) on exit.

        OAuth tokens are kept in the configured token cache.

        Args:
            transport: the httpx transport (tests plug an in-process app in here).

        Raises:
            ConfigError: the deployment was loaded with its secrets deferred.
        """
        if self.secrets_deferred:
            raise ConfigError(
                [
                    problem_at(
                        self.files[0],
                        self._places,
                        ("ahead", "auth"),
                        "the AHEAD credentials were not resolved (the deployment was loaded "
                        "for store commands only); load it with its secrets",
                    )
                ]
            )
        ahead = self.config.ahead
        with ExitStack() as stack:
            auth: HmacAuth | OAuthAuth
            if ahead.auth.oauth is not None:
                oauth = ahead.auth.oauth
                app = OAuthApp(
                    ahead.base_url,
                    oauth.client_id,
                    oauth.client_secret.get_secret_value(),
                    transport=transport,
                    timeout=ahead.timeout,
                )
                stack.enter_context(app)
                auth = OAuthAuth(app, cache=TokenCache(self.path(oauth.token_cache)))
            else:
                assert ahead.auth.hmac is not None  # the model requires one scheme
                auth = HmacAuth(
                    ahead.auth.hmac.token.get_secret_value(),
                    ahead.auth.hmac.secret.get_secret_value(),
                )
            yield stack.enter_context(
                AheadClient(
                    ahead.base_url,
                    auth=auth,
                    transport=transport,
                    timeout=ahead.timeout,
                    retry=ahead.retry.policy(),
                )
            )
