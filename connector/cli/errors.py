"""What the command line does when something goes wrong: a clear message and an exit code.

Every command body runs inside :func:`reported_errors`, which turns the AHEAD client's
exceptions and bad input into a message on standard error and one of the :class:`ExitCode`
values, so scripts around the command line can tell the cases apart.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

import pydantic
import typer
from rich.markup import escape

from connector.api import errors as api_errors
from connector.api.models import FieldError
from connector.cli.output import stderr_console


class ExitCode(enum.IntEnum):
    """Exit codes of ``ahead-connector``."""

    OK = 0
    #: The API refused the request or could not be reached.
    API_ERROR = 1
    #: The command line itself was wrong: options, ``--data``, configuration.
    BAD_INPUT = 2
    #: A create may or may not have happened: look the record up before sending it again.
    OUTCOME_UNKNOWN = 3


class UsageError(Exception):
    """Bad input found by our own code (exit code 2), with optional per-field details."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


def input_errors(error: pydantic.ValidationError) -> list[str]:
    """One ``field: message`` line per problem pydantic found in an input."""
    return [f"{location(e['loc']) or '(body)'}: {e['msg']}" for e in error.errors()]


def location(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a path: ``lines[0].quantity``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def fail(
    message: str, details: Sequence[str] = (), code: ExitCode = ExitCode.BAD_INPUT
) -> NoReturn:
    """Print ``message`` and its detail lines on standard error and exit with ``code``."""
    console = stderr_console()
    console.print(f"[bold red]error:[/] {escape(message)}")
    for line in details:
        console.print(f"  {escape(line)}")
    raise typer.Exit(int(code))


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the exceptions of a command body into a message and an exit code."""
    try:
        yield
    except UsageError as exc:
        fail(str(exc), exc.details)
    except pydantic.ValidationError as exc:
        fail(f"invalid {exc.title}", input_errors(exc))
    except api_errors.OutcomeUnknownError as exc:
        fail(
            f"{exc.method} {exc.endpoint}: the outcome is unknown ({exc.reason}).",
            [
                "The request may have been carried out even though no answer came back.",
                "Look the record up (e.g. `api customer-order-submissions list "
                "--filter customer_order=...`) before sending it again.",
            ],
            ExitCode.OUTCOME_UNKNOWN,
        )
    except api_errors.ApiError as exc:
        _fail_for_api_error(exc)
    except api_errors.AuthError as exc:
        hint = ["Check the credentials, or run `ahead-connector auth login` again."]
        fail(f"authentication failed: {exc}", hint, ExitCode.API_ERROR)
    except api_errors.TransportError as exc:
        fail(
            f"{exc.method} {exc.endpoint}: no answer ({exc.reason})",
            ["Check the base URL and the network, then try again."],
            ExitCode.API_ERROR,
        )
    except api_errors.ConfigurationError as exc:
        fail(str(exc))


def _fail_for_api_error(exc: api_errors.ApiError) -> NoReturn:
    # With field errors, one line each; without, the client's own one-line summary (it
    # shortens HTML error pages and long bodies, and says what was wrong with a 2xx answer).
    if exc.errors:
        message = f"{exc.method} {exc.endpoint} answered {exc.status_code}"
        details = [_field_error(e) for e in exc.errors]
    else:
        message, details = str(exc), []
    if isinstance(exc, api_errors.RateLimitedError) and exc.retry_after is not None:
        details.append(f"The API asks to wait {exc.retry_after:g} s before trying again.")
    fail(message, details, ExitCode.API_ERROR)


def _field_error(error: FieldError) -> str:
    return f"{error.field}: {error.message}" if error.field else error.message
