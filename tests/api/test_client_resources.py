"""The generic resource methods and the typed conveniences, driven by the endpoint table."""

from __future__ import annotations

import json

import pydantic
import pytest
from api_fakes import ScriptedApi, decoded_q, envelope, reply

from connector.api import ConfigurationError, NotFoundError, UnexpectedResponseError, models

ORDER_ANSWER = {"id": 9, "customer_order": "AHEAD-1", "status": "Pending"}
RMA_ANSWER = {"id": 15989, "subject": "Hardware", "status": {"id": 1, "name": "Not Received"}}


def order_mapping() -> dict:
    return {
        "purchase_order": "56789",
        "customer_order": "AHEAD-1",
        "ship_method_id": 12,
        "recipient": {
            "name": "J Doe",
            "address_1": "1 Main St",
            "city": "Toronto",
            "country": "CA",
        },
        "lines": [{"product_code": "P1", "quantity": 2, "customs_declared_value": 123.4}],
    }


def test_create_validates_a_mapping_and_posts_its_json() -> None:
    api = ScriptedApi().on(
        "POST", "/v2/customer_order_submissions", reply(201, json_body=ORDER_ANSWER)
    )
    with api.client() as client:
        created = client.create("customer-order-submissions", order_mapping())
    assert isinstance(created, models.CustomerOrder)
    sent = json.loads(api.requests[0].content)
    assert sent["lines"] == [{"product_code": "P1", "quantity": 2, "customs_declared_value": 123.4}]
    assert "notes" not in sent  # fields left as None are not sent


def test_invalid_mapping_is_refused_before_anything_is_sent() -> None:
    api = ScriptedApi()
    body = order_mapping() | {"lines": []}
    with api.client() as client, pytest.raises(pydantic.ValidationError, match="lines"):
        client.create("customer_order_submissions", body)
    assert api.requests == []


def test_body_of_the_wrong_model_is_refused() -> None:
    api = ScriptedApi()
    rma = models.RmaCreate(
        problem="dead", request_type_id=1, manufacturer_serial="SN", replacement_name="Dock"
    )
    with api.client() as client, pytest.raises(ConfigurationError, match="OrderSubmission"):
        client.create("customer_order_submissions", rma)


def test_submit_order_returns_the_customer_order() -> None:
    api = ScriptedApi().on(
        "POST", "/v2/customer_order_submissions", reply(201, json_body=ORDER_ANSWER)
    )
    with api.client() as client:
        created = client.submit_order(models.OrderSubmission.model_validate(order_mapping()))
    assert created == models.CustomerOrder.model_validate(ORDER_ANSWER)


def test_get_reads_one_record_and_escapes_its_id() -> None:
    api = ScriptedApi().on(
        "GET", "/v2/items/A/1", reply(json_body={"id": 5, "name": "Generic Appliance"})
    )
    with api.client() as client:
        item = client.get("items", "A/1")
    assert isinstance(item, models.Item)
    assert api.requests[0].url.raw_path == b"/v2/items/A%2F1"


def test_get_unwraps_a_record_sent_in_the_list_envelope() -> None:
    answer = envelope([{"id": 1, "name": "Jersey", "iso_code": "JE"}])
    api = ScriptedApi().on("GET", "/v2/countries/1", reply(json_body=answer))
    with api.client() as client:
        country = client.get("countries", 1)
    assert isinstance(country, models.Country)
    assert country.iso_code == "JE"


def test_get_of_an_envelope_with_several_records_is_unexpected() -> None:
    answer = envelope(
        [{"id": 1, "name": "a", "iso_code": "AA"}, {"id": 2, "name": "b", "iso_code": "BB"}]
    )
    api = ScriptedApi().on("GET", "/v2/countries/1", reply(json_body=answer))
    with api.client() as client, pytest.raises(UnexpectedResponseError, match="holds 2"):
        client.get("countries", 1)


def test_get_of_a_missing_record_raises_not_found() -> None:
    api = ScriptedApi().on("GET", "/v2/invoices/3", reply(404, text="no such invoice"))
    with api.client() as client, pytest.raises(NotFoundError):
        client.get("invoices", 3)


def test_update_of_automation_queue_puts_to_the_collection_path() -> None:
    api = ScriptedApi().on("PUT", "/v2/automation_queues", reply(json_body={"id": 4}))
    with api.client() as client:
        queue = client.update_automation_task(
            "SN-1", 0, "start", "10.0.0.5", message="Started Run-In"
        )
    assert isinstance(queue, models.AutomationQueue)
    assert json.loads(api.requests[0].content) == {
        "manufacturer_serial": "SN-1",
        "message_type": "start",
        "message": "Started Run-In",
        "sequence": 0,
        "ip_address": "10.0.0.5",
    }


def test_update_of_a_collection_endpoint_with_an_id_is_refused() -> None:
    body = {"manufacturer_serial": "SN", "message_type": "notify", "sequence": 1, "ip_address": ""}
    with ScriptedApi().client() as client, pytest.raises(ConfigurationError, match="no id"):
        client.update("automation_queues", body, resource_id=4)


