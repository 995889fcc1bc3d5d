"""``ahead-connector mapping test|check|list``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_support import Cli

from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN

PURCHASE_ORDER: dict[str, Any] = {
    "envelope": {"partner": "acme", "customer_order": "ACME-PO12345"},
    "BEG": {"BEG01": "00", "BEG02": "SA", "BEG03": "PO12345", "BEG05": "20250115"},
    "N1_loop": [
        {
            "N1": {"N101": "ST", "N102": "STORE 118"},
            "N3": [{"N301": "4501 CASCADE AVENUE NORTHWEST INDUSTRIAL PARK"}],
            "N4": {"N401": "BOULDER", "N402": "CO", "N403": "80301"},
        }
    ],
    "PO1_loop": [{"PO1": {"PO101": "1", "PO102": "2", "PO106": "BP", "PO107": "ACME-SB2000"}}],
}

cli = Cli(())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _record(tmp_path: Path, record: dict[str, Any] = PURCHASE_ORDER) -> Path:
    file = tmp_path / "po.json"
    file.write_text(json.dumps(record), encoding="utf-8")
    return file


def _line(file: Path, text: str) -> int:
    [line] = [n for n, row in enumerate(file.read_text().splitlines(), 1) if text in row]
    return line


def _deployment(tmp_path: Path, base_url: str, mapping: str = "x12/850-to-order") -> Path:
    directory = tmp_path / "acme"
    config = {
        "ahead": {
            "base_url": base_url,
            "auth": {"hmac": {"token": "${AHEAD_HMAC_TOKEN}", "secret": "${AHEAD_HMAC_SECRET}"}},
            "retry": {"max_attempts": 1},
        },
        "adapters": {
            "inbox": {
                "kind": "jsonfiles",
                "role": "source",
                "settings": {"inbox": "inbox", "key_field": "envelope.customer_order"},
            },
            "ahead-orders": {"kind": "ahead-orders", "role": "sink"},
        },
        "flows": {"orders": {"source": "inbox", "sink": "ahead-orders", "mapping": mapping}},
    }
    directory.mkdir()
    (directory / "connector.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return directory


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AHEAD_HMAC_TOKEN", DEFAULT_HMAC_TOKEN)
    monkeypatch.setenv("AHEAD_HMAC_SECRET", DEFAULT_HMAC_SECRET)


def test_mapping_test_prints_the_document_and_the_cuts_it_made(tmp_path: Path) -> None:
    result = cli("mapping", "test", "x12/850-to-order", str(_record(tmp_path)))

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["recipient"] == {
        "name": "STORE 118",
        "address_1": "4501 CASCADE AVENUE NORTHWEST INDUS",
        "city": "BOULDER",
        "state": "CO",
        "zip": "80301",
        "country": "US",
    }
    assert document["ship_method_id"] == 12
    assert document["lines"] == [{"product_code": "StockBox 2000", "quantity": 2}]
    [warning] = result.stderr.splitlines()
    assert warning.startswith("warning: ")
    assert "850-to-order.yaml:" in warning
    assert "recipient.address_1: cut to 35 characters" in warning


def test_mapping_test_prints_every_error_with_its_line_and_exits_1(tmp_path: Path) -> None:
    record = json.loads(json.dumps(PURCHASE_ORDER))
    record["PO1_loop"][0]["PO1"].update(PO102="2.5", PO107="ACME-XX")

    result = cli("mapping", "test", "x12/850-to-order", str(_record(tmp_path, record)))

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert lines[0] == "error: 2 mapping errors in x12/850-to-order:"
    assert "lines[0].product_code: unknown customer SKU 'ACME-XX'" in lines[1]
    assert "lines[0].quantity: '2.5' is not a whole number" in lines[2]
    assert "(source PO1_loop[0].PO1.PO102, value '2.5')" in lines[2]


def test_mapping_test_takes_a_mapping_file_and_reports_its_problems(tmp_path: Path) -> None:
    mapping = _write(
        tmp_path / "mine.yaml",
        """
        target: ahead.order_submission
        fields:
          purchase_order: "{{ BEG.BEG03 }"
        """,
    )

    result = cli("mapping", "test", str(mapping), str(_record(tmp_path)))

    assert result.exit_code == 1
    assert "mine.yaml:3:19 fields.purchase_order: template error: unexpected '}'" in result.stderr
    assert "missing: customer_order is required by OrderSubmission" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", ":1:2: not JSON"),
        ("[1, 2]", "must be a JSON object, not list"),
    ],
)
def test_mapping_test_refuses_bad_input_with_exit_2(
    tmp_path: Path, content: str | None, message: str
) -> None:
    file = tmp_path / "input.json"
    if content is not None:
        file.write_text(content)

    result = cli("mapping", "test", "x12/850-to-order", str(file))

    assert result.exit_code == 2
    assert message in result.stderr


def test_mapping_test_of_an_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    result = cli("mapping", "test", "x12/850", str(_record(tmp_path)))

    assert result.exit_code == 2
    assert "unknown mapping 'x12/850'" in result.stderr
    assert "x12/850-to-order" in result.stderr


def test_mapping_test_with_a_deployment_uses_its_mappings_and_its_api(
    tmp_path: Path, server: SandboxServer, credentials: None
) -> None:
    deployment = _deployment(tmp_path, server.base_url)
    _write(
        deployment / "mappings/x12/850-to-order.yaml",
        """
        extends: x12/850-to-order
        params:
          default_ship_method: UPS 2nd Day Air
        """,
    )

    result = cli(
        "mapping",
        "test",
        "x12/850-to-order",
        str(_record(tmp_path)),
        "--deployment",
        str(deployment),
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ship_method_id"] == 31


def test_mapping_test_with_an_unreachable_deployment_api_fails_clearly(
    tmp_path: Path, credentials: None
) -> None:
    deployment = _deployment(tmp_path, "http://127.0.0.1:9")

    result = cli(
        "mapping",
        "test",
        "x12/850-to-order",
        str(_record(tmp_path)),
        "--deployment",
        str(deployment),
    )

    assert result.exit_code == 1
    assert "no answer" in result.stderr


def test_mapping_check_reports_each_problem_with_file_and_line(
    tmp_path: Path, credentials: None
) -> None:
    deployment = _deployment(tmp_path, "http://127.0.0.1:9", mapping="x12/850-to-ordr")
    broken = _write(
        deployment / "mappings/acme.yaml",
        """
        extends: x12/850-to-order
        params:
          default_ship_methd: UPS Ground
        """,
    )

    result = cli("mapping", "check", str(deployment))

    assert result.exit_code == 1
    problems = result.stdout.splitlines()
    assert problems[0] == "2 problems:"
    line = _line(deployment / "connector.yaml", "mapping: x12/850-to-ordr")
    assert problems[1].startswith(f"  connector.yaml:{line}:")
    assert "flows.orders.mapping: unknown mapping 'x12/850-to-ordr'" in problems[1]
    assert problems[2].startswith(
        f"  mappings/acme.yaml:{_line(broken, 'default_ship_methd')}:3 "
        "params.default_ship_methd: the base mapping 'x12/850-to-order' has no parameter"
    )


def test_mapping_check_of_a_good_deployment_names_what_it_checked(
    tmp_path: Path, credentials: None
) -> None:
    deployment = _deployment(tmp_path, "http://127.0.0.1:9")
    _write(deployment / "mappings/acme.yaml", "extends: x12/850-to-order\n")

    result = cli("mapping", "check", str(deployment))

    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["ok", "x12/850-to-order", "ok", "acme"]


def test_mapping_list_shows_overrides_and_targets(tmp_path: Path, credentials: None) -> None:
    deployment = _deployment(tmp_path, "http://127.0.0.1:9")
    _write(deployment / "mappings/x12/850-to-order.yaml", "extends: x12/850-to-order\n")

    result = cli("mapping", "list", "--deployment", str(deployment))

    assert result.exit_code == 0, result.output
    [row] = [line for line in result.stdout.splitlines() if "x12/850-to-order" in line]
    assert "ahead.order_submission" in row
    assert "deployment (overrides stock)" in row
