"""Token passports: signed as NetSuite specifies, accepted by the simulator over loopback, and
refused when a secret is wrong, the timestamp is stale or a nonce comes back."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from netsuite_support import WaitRecorder, sales_order, settings_for
from pydantic import SecretStr

from adapters.netsuite import (
    FaultType,
    NetSuiteClient,
    NetSuiteFaultError,
    RecordType,
    TokenPassport,
)
from adapters.netsuite.simulator import SimulatorServer


def test_signature_is_base64_hmac_sha256_of_the_base_string_keyed_by_both_secrets() -> None:
    passport = TokenPassport.signed(
        account="1234567",
        consumer_key="ck",
        consumer_secret="cs",
        token="tk",
        token_secret="ts",
        nonce="6obMKq0tmY8ylVOdEkA1",
        timestamp=1439829974,
    )
    expected = base64.b64encode(
        hmac.new(
            b"cs&ts", b"1234567&ck&tk&6obMKq0tmY8ylVOdEkA1&1439829974", hashlib.sha256
        ).digest()
    ).decode()

    assert passport.base_string() == "1234567&ck&tk&6obMKq0tmY8ylVOdEkA1&1439829974"
    assert passport.signature == expected
    assert passport.algorithm == "HMAC-SHA256"


def test_a_correctly_signed_passport_is_accepted(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-A", ("301", 1)))

    record = client.get(RecordType.SALES_ORDER, internal_id=internal_id)

    assert record.internalId == internal_id
    assert record.externalId == "SO-A"


def test_every_request_carries_a_fresh_passport(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-A", ("301", 1)))

    # The simulator refuses a nonce it has seen: three answers mean three passports.
    for _ in range(3):
        client.get(RecordType.SALES_ORDER, internal_id=internal_id)

    assert server.simulator.requests["get"] == 3


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"token_secret": SecretStr("not-the-token-secret")}, "the signature does not match"),
        ({"consumer_secret": SecretStr("not-the-secret")}, "the signature does not match"),
        ({"consumer_key": SecretStr("someone-else")}, "the consumer key is not known"),
        ({"account": "7654321"}, "the account '7654321' is not this account"),
    ],
    ids=["wrong-token-secret", "wrong-consumer-secret", "unknown-consumer-key", "other-account"],
)
def test_a_passport_with_wrong_credentials_is_refused_and_not_retried(
    server: SimulatorServer, waits: WaitRecorder, changes: dict[str, object], reason: str
) -> None:
    settings = settings_for(server, **changes)
    with (
        NetSuiteClient(settings, retry=waits.policy()) as client,
        pytest.raises(NetSuiteFaultError) as refused,
    ):
        client.get(RecordType.SALES_ORDER, internal_id="1")

    assert refused.value.fault is FaultType.INVALID_CREDENTIALS
    assert refused.value.code == "INVALID_LOGIN_CREDENTIALS"
    assert reason in refused.value.message
    assert not refused.value.retryable
    assert server.simulator.requests["get"] == 1
    assert waits.waits == []


def test_a_stale_timestamp_is_refused(server: SimulatorServer, waits: WaitRecorder) -> None:
    ten_minutes_ago = time.time() - 600

    with (
        NetSuiteClient(
            settings_for(server), retry=waits.policy(), clock=lambda: ten_minutes_ago
        ) as client,
        pytest.raises(NetSuiteFaultError) as refused,
    ):
        client.get(RecordType.SALES_ORDER, internal_id="1")

    assert refused.value.fault is FaultType.INVALID_CREDENTIALS
    assert "off the server's clock" in refused.value.message


def test_a_nonce_used_twice_is_refused_the_second_time(
    server: SimulatorServer, waits: WaitRecorder
) -> None:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-A", ("301", 1)))

    with NetSuiteClient(
        settings_for(server), retry=waits.policy(), nonce=lambda: "sameNonce123"
    ) as client:
        client.get(RecordType.SALES_ORDER, internal_id=internal_id)
        with pytest.raises(NetSuiteFaultError) as refused:
            client.get(RecordType.SALES_ORDER, internal_id=internal_id)

    assert "the nonce was used before" in refused.value.message
