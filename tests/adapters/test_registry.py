"""Finding adapters through entry points, checking them, and building them from settings.

Third-party adapters are stood in for by a real distribution: a ``*.dist-info`` folder with an
``entry_points.txt`` and a module beside it, put on ``sys.path``.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adapters.ahead import (
    AheadInventorySource,
    AheadInvoiceSource,
    AheadOrderSink,
    AheadRmaSink,
    AheadRmaStatusSource,
    AheadShippedOrderSource,
)
from adapters.base import AdapterContext, Source
from adapters.jsonfiles import JsonFileSink, JsonFileSource
from adapters.netsuite import (
    NetSuiteInventorySink,
    NetSuiteItemFulfillmentSink,
    NetSuiteReturnAuthorizationSource,
    NetSuiteReturnAuthorizationStatusSink,
    NetSuiteSalesOrderSource,
    NetSuiteSalesOrderStatusSink,
    NetSuiteVendorBillSink,
)
from adapters.registry import (
    AdapterSettingsError,
    InvalidAdapterError,
    Role,
    UnknownAdapterError,
    available_adapters,
    build_adapter,
    known_kinds,
    load_adapter_class,
)
from adapters.sap import (
    SapDeliverySink,
    SapIdocInboxSource,
    SapIdocOutboxSink,
    SapInvoiceMatchSink,
    SapSalesOrderSource,
)
from adapters.x12.inbox import X12InboxSource
from adapters.x12.outbox import X12OutboxSink

PLUGIN_MODULE = textwrap.dedent(
    """
    from collections.abc import Iterator, Mapping
    from typing import Any

    from adapters.base import AdapterSettings, Record, Sink, Source
    from connector.config import Secret


    class CountingSettings(AdapterSettings):
        start: int = 0


    class CountingSource(Source):
        kind = "counting"
        settings_model = CountingSettings

        def read(self, cursor: str | None) -> Iterator[Record]:
            yield Record.of(str(self.settings.start), {"n": self.settings.start})


    class MislabelledSource(CountingSource):
        kind = "something-else"


    class HalfSource(Source):
        kind = "half"


    class PrinterSink(Sink):
        kind = "printer"

        def write(self, record: Record, document: Mapping[str, Any]) -> str:
            return record.key

        def lookup(self, record: Record) -> str | None:
            return None


    class GuardedSettings(AdapterSettings):
        password: Secret


    class GuardedSource(Source):
        kind = "guarded"
        settings_model = GuardedSettings

        def read(self, cursor: str | None) -> Iterator[Record]:
            yield Record.of(self.settings.password.get_secret_value(), {})


    class NotAnAdapter:
        kind = "plain"


    def not_a_class() -> None:
        pass
    """
)

Install = Callable[..., None]


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    """Install a fake distribution whose module is ``PLUGIN_MODULE``, with given entry points."""
    module = f"fake_adapters_{tmp_path.name.replace('-', '_')}"
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{module}.py").write_text(PLUGIN_MODULE)
    monkeypatch.syspath_prepend(str(site))

    def install(sources: str = "", sinks: str = "", *, name: str = "fake-adapters") -> None:
        info = site / f"{name.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        groups = [("ahead_connector.sources", sources), ("ahead_connector.sinks", sinks)]
        text = "".join(
            f"[{group}]\n" + textwrap.dedent(lines).format(module=module) + "\n"
            for group, lines in groups
            if lines
        )
        (info / "entry_points.txt").write_text(text)

    yield install
    sys.modules.pop(module, None)


def context(tmp_path: Path) -> AdapterContext:
    return AdapterContext("orders-in", tmp_path)


def test_built_in_adapters_are_found_through_their_entry_points() -> None:
    assert available_adapters(Role.SOURCE) == {
        "ahead-inventories": AheadInventorySource,
        "ahead-invoices": AheadInvoiceSource,
        "ahead-rma-status": AheadRmaStatusSource,
        "ahead-shipped-orders": AheadShippedOrderSource,
        "jsonfiles": JsonFileSource,
        "netsuite-return-authorizations": NetSuiteReturnAuthorizationSource,
        "netsuite-sales-orders": NetSuiteSalesOrderSource,
        "sap-idoc-inbox": SapIdocInboxSource,
        "sap-sales-orders": SapSalesOrderSource,
        "x12-inbox": X12InboxSource,
    }
    assert available_adapters(Role.SINK) == {
        "ahead-orders": AheadOrderSink,
        "ahead-rmas": AheadRmaSink,
        "jsonfiles": JsonFileSink,
        "netsuite-inventory": NetSuiteInventorySink,
        "netsuite-item-fulfillments": NetSuiteItemFulfillmentSink,
        "netsuite-return-authorization-status": NetSuiteReturnAuthorizationStatusSink,
        "netsuite-sales-order-status": NetSuiteSalesOrderStatusSink,
        "netsuite-vendor-bills": NetSuiteVendorBillSink,
        "sap-deliveries": SapDeliverySink,
        "sap-idoc-outbox": SapIdocOutboxSink,
        "sap-invoice-matches": SapInvoiceMatchSink,
        "x12-outbox": X12OutboxSink,
    }


def test_a_kind_is_looked_up_in_its_role_only() -> None:
    assert load_adapter_class(Role.SINK, "jsonfiles") is JsonFileSink
    assert load_adapter_class(Role.SOURCE, "jsonfiles") is JsonFileSource
    with pytest.raises(UnknownAdapterError):
        load_adapter_class(Role.SOURCE, "ahead-orders")


def test_unknown_kind_names_the_kind_and_the_known_kinds() -> None:
    with pytest.raises(UnknownAdapterError) as caught:
        load_adapter_class(Role.SINK, "netsuite")
    message = str(caught.value)
    assert "'netsuite'" in message
    known = caught.value.known
    assert known == tuple(sorted(available_adapters(Role.SINK)))
    assert {"ahead-orders", "jsonfiles"} <= set(known)
    assert ", ".join(known) in message


def test_third_party_adapter_is_found_and_built_like_a_built_in_one(
    install_plugin: Install, tmp_path: Path
) -> None:
    install_plugin(sources="counting = {module}:CountingSource")
    assert "counting" in known_kinds(Role.SOURCE)
    source = build_adapter(Role.SOURCE, "counting", {"start": 7}, context(tmp_path))
    assert isinstance(source, Source)
    assert [record.key for record in source.read(None)] == ["7"]


@pytest.mark.parametrize(
    ("group", "entry", "complaint"),
    [
        (
            "sources",
            "plain = {module}:NotAnAdapter",
            "not a class derived from adapters.base.Source",
        ),
        (
            "sources",
            "plain = {module}:not_a_class",
            "not a class derived from adapters.base.Source",
        ),
        (
            "sources",
            "printer = {module}:PrinterSink",
            "not a class derived from adapters.base.Source",
        ),
        (
            "sinks",
            "counting = {module}:CountingSource",
            "not a class derived from adapters.base.Sink",
        ),
        ("sources", "half = {module}:HalfSource", "does not implement read"),
        ("sources", "counting = {module}:MislabelledSource", "declares kind 'something-else'"),
        ("sources", "counting = {module}:NoSuchClass", "cannot be loaded"),
        ("sources", "counting = no_such_module_anywhere:Source", "cannot be loaded"),
    ],
)
def test_entry_point_that_is_not_an_adapter_of_its_role_is_refused_when_loaded(
    install_plugin: Install, group: str, entry: str, complaint: str
) -> None:
    install_plugin(**{group: entry})
    kind = entry.split(" = ")[0]
    role = Role.SOURCE if group == "sources" else Role.SINK
    with pytest.raises(InvalidAdapterError) as caught:
        load_adapter_class(role, kind)
    assert complaint in str(caught.value)
    assert f"kind {kind!r}" in str(caught.value)


def test_one_broken_plugin_is_reported_when_listing_adapters(install_plugin: Install) -> None:
    install_plugin(sinks="plain = {module}:NotAnAdapter")
    with pytest.raises(InvalidAdapterError, match="'plain'"):
        available_adapters(Role.SINK)


def test_a_kind_registered_by_two_packages_is_refused_as_ambiguous(
    install_plugin: Install,
) -> None:
    install_plugin(sinks="jsonfiles = {module}:PrinterSink")
    with pytest.raises(InvalidAdapterError) as caught:
        load_adapter_class(Role.SINK, "jsonfiles")
    assert "registered more than once" in str(caught.value)
    assert "adapters.jsonfiles:JsonFileSink" in str(caught.value)


def test_settings_that_do_not_fit_name_the_adapter_and_every_field(tmp_path: Path) -> None:
    with pytest.raises(AdapterSettingsError) as caught:
        build_adapter(
            Role.SOURCE,
            "jsonfiles",
            {"inbx": "inbox", "settle_seconds": -1},
            context(tmp_path),
        )
    error = caught.value
    assert error.adapter == "'orders-in' (jsonfiles source)"
    assert {problem.field for problem in error.problems} == {
        "inbox",
        "key_field",
        "inbx",
        "settle_seconds",
    }
    message = str(error)
    assert "'orders-in' (jsonfiles source)" in message
    assert "settle_seconds: Input should be greater than or equal to 0" in message


def test_built_adapter_gets_its_validated_settings_and_context(tmp_path: Path) -> None:
    settings = {"inbox": "drop", "key_field": "po"}
    source = build_adapter(Role.SOURCE, "jsonfiles", settings, context(tmp_path))
    assert isinstance(source, JsonFileSource)
    assert source.inbox == tmp_path / "drop"
    assert source.context.name == "orders-in"


def test_an_adapter_asking_for_a_service_not_provided_is_told_which_and_by_whom(
    tmp_path: Path,
) -> None:
    context = AdapterContext("acme-in", tmp_path, services={"store": "not a store"})

    assert context.service("store", str) == "not a store"
    with pytest.raises(LookupError, match=r"'acme-in' needs the service 'partners' \(dict\)"):
        context.service("partners", dict)
    with pytest.raises(LookupError, match=r"'store' .*which is a str"):
        context.service("store", int)


def test_a_secret_file_in_adapter_settings_is_found_in_the_deployment_folder(
    install_plugin: Install, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(sources="guarded = {module}:GuardedSource")
    deployment = tmp_path / "acme"
    (deployment / "secrets").mkdir(parents=True)
    (deployment / "secrets" / "password").write_text("from-the-deployment\n")
    monkeypatch.chdir(tmp_path)

    source = build_adapter(
        Role.SOURCE,
        "guarded",
        {"password": {"file": "secrets/password"}},
        AdapterContext("guarded", deployment),
    )

    assert [record.key for record in source.read(None)] == ["from-the-deployment"]
