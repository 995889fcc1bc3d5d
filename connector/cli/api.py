"""``ahead-connector api RESOURCE ACTION``: every endpoint of the endpoint table.

The commands are generated from :data:`connector.api.endpoints.ENDPOINTS`: one group per
resource, one command per verb it supports, one more per named sub-list (``rmas open``). A
resource that needs more than the generic commands (the automation queues) adds its own in
:mod:`connector.cli.automation`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel

from connector.api.endpoints import DEFAULT_PAGE_SIZE, ENDPOINTS, MAX_PAGE_SIZE, Endpoint, Verb
from connector.api.models import Page
from connector.api.query import FilterValue
from connector.cli import automation, report
from connector.cli.connection import open_client
from connector.cli.errors import UsageError, reported_errors
from connector.cli.inputs import parse_filters, read_body
from connector.cli.output import OutputFormat, print_page, print_record
from connector.cli.settings import settings_of

if TYPE_CHECKING:
    from connector.api import AheadClient

FilterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        metavar="KEY=VALUE",
        help="Only records whose top-level field KEY equals VALUE (repeatable).",
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        max=MAX_PAGE_SIZE,
        help="Records per page (the server's default if not given).",
    ),
]
OffsetOption = Annotated[int, typer.Option(min=0, help="Records to skip.")]
AllOption = Annotated[
    bool, typer.Option("--all", help="Fetch every page (--limit is then the page size).")
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="json (pretty, for scripts) or table.")
]
DataOption = Annotated[
    str,
    typer.Option(
        "--data",
        "-d",
        metavar="JSON|@FILE",
        help="The request body: JSON text, @FILE to read it from a file, @- from stdin.",
    ),
]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The record's id.")]

#: Resources whose create command is their own (with options instead of a JSON body).
_CUSTOM_CREATE = {automation.RESOURCE: automation.add_commands}

app = typer.Typer(
    help="Call any endpoint of the AHEAD API: ahead-connector api RESOURCE ACTION [ID].",
    no_args_is_help=True,
)


def _resource_app(resource: Endpoint) -> typer.Typer:
    group = typer.Typer(help=f"{resource.description} ({resource.path}).", no_args_is_help=True)
    if Verb.LIST in resource.verbs:
        command = report.list_command(resource) if resource.csv else _list_command(resource)
        group.command("list", help=f"List records: GET {resource.path}.")(command)
    if Verb.GET in resource.verbs:
        group.command("get", help=f"Show one record: GET {resource.path}/ID.")(
            _get_command(resource)
        )
    custom = _CUSTOM_CREATE.get(resource.name)
    if custom is not None:
        custom(group)
    elif Verb.CREATE in resource.verbs:
        group.command("create", help=f"Create a record: POST {resource.path}.")(
            _create_command(resource)
        )
    if Verb.UPDATE in resource.verbs:
        target = resource.path if resource.update_on_collection else f"{resource.path}/ID"
        group.command("update", help=f"Change a record: PUT {target}.")(_update_command(resource))
    if Verb.DELETE in resource.verbs:
        group.command("delete", help=f"Delete a record: DELETE {resource.path}/ID.")(
            _delete_command(resource)
        )
    for which, path in resource.extra_paths.items():
        group.command(which, help=f"List records: GET {path}.")(_list_command(resource, which))
    return group


def _list_command(resource: Endpoint, which: str | None = None) -> Callable[..., None]:
    """The command that lists ``resource``, or its sub-list ``which`` (``rmas open``)."""

    def list_records(
        ctx: typer.Context,
        filters: FilterOption = None,
        limit: LimitOption = None,
        offset: OffsetOption = 0,
        all_pages: AllOption = False,
        fmt: FormatOption = OutputFormat.JSON,
    ) -> None:
        with reported_errors():
            wanted = parse_filters(filters or [], resource.model)
            if all_pages and offset:
                raise UsageError("--all reads every page from the start; leave out --offset")
            with open_client(settings_of(ctx)) as client:
                if all_pages:
                    records = list(_every_record(client, resource, which, wanted, limit))
                    page = Page[Any](
                        count=len(records), total_results=len(records), results=records
                    )
                elif which is None:
                    page = client.list(resource.name, wanted, limit=limit, offset=offset)
                else:
                    page = client.list_path(resource.name, which, wanted, limit, offset)
            print_page(page, resource.model, fmt)

    return list_records


def _get_command(resource: Endpoint) -> Callable[..., None]:
    def get_record(
        ctx: typer.Context, record_id: IdArgument, fmt: FormatOption = OutputFormat.JSON
    ) -> None:
        with reported_errors(), open_client(settings_of(ctx)) as client:
            print_record(client.get(resource.name, record_id), fmt)

    return get_record


def _create_command(resource: Endpoint) -> Callable[..., None]:
    model = resource.create_model
    assert model is not None, f"{resource.name} supports create but names no create model"

    def create_record(
        ctx: typer.Context, data: DataOption, fmt: FormatOption = OutputFormat.JSON
    ) -> None:
        with reported_errors():
            body = read_body(data, model, f"create {resource.cli_name}")
            with open_client(settings_of(ctx)) as client:
                print_record(client.create(resource.name, body), fmt)

    return create_record


def _update_command(resource: Endpoint) -> Callable[..., None]:
    model = resource.update_model
    assert model is not None, f"{resource.name} supports update but names no update model"
    what = f"update {resource.cli_name}"

    if resource.update_on_collection:

        def update_collection(
            ctx: typer.Context, data: DataOption, fmt: FormatOption = OutputFormat.JSON
        ) -> None:
            with reported_errors():
                body = read_body(data, model, what)
                with open_client(settings_of(ctx)) as client:
                    print_record(client.update(resource.name, body), fmt)

        return update_collection

    def update_record(
        ctx: typer.Context,
        record_id: IdArgument,
        data: DataOption,
        fmt: FormatOption = OutputFormat.JSON,
    ) -> None:
        with reported_errors():
            body = read_body(data, model, what)
            with open_client(settings_of(ctx)) as client:
                print_record(client.update(resource.name, body, record_id), fmt)

    return update_record


def _delete_command(resource: Endpoint) -> Callable[..., None]:
    def delete_record(ctx: typer.Context, record_id: IdArgument) -> None:
        with reported_errors(), open_client(settings_of(ctx)) as client:
            client.delete(resource.name, record_id)
        typer.echo(f"deleted {resource.cli_name} {record_id}")

    return delete_record


def _every_record(
    client: AheadClient,
    resource: Endpoint,
    which: str | None,
    filters: dict[str, FilterValue],
    page_size: int | None,
) -> Iterator[BaseModel]:
    if which is None:
        yield from client.iterate(resource.name, filters, page_size=page_size or DEFAULT_PAGE_SIZE)
    else:
        yield from _sub_list_records(client, resource, which, filters, page_size)


def _sub_list_records(
    client: AheadClient,
    resource: Endpoint,
    which: str,
    filters: dict[str, FilterValue],
    page_size: int | None,
) -> Iterator[BaseModel]:
    """Every record of a sub-list, page by page, each record once.

    The client pages only whole resources, so sub-lists (``rmas open``) are paged here.
    """
    seen: set[object] = set()
    offset = 0
    while True:
        page = client.list_path(
            resource.name, which, filters, limit=page_size or DEFAULT_PAGE_SIZE, offset=offset
        )
        new = [r for r in page.results if getattr(r, "id", id(r)) not in seen]
        seen.update(getattr(r, "id", id(r)) for r in new)
        yield from new
        offset += len(page.results)
        # A page with nothing new means the server ignores offset: stop rather than loop.
        if not new or offset >= page.total_results:
            return


for _resource in ENDPOINTS.values():
    app.add_typer(_resource_app(_resource), name=_resource.cli_name)
