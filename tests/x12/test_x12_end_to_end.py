"""The whole X12 story as the demo runs it: 850 files in, orders in the AHEAD sandbox (over
loopback HTTP), 997/999 out, orders shipped and invoiced, 856 and 810 out. The generated files
match golden snapshots (their dates normalised) and pyx12 itself validates them with our maps.

Regenerate the snapshots with ``UPDATE_SNAPSHOTS=1`` after a deliberate change, and read the
diff before committing it.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import pyx12.params
import pyx12.x12n_document

from connector.demo.x12 import DemoResult, run_x12_demo

SNAPSHOTS = Path(__file__).parent / "data" / "flow"
# Dates and times of the day the test runs: those the writer stamps (ISA09/ISA10, GS04/GS05,
# BSN03/BSN04) and the invoice date (BIG01, the sandbox's billing time).
_STAMPS = (
    (re.compile(r"^(ISA(.)(?:[^\n]*?\2){8})\d{6}\2\d{4}", re.MULTILINE), r"\1YYMMDD\2HHMM"),
    (
        re.compile(r"^(GS(.)[^\n]*?\2[^\n]*?\2[^\n]*?\2)\d{8}\2\d{4}", re.MULTILINE),
        r"\1CCYYMMDD\2HHMM",
    ),
    (re.compile(r"^(BSN\*[^*]*\*[^*]*\*)\d{8}\*\d{4}", re.MULTILINE), r"\1CCYYMMDD*HHMM"),
    (re.compile(r"^BIG\*\d{8}\*", re.MULTILINE), "BIG*CCYYMMDD*"),
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    steps: list[str] = []
    return run_x12_demo(steps.append, deployment=tmp_path_factory.mktemp("x12-demo"))


def _normalised(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in _STAMPS:
        text = pattern.sub(replacement, text)
    return text


def test_every_good_purchase_order_became_one_shipped_and_invoiced_order(demo: DemoResult):
    assert [
        order.customer_order for order in sorted(demo.orders, key=lambda o: o.customer_order)
    ] == [
        "ACME-4500012345",
        "ACME-4500012346",
        "ACME-4500012347",
    ]
    assert {str(order.status) for order in demo.orders} == {"Shipped"}
    assert [
        (report.flow, report.counts.submitted, report.counts.failed) for report in demo.reports
    ] == [
        ("acme-orders", 3, 0),
        ("acme-shipments", 3, 0),
        ("acme-invoices", 3, 0),
    ]


def test_the_files_end_where_the_demo_says(demo: DemoResult):
    outbox = [path.name for path in demo.files("outbox")]
    assert sum(name.startswith("997-") for name in outbox) == 1
    assert sum(name.startswith("999-") for name in outbox) == 1
    assert sum(name.startswith("856-") for name in outbox) == 3
    assert sum(name.startswith("810-") for name in outbox) == 3
    assert [path.name for path in demo.files("archive")] == ["acme-po-4500012345.x12"]
    assert [path.name for path in demo.files("error")] == [
        "acme-po-4500012347.x12",
        "acme-po-4500012347.x12.error.txt",
    ]
    assert list((demo.deployment / "inbox").iterdir()) == []


def test_generated_files_match_their_golden_snapshots(demo: DemoResult):
    generated = {path.name: _normalised(path) for path in demo.files("outbox")}
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SNAPSHOTS.glob("*.x12"):
            old.unlink()
        for name, text in generated.items():
            (SNAPSHOTS / name).write_text(text, encoding="utf-8")
    expected = {path.name: path.read_text(encoding="utf-8") for path in SNAPSHOTS.glob("*.x12")}
    assert sorted(generated) == sorted(expected)
    for name, text in generated.items():
        assert text == expected[name], name


@pytest.mark.parametrize("kind", ["856", "810", "997", "999"])
def test_pyx12_validates_what_we_generate_with_our_maps(
    demo: DemoResult, kind: str, x12_map_dir: Path
):
    files = [path for path in demo.files("outbox") if path.name.startswith(f"{kind}-")]
    assert files
    for path in files:
        report = io.StringIO()
        valid = pyx12.x12n_document.x12n_document(
            pyx12.params.ParamsBase(), str(path), report, None, map_path=str(x12_map_dir)
        )
        assert valid, f"{path.name}:\n{report.getvalue()}"
