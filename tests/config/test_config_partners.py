"""Trading partners' X12 settings: defaults, and every mistake reported where it was written."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import MINIMAL, MINIMAL_ENV, write

from connector.config import (
    ConfigError,
    RepeatedInterchangePolicy,
    X12Acknowledgment,
    X12Version,
    load_deployment,
)

ACME = """\
partners:
  acme:
    name: ACME Retail
    x12:
      partner: {qualifier: ZZ, id: ACMEBUYER}
      us: {id: AHEADMFG, application_code: AHEAD}
"""


def test_an_x12_partner_gets_the_documented_defaults(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL + ACME)

    partner = load_deployment(deployment_dir, environ=MINIMAL_ENV).config.partners["acme"]

    assert partner.x12 is not None
    x12 = partner.x12
    assert (x12.partner.qualifier, x12.partner.id, x12.partner.group_code) == (
        "ZZ",
        "ACMEBUYER",
        "ACMEBUYER",
    )
    assert (x12.us.qualifier, x12.us.group_code) == ("ZZ", "AHEAD")
    assert x12.version is X12Version.V4010
    assert x12.acknowledgment is X12Acknowledgment.AUTO
    assert x12.repeated_interchange is RepeatedInterchangePolicy.REJECT
    assert (x12.delimiters.element, x12.delimiters.segment, x12.delimiters.component) == (
        "*",
        "~",
        ">",
    )
    assert x12.usage == "P"
    assert x12.order_prefix is None


def test_a_partner_without_x12_settings_still_loads_with_its_own_keys(
    deployment_dir: Path,
) -> None:
    write(deployment_dir, MINIMAL + "partners:\n  globex: {name: Globex, erp_code: G-7}\n")

    partner = load_deployment(deployment_dir, environ=MINIMAL_ENV).config.partners["globex"]

    assert partner.x12 is None
    assert partner.model_extra == {"erp_code": "G-7"}


@pytest.mark.parametrize(
    ("change", "line", "expected"),
    [
        ("id: ACMEBUYER}", "id: ACME-BUYER!}", "may hold only letters, digits and spaces"),
        ("id: ACMEBUYER}", "id: ACMEBUYERWITHALONGNAME}", "at most 15 characters"),
        ("qualifier: ZZ", "qualifier: Z", "at least 2 characters"),
        ("us: {", "version: '003040'\n      us: {", "'004010' or '005010'"),
        (
            "us: {",
            "repeated_interchange: ignore\n      us: {",
            "'reject', 'warn' or 'accept'",
        ),
        (
            "us: {",
            "delimiters: {element: '*', segment: '*'}\n      us: {",
            "must all differ",
        ),
        ("us: {", "delimiters: {segment: 'A'}\n      us: {", "not be a letter"),
    ],
)
def test_a_wrong_x12_setting_is_reported_at_its_line(
    deployment_dir: Path, change: str, line: str, expected: str
) -> None:
    write(deployment_dir, MINIMAL + ACME.replace(change, line, 1))

    with pytest.raises(ConfigError) as raised:
        load_deployment(deployment_dir, environ=MINIMAL_ENV)

    [problem] = raised.value.problems
    assert problem.file == deployment_dir / "connector.yaml"
    assert problem.path.startswith("partners.acme.x12")
    assert problem.line is not None
    assert problem.line > MINIMAL.count("\n")
    assert expected in problem.message
