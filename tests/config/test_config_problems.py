"""Every mistake in a deployment's files is reported, each at its file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import MINIMAL, MINIMAL_ENV, located, message_at, write

from connector.config import ConfigError, load_deployment

SEVERAL_MISTAKES = """\
include: [partners/*.yaml]
ahead:
  base_url: https://api.example.com
  auth:
    oauth:
      client_id: acme
      client_secret: hunter2-in-clear
  timout: 30
adapters:
  inbox:
    kind: jsonfiles
    role: source
  ahead-orders:
    kind: ahead-orders
    role: sink
flows:
  orders:
    source: inbox
    sink: ahead
    schedule:
      cron: "*/5 25 * * *"
  returns:
    source: ahead-orders
    sink: ahead-orders
webhooks:
  secret: ${WEBHOOK_SECRET}
"""

BROKEN_PARTNERS = "partners:\n  acme:\n    name: Acme\n\tcity: Springfield\n"


def _problems(directory: Path, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_deployment(directory, environ=environ if environ is not None else {})
    return caught.value


def test_every_mistake_is_reported_at_its_own_line_and_column(deployment_dir: Path) -> None:
    write(deployment_dir, SEVERAL_MISTAKES)
    write(deployment_dir, BROKEN_PARTNERS, "partners/broken.yaml")

    error = _problems(deployment_dir)

    assert located(error, deployment_dir) == [
        ("connector.yaml", 7, 22, "ahead.auth.oauth.client_secret"),
        ("connector.yaml", 8, 3, "ahead.timout"),
        ("connector.yaml", 19, 11, "flows.orders.sink"),
        ("connector.yaml", 21, 13, "flows.orders.schedule.cron"),
        ("connector.yaml", 23, 13, "flows.returns.source"),
        ("connector.yaml", 26, 11, "webhooks.secret"),
        ("partners/broken.yaml", 4, 1, ""),
    ]
    assert "must not be written in the file" in message_at(error, "ahead.auth.oauth.client_secret")
    assert message_at(error, "ahead.timout") == "unknown key 'timout'; did you mean 'timeout'?"
    assert (
        message_at(error, "flows.orders.sink")
        == "no adapter named 'ahead' (adapters: ahead-orders, inbox)"
    )
    assert "(25) is higher than the maximum value (23)" in message_at(
        error, "flows.orders.schedule.cron"
    )
    assert message_at(error, "flows.returns.source") == (
        "adapter 'ahead-orders' is a sink, and a flow's source must be a source (sources: inbox)"
    )
    assert message_at(error, "webhooks.secret") == (
        "the environment variable WEBHOOK_SECRET is not set"
    )
    assert "found character '\\t'" in message_at(error, "")


def test_a_problem_reads_as_file_line_column_path_and_message(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL.replace("sink: outbox", "sink: ahead"))

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert [p.describe(deployment_dir) for p in error.problems] == [
        "connector.yaml:17:11 flows.orders.sink: no adapter named 'ahead' (adapters: inbox, outbox)"
    ]
    assert str(error).startswith("1 configuration problem:\n  ")
    assert str(error.problems[0]).startswith(f"{deployment_dir / 'connector.yaml'}:17:11 ")


def test_a_yaml_syntax_error_gives_its_line_and_column(deployment_dir: Path) -> None:
    write(deployment_dir, "ahead:\n  base_url: {a: 1\nstore: {}\n")

    error = _problems(deployment_dir)

    assert located(error, deployment_dir) == [("connector.yaml", 3, 6, "")]
    assert error.problems[0].message == (
        "not valid YAML: expected ',' or '}', but got ':' "
        "(while parsing a flow mapping at line 2, column 13)"
    )


def test_a_key_written_twice_is_a_problem_instead_of_the_last_one_winning(
    deployment_dir: Path,
) -> None:
    write(deployment_dir, MINIMAL + "  orders:\n    source: inbox\n    sink: outbox\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("connector.yaml", 18, 3, "flows.orders")]
    assert message_at(error, "flows.orders") == (
        "'orders' is written twice in this mapping (first at line 15); only one may stay"
    )


def test_a_key_yaml_reads_as_a_boolean_is_a_problem(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL.replace("  inbox:\n", "  on:\n", 1))

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert message_at(error, "adapters") == "keys must be text, not bool True; quote the key"
    assert located(error, deployment_dir)[0] == ("connector.yaml", 8, 3, "adapters")


def test_a_missing_key_is_placed_at_its_parent(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL.replace("    sink: outbox\n", ""))

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("connector.yaml", 15, 3, "flows.orders.sink")]
    assert message_at(error, "flows.orders.sink") == "missing: add sink"


def test_an_unknown_key_with_no_close_match_lists_the_allowed_keys(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL + "    priority: high\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    message = message_at(error, "flows.orders.priority")
    assert message.startswith("unknown key 'priority' (allowed here: source, sink, mapping, ")
    assert located(error, deployment_dir) == [("connector.yaml", 18, 5, "flows.orders.priority")]


def test_a_name_with_spaces_is_refused_at_the_name(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL.replace("  orders:", "  new orders:"))

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("connector.yaml", 15, 3, "flows.new orders")]
    assert "'new orders' is not a valid name" in message_at(error, "flows.new orders")


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("{interval: 60, cron: '* * * * *'}", "give either interval"),
        ("{}", "give either interval"),
        ("{interval: 0}", "greater than 0"),
        ("{cron: '0 6 * * 1-5'}", "with names (sun, mon-fri)"),
        ("{cron: '0 6 * *'}", "wrong number of fields; got 4, expected 5"),
        ("{cron: '0 6 * * *', timezone: Mars/Olympus}", "unknown time zone 'Mars/Olympus'"),
        ("{interval: 60, timezone: UTC}", "timezone applies to cron schedules only"),
    ],
)
def test_a_bad_schedule_is_explained(deployment_dir: Path, schedule: str, expected: str) -> None:
    write(deployment_dir, MINIMAL + f"    schedule: {schedule}\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert len(error.problems) == 1, str(error)
    assert expected in error.problems[0].message
    assert error.problems[0].line == 18


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ("{}", "choose a scheme"),
        (
            "{hmac: {token: '${AHEAD_HMAC_TOKEN}', secret: '${AHEAD_HMAC_SECRET}'}, "
            "oauth: {client_id: x, client_secret: '${AHEAD_HMAC_SECRET}'}}",
            "both oauth and hmac are given; keep one",
        ),
    ],
)
def test_exactly_one_auth_scheme_is_required(
    deployment_dir: Path, auth: str, expected: str
) -> None:
    write(deployment_dir, f"ahead:\n  base_url: https://api.example.com\n  auth: {auth}\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert [p.path for p in error.problems] == ["ahead.auth"]
    assert expected in error.problems[0].message


def test_a_secret_in_clear_is_refused_whatever_its_form(deployment_dir: Path) -> None:
    text = MINIMAL.replace("${AHEAD_HMAC_TOKEN}", "file:secrets/token").replace(
        "${AHEAD_HMAC_SECRET}", "prefix-${AHEAD_HMAC_SECRET}"
    )
    write(deployment_dir, text)

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert [p.path for p in error.problems] == ["ahead.auth.hmac.token", "ahead.auth.hmac.secret"]
    for problem in error.problems:
        assert problem.message.startswith("a secret must not be written in the file: write ")
        assert "{file: secrets/" in problem.message


def test_a_missing_secret_file_is_named(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL.replace("${AHEAD_HMAC_SECRET}", "{file: secrets/hmac}"))

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert message_at(error, "ahead.auth.hmac.secret") == (
        "cannot read the secret file secrets/hmac: No such file or directory"
    )


def test_an_empty_secret_is_refused(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL)

    error = _problems(deployment_dir, {**MINIMAL_ENV, "AHEAD_HMAC_SECRET": ""})

    assert message_at(error, "ahead.auth.hmac.secret") == (
        "the environment variable AHEAD_HMAC_SECRET is empty"
    )


def test_a_password_in_clear_in_the_store_url_is_refused(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL + "store:\n  url: postgresql+psycopg://app:hunter2@db/app\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("connector.yaml", 19, 8, "store.url")]
    assert "hunter2" not in str(error)
    assert "${PGPASSWORD}" in message_at(error, "store.url")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://db/app", "the store runs on SQLite or PostgreSQL, not mysql"),
        ("postgresql+psycopg2://db/app", "use the psycopg driver"),
        ("sqlite://", "the store needs a SQLite file"),
        ("not a url", "not a database URL"),
    ],
)
def test_an_unsupported_store_url_is_explained(
    deployment_dir: Path, url: str, expected: str
) -> None:
    write(deployment_dir, MINIMAL + f"store:\n  url: {url}\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert expected in message_at(error, "store.url")


def test_unset_variables_are_named_wherever_they_are_used(deployment_dir: Path) -> None:
    text = MINIMAL.replace("https://api.example.com", "${AHEAD_URL}") + (
        "    watch: ${DROP_ROOT}/inbox\n"
    )
    text = text.replace(
        "    role: source\n", "    role: source\n    settings:\n      inbox: ${INBOX}\n", 1
    )
    write(deployment_dir, text)

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert [(p.path, p.message) for p in error.problems] == [
        ("ahead.base_url", "the environment variable AHEAD_URL is not set"),
        ("adapters.inbox.settings.inbox", "the environment variable INBOX is not set"),
        ("flows.orders.watch", "the environment variable DROP_ROOT is not set"),
    ]


def test_a_malformed_reference_is_explained(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL + "    watch: ${DROP ROOT}/inbox\n    mapping: ${MAP\n")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert "'${DROP ROOT}' is not a reference" in message_at(error, "flows.orders.watch")
    assert "never closed" in message_at(error, "flows.orders.mapping")


def test_no_connector_yaml_says_how_to_create_one(deployment_dir: Path) -> None:
    error = _problems(deployment_dir)

    assert [(p.line, p.path) for p in error.problems] == [(None, "")]
    assert "ahead-connector init" in error.problems[0].message


def test_a_file_that_is_not_a_mapping_is_a_problem(deployment_dir: Path) -> None:
    write(deployment_dir, "- ahead\n- store\n")

    error = _problems(deployment_dir)

    assert error.problems[0].message.startswith("the file must be a mapping of sections")
    assert (error.problems[0].line, error.problems[0].column) == (1, 1)


def test_an_included_file_may_hold_only_adapters_partners_and_flows(
    deployment_dir: Path,
) -> None:
    write(deployment_dir, "include: [more.yaml]\n" + MINIMAL)
    write(
        deployment_dir,
        "partners:\n  acme: {name: Acme}\nstore:\n  url: sqlite:///x.db\n",
        "more.yaml",
    )

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("more.yaml", 3, 1, "store")]
    assert "an included file holds only adapters, partners and flows" in error.problems[0].message


def test_a_name_defined_in_two_files_points_at_both(deployment_dir: Path) -> None:
    write(deployment_dir, "include: [flows/*.yaml]\n" + MINIMAL)
    write(deployment_dir, "flows:\n  orders: {source: inbox, sink: outbox}\n", "flows/b.yaml")

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("flows/b.yaml", 2, 3, "flows.orders")]
    assert message_at(error, "flows.orders") == (
        "defined twice: the other one is at connector.yaml:16:3"
    )


def test_an_included_file_that_is_missing_is_a_problem(deployment_dir: Path) -> None:
    write(deployment_dir, "include: [partners.yaml, 'partners/*.yaml']\n" + MINIMAL)

    error = _problems(deployment_dir, MINIMAL_ENV)

    assert located(error, deployment_dir) == [("connector.yaml", 1, 11, "include[0]")]
    assert message_at(error, "include[0]") == "the included file partners.yaml is missing"
