"""HMAC request signing: the official vectors, and requests that HmacAuth signs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from api_fakes import BASE_URL, FakeClock, ScriptedApi, envelope, reply

from connector.api import AheadClient, HmacAuth, encode_q, models
from connector.api.auth import format_x_date
from connector.api.signing import EMPTY_BODY, hmac_signature

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
VECTORS_FILE = REFERENCE / "ahead-hmac-vectors.json"

TOKEN = "public-token-1234"
SECRET = "secret-abcdef-0987"


def load_vectors() -> tuple[str, list[dict[str, str]]]:
    if not VECTORS_FILE.exists():
        pytest.skip(f"the AHEAD HMAC test vectors are not present at {VECTORS_FILE}")
    document = json.loads(VECTORS_FILE.read_text())
    return document["date"], document["vectors"]


@pytest.mark.parametrize("index", range(4))
def test_signature_matches_official_vector(index: int) -> None:
    date, vectors = load_vectors()
    vector = vectors[index]
    signature = hmac_signature(
        vector["secret"], vector["method"], vector["body"], date, vector["url"]
    )
    assert signature == vector["result"]


def signature_is_valid(request: httpx.Request) -> bool:
    """What a server does: recompute the signature from the request as received."""
    token, _, signature = request.headers["MBX-Auth"].partition(":")
    expected = hmac_signature(
        SECRET,
        request.method,
        request.content,
        request.headers["X-Date"],
        request.url.raw_path.decode("ascii"),
    )
    return token == TOKEN and signature == expected


def signed_client(api: ScriptedApi, clock: FakeClock | None = None):
    return api.client(auth=HmacAuth(TOKEN, SECRET, clock=clock or FakeClock()))


def test_get_with_query_is_signed_over_path_with_query_string_and_empty_body() -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(json_body=envelope([])))
    with signed_client(api) as client:
        client.list("items", {"name": "Generic Appliance"}, limit=5)

    (request,) = api.requests
    assert request.content == EMPTY_BODY
    assert request.url.raw_path.decode().startswith("/v2/items?q=")
    assert signature_is_valid(request)


def test_signature_breaks_if_query_string_is_left_out() -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(json_body=envelope([])))
    with signed_client(api) as client:
        client.list("items", limit=5)

    (request,) = api.requests
    _, _, signature = request.headers["MBX-Auth"].partition(":")
    without_query = hmac_signature(
        SECRET, "GET", request.content, request.headers["X-Date"], request.url.path
    )
    assert signature != without_query


def test_post_is_signed_over_md5_of_its_json_body() -> None:
    answer = {"id": 1, "serial_id": 2, "manufacturer_serial": "SN-1"}
    api = ScriptedApi().on("POST", "/v2/automation_queues", reply(201, json_body=answer))
    queue = models.AutomationQueueCreate(
        manufacturer_serial="SN-1",
        ip_address="10.0.0.5",
        automation_tasks=[models.AutomationTaskSpec(task_type_id=1, sequence=1)],
    )
    with signed_client(api) as client:
        client.create_automation_queue(queue)

    (request,) = api.requests
    assert json.loads(request.content)["manufacturer_serial"] == "SN-1"
    assert request.headers["Content-Type"] == "application/json"
    assert signature_is_valid(request)


def test_x_date_is_utc_iso_8601_from_injected_clock() -> None:
    clock = FakeClock(datetime(2014, 10, 3, 17, 16, 10, 444663, tzinfo=UTC))
    api = ScriptedApi().on("GET", "/v2/authenticate", reply(text="ok"))
    with signed_client(api, clock) as client:
        client.authenticate()

    assert api.requests[0].headers["X-Date"] == "2014-10-03T17:16:10.444Z"


def test_x_date_of_a_non_utc_clock_is_converted_to_utc() -> None:
    moment = datetime.fromisoformat("2024-05-01T14:00:00.250+02:00")
    assert format_x_date(moment) == "2024-05-01T12:00:00.250Z"


def test_q_is_signed_exactly_as_encoded() -> None:
    api = ScriptedApi().on("GET", "/v2/countries", reply(json_body=envelope([])))
    with signed_client(api) as client:
        client.list("countries", {"iso_code": "CA"}, limit=1)

    raw = api.requests[0].url.raw_path.decode()
    assert raw == "/v2/countries?q=" + encode_q({"limit": 1, "iso_code": "CA"})


def test_hmac_auth_repr_hides_token_and_secret() -> None:
    auth = HmacAuth(TOKEN, SECRET)
    with signed_client(ScriptedApi()) as client:
        client_repr = repr(client)
    for text in (repr(auth), str(auth), client_repr):
        assert TOKEN not in text
        assert SECRET not in text


def test_base_url_path_prefix_is_part_of_signed_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, text="ok")

    auth = HmacAuth(TOKEN, SECRET, clock=FakeClock())
    transport = httpx.MockTransport(handler)
    with AheadClient(f"{BASE_URL}/gateway", auth=auth, transport=transport) as client:
        client.authenticate()

    assert seen[0].url.raw_path == b"/gateway/v2/authenticate"
    assert signature_is_valid(seen[0])
