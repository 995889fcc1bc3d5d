"""IDoc XML is parsed with entity expansion, DTD loading and network access off."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from adapters.sap.idoc import IdocError, read_idoc_file, read_idocs, read_orders05

DATA = Path(__file__).parent / "data"
REFUSED = "declares a DOCTYPE; DTDs and entity declarations are refused"


class _Counting(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'<!ENTITY leak "fetched from the network">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on loopback that counts what is asked of it."""
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_an_entity_expansion_bomb_is_refused_at_once_with_a_clear_error() -> None:
    path = DATA / "idoc-orders05-entity-expansion.xml"

    with pytest.raises(IdocError) as caught:
        read_orders05(path)

    assert [str(p) for p in caught.value.problems] == [
        f"{path}, line 2: the document {REFUSED} (they could expand entities or read files and "
        "URLs), and none is needed"
    ]


def test_an_external_entity_naming_a_local_file_is_refused_and_the_file_never_read(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the deployment's password", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE ORDERS05 [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<ORDERS05><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><IDOCTYP>ORDERS05</IDOCTYP>'
        '</EDI_DC40><E1EDK01 SEGMENT="1"><BELNR>&xxe;</BELNR></E1EDK01></IDOC></ORDERS05>',
        encoding="utf-8",
    )

    with pytest.raises(IdocError, match=REFUSED) as caught:
        read_idoc_file(path, "ORDERS05")

    assert "password" not in str(caught.value)


def test_an_external_dtd_or_entity_on_the_network_is_never_fetched(
    tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    url, hits = listener
    by_dtd = tmp_path / "dtd.xml"
    by_dtd.write_text(f'<!DOCTYPE ORDERS05 SYSTEM "{url}/orders05.dtd"><ORDERS05/>', "utf-8")
    by_entity = tmp_path / "entity.xml"
    by_entity.write_text(
        f'<!DOCTYPE ORDERS05 [<!ENTITY % remote SYSTEM "{url}/remote.ent"> %remote;]>'
        "<ORDERS05>&leak;</ORDERS05>",
        "utf-8",
    )

    for path in (by_dtd, by_entity):
        with pytest.raises(IdocError) as caught:
            read_idoc_file(path, "ORDERS05")
        assert "line 1" in str(caught.value)

    assert hits == []


def test_an_entity_that_is_used_but_never_declared_is_not_well_formed() -> None:
    xml = b'<ORDERS05><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"/>&x;</IDOC></ORDERS05>'

    with pytest.raises(IdocError, match=r"Entity 'x' not defined \(entities are never expanded"):
        read_idocs(xml, "ORDERS05", source="in.xml")
