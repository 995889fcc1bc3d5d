"""The token cache: owner-only file, atomic writes, one token per API and client."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from api_fakes import BASE_URL, FakeClock, FakeOAuthServer, RecordingSleep, fast_policy

from connector.api import AheadClient, OAuthApp, OAuthAuth, Token, TokenCache
from connector.api.tokens import default_token_cache_path


def token(suffix: str = "1") -> Token:
    return Token(f"access-{suffix}", f"refresh-{suffix}", FakeClock()() + timedelta(hours=3))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("permissive_umask")
def test_new_cache_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "home" / "tokens.json")
    cache.save(BASE_URL, "app-id", token())
    assert mode_of(cache.path) == 0o600


def test_existing_cache_file_is_tightened_to_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"version": 1, "tokens": {}}))
    path.chmod(0o644)
    TokenCache(path).load(BASE_URL, "app-id")
    assert mode_of(path) == 0o600


def test_saved_token_loads_back_equal(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "tokens.json")
    cache.save(BASE_URL, "app-id", token())
    assert TokenCache(cache.path).load(BASE_URL, "app-id") == token()


def test_tokens_are_kept_per_base_url_and_client_id(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "tokens.json")
    cache.save(BASE_URL, "app-id", token("a"))
    cache.save(BASE_URL, "other-app", token("b"))
    cache.save("https://api-sandbox.example", "app-id", token("c"))
    assert cache.load(BASE_URL, "app-id") == token("a")
    assert cache.load(BASE_URL + "/", "other-app") == token("b")
    assert cache.load("https://api-sandbox.example", "app-id") == token("c")
    assert cache.load("https://elsewhere.example", "app-id") is None


def test_delete_forgets_one_token(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "tokens.json")
    cache.save(BASE_URL, "app-id", token("a"))
    cache.save(BASE_URL, "other-app", token("b"))
    cache.delete(BASE_URL, "app-id")
    assert cache.load(BASE_URL, "app-id") is None
    assert cache.load(BASE_URL, "other-app") == token("b")


def test_writes_leave_no_temporary_file_behind(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "tokens.json")
    cache.save(BASE_URL, "app-id", token("a"))
    cache.save(BASE_URL, "app-id", token("b"))
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]


def test_corrupt_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    cache = TokenCache(path)
    assert cache.load(BASE_URL, "app-id") is None
    cache.save(BASE_URL, "app-id", token())
    assert cache.load(BASE_URL, "app-id") == token()


def test_cache_repr_and_logs_hold_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": {f"{BASE_URL} app-id": {"access_token": "access-x"}}}))
    cache = TokenCache(path)
    assert cache.load(BASE_URL, "app-id") is None
    assert "unreadable cached token" in caplog.text
    assert "access-x" not in caplog.text
    assert "access" not in repr(cache)


def test_default_path_is_under_ahead_connector_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AHEAD_CONNECTOR_HOME", str(tmp_path))
    assert default_token_cache_path() == tmp_path / "tokens.json"
    assert TokenCache().path == tmp_path / "tokens.json"


def test_default_path_falls_back_to_user_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AHEAD_CONNECTOR_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_token_cache_path() == tmp_path / ".config" / "ahead-connector" / "tokens.json"


def test_cached_token_is_reused_by_another_client_instance(tmp_path: Path) -> None:
    clock = FakeClock()
    server = FakeOAuthServer(clock)
    path = tmp_path / "tokens.json"

    def run_once() -> None:
        app = OAuthApp(BASE_URL, "app-id", "app-secret", transport=server.transport, clock=clock)
        auth = OAuthAuth(app, cache=TokenCache(path))
        retry = fast_policy(RecordingSleep())
        with app, AheadClient(BASE_URL, auth=auth, transport=server.transport, retry=retry) as c:
            c.authenticate()

    run_once()
    run_once()
    assert server.authorizations == 1
    assert server.bearers_seen == ["Bearer access-2", "Bearer access-2"]
    assert mode_of(path) == 0o600
    assert "access-2" in path.read_text()


def test_rotated_refresh_token_is_written_to_the_cache(tmp_path: Path) -> None:
    clock = FakeClock()
    server = FakeOAuthServer(clock)
    cache = TokenCache(tmp_path / "tokens.json")
    app = OAuthApp(BASE_URL, "app-id", "app-secret", transport=server.transport, clock=clock)
    with app:
        auth = OAuthAuth(app, cache=cache)
        first = auth.valid_token()
        clock.advance(10800)
        second = auth.valid_token()
    assert second.refresh_token != first.refresh_token
    assert cache.load(BASE_URL, "app-id") == second