def test_unknown_message_type_is_refused() -> None:
    with ScriptedApi().client() as client, pytest.raises(ValueError, match="explode"):
        client.update_automation_task("SN", 1, "explode", "10.0.0.5")


def test_delete_sends_delete_to_the_record() -> None:
    api = ScriptedApi().on("DELETE", "/v2/webhooks/12", reply(204, text=""))
    with api.client() as client:
        assert client.delete("webhooks", 12) is None
    assert [(r.method, r.url.path) for r in api.requests] == [("DELETE", "/v2/webhooks/12")]


def test_unsupported_verb_names_the_resource_and_its_verbs() -> None:
    with ScriptedApi().client() as client, pytest.raises(ConfigurationError) as caught:
        client.delete("items", 1)
    assert str(caught.value) == (
        "the AHEAD resource 'items' does not support delete; it supports: get, list"
    )


def test_unknown_resource_is_a_configuration_error() -> None:
    with ScriptedApi().client() as client, pytest.raises(ConfigurationError, match="widgets"):
        client.list("widgets")


def test_csv_report_cannot_be_listed_as_json() -> None:
    with ScriptedApi().client() as client, pytest.raises(ConfigurationError, match="CSV"):
        client.list("automation_tasks_report")


def test_open_and_closed_rmas_come_from_their_own_paths() -> None:
    api = (
        ScriptedApi()
        .on("GET", "/v2/rmas/open", reply(json_body=envelope([RMA_ANSWER])))
        .on("GET", "/v2/rmas/closed", reply(json_body=envelope([])))
    )
    with api.client() as client:
        open_rmas = client.rmas_open()
        closed_rmas = client.rmas_closed()
    assert [rma.id for rma in open_rmas] == [15989]
    assert isinstance(open_rmas[0], models.Rma)
    assert closed_rmas == []


def test_list_path_sends_paging_in_q() -> None:
    api = ScriptedApi().on("GET", "/v2/rmas/open", reply(json_body=envelope([RMA_ANSWER])))
    with api.client() as client:
        page = client.list_path("rmas", "open", limit=10, offset=20)
    assert decoded_q(api.requests[0]) == {"limit": 10, "offset": 20}
    assert page.results[0].id == 15989


def test_unknown_sub_list_is_refused_naming_the_known_ones() -> None:
    with ScriptedApi().client() as client, pytest.raises(ConfigurationError, match="closed, open"):
        client.list_path("rmas", "pending")


def test_create_rma_posts_to_rmas() -> None:
    api = ScriptedApi().on("POST", "/v2/rmas", reply(201, json_body=RMA_ANSWER))
    rma = models.RmaCreate(
        problem="No POST",
        request_type_id=models.RmaRequestType.DEPOT_REPAIR_AND_RETURN,
        manufacturer_serial="ML1627JB005",
        replacement_name="Dock 4",
    )
    with api.client() as client:
        created = client.create_rma(rma)
    assert created.id == 15989
    assert json.loads(api.requests[0].content)["request_type_id"] == 3


def test_submit_serial_data_posts_to_serial_data() -> None:
    answer = {"id": 1, "manufacturer_serial": "SN", "serial_data_type_id": 2, "value": "v"}
    api = ScriptedApi().on("POST", "/v2/serial_data", reply(201, json_body=answer))
    datum = models.SerialDataSubmission(manufacturer_serial="SN", serial_data_type_id=2, value="v")
    with api.client() as client:
        assert client.submit_serial_data(datum) == models.SerialData.model_validate(answer)


def test_create_automation_queue_returns_the_queue() -> None:
    api = ScriptedApi().on("POST", "/v2/automation_queues", reply(201, json_body={"id": 4}))
    queue = models.AutomationQueueCreate(
        manufacturer_serial="SN-1",
        ip_address="",
        automation_tasks=[
            models.AutomationTaskSpec(task_type_id=1, sequence=1),
            models.AutomationTaskSpec(task_type_id=2, sequence=2, assignee_id=123456),
        ],
    )
    with api.client() as client:
        assert client.create_automation_queue(queue).id == 4
    assert json.loads(api.requests[0].content)["automation_tasks"][1]["assignee_id"] == 123456


@pytest.mark.parametrize(
    "body",
    [
        "Successfully authenticated as Example Organization",
        '"Successfully authenticated as Example Organization"',
    ],
)
def test_authenticate_returns_the_servers_text(body: str) -> None:
    api = ScriptedApi().on("GET", "/v2/authenticate", reply(text=body))
    with api.client() as client:
        assert client.authenticate() == "Successfully authenticated as Example Organization"


def test_requests_carry_the_user_agent() -> None:
    api = ScriptedApi().on("GET", "/v2/authenticate", reply(text="ok"))
    with api.client(user_agent="acme-sync/2") as client:
        client.authenticate()
    assert api.requests[0].headers["User-Agent"] == "acme-sync/2"
