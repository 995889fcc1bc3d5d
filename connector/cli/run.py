"""``ahead-connector run``: run a deployment's flows on their triggers until stopped."""

from __future__ import annotations

import enum
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from connector.cli.errors import fail
from connector.cli.ops import DeploymentOption
from connector.triggers.options import DEFAULT_SETTLE_SECONDS, DEFAULT_SHUTDOWN_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from connector.runtime import Runtime
    from connector.triggers import TriggerOptions, TriggerService

logger = logging.getLogger("connector.run")

#: Libraries whose routine messages (each HTTP request, each scheduler tick) would drown ours;
#: they log their warnings and errors, and everything with ``--log-level debug``.
_CHATTY_LOGGERS = ("httpx", "httpcore", "apscheduler", "watchdog", "uvicorn")


class RunExitCode(enum.IntEnum):
    """Exit codes of ``ahead-connector run``."""

    #: Stopped by SIGTERM or Ctrl-C, every run ended.
    OK = 0
    #: Stopped, but runs did not end within the shutdown timeout; their claimed records are
    #: reconciled on the next run.
    RUNS_LEFT = 1
    #: The configuration has problems, or a trigger cannot start.
    BAD_INPUT = 2


class LogLevel(enum.StrEnum):
    """How much ``run`` logs."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


def run(
    deployment: DeploymentOption = Path(),
    settle_seconds: Annotated[
        float,
        typer.Option(
            min=0.01,
            help="How long a file in a watched inbox must stay unchanged before it counts "
            "(files renamed into the inbox count at once).",
        ),
    ] = DEFAULT_SETTLE_SECONDS,
    shutdown_timeout: Annotated[
        float,
        typer.Option(
            min=0,
            help="On SIGTERM or Ctrl-C, how long to wait for runs in progress to finish or "
            "release their records.",
        ),
    ] = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
    log_level: Annotated[
        LogLevel, typer.Option(help="How much to log on standard error.")
    ] = LogLevel.INFO,
) -> None:
    """Run the deployment's flows on their schedules, watched inboxes and webhooks until stopped.

    SIGTERM or Ctrl-C stops it: no new run starts, runs in progress finish or release their
    records, and it exits. A second Ctrl-C exits at once (claimed records are reconciled on
    the next run).

    Exit codes: 0 stopped cleanly; 1 runs did not stop within --shutdown-timeout; 2 the
    configuration has problems or a trigger cannot start (missing inbox, webhook port in use).
    """
    from connector.triggers import StopSignals, TriggerOptions

    _configure_logging(log_level)
    options = TriggerOptions(settle_seconds=settle_seconds, shutdown_timeout=shutdown_timeout)
    with StopSignals() as signals:
        runtime = _open(deployment)
        with runtime:
            logger.info(
                "starting %s: flows %s",
                runtime.deployment.directory,
                ", ".join(sorted(runtime.flows)) or "none",
            )
            service = _start(runtime, options)
            try:
                signals.stop_requested.wait()
            finally:
                still_running = service.stop()
    if still_running:
        raise typer.Exit(int(RunExitCode.RUNS_LEFT))
    logger.info("stopped cleanly")


def _open(deployment: Path) -> Runtime:
    from connector.config import ConfigError
    from connector.runtime import Runtime

    try:
        return Runtime.open(deployment)
    except ConfigError as exc:
        count = len(exc.problems)
        fail(
            f"{count} configuration problem{'s' if count != 1 else ''}",
            [problem.describe(deployment.absolute()) for problem in exc.problems],
        )


def _start(runtime: Runtime, options: TriggerOptions) -> TriggerService:
    from connector.triggers import TriggerService

    try:
        service = TriggerService(runtime, options)
        service.start()
    except (OSError, ValueError) as exc:
        fail(f"cannot start the triggers: {exc}")
    return service


def _configure_logging(level: LogLevel) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.value.upper())
    if level is not LogLevel.DEBUG:
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
