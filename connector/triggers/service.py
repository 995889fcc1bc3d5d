"""The triggers of one deployment, composed around one runner: what ``ahead-connector run`` runs.

:class:`TriggerService` reads the deployment's configuration and builds

- a :class:`~connector.triggers.runner.FlowRunner` that runs the flows, one run per flow at a
  time, through the runtime's ``run_flow``;
- a :class:`~connector.triggers.scheduler.FlowScheduler` for the flows with a ``schedule``;
- an :class:`~connector.triggers.watcher.InboxWatcher` for each flow with a ``watch`` folder;
- a :class:`~connector.triggers.webhooks.WebhookReceiver` served on the configured address when
  the deployment has a ``webhooks`` section.

Disabled flows get no trigger. Stopping tells runs in progress to stop first (the engine then
finishes or releases its in-flight records), stops every trigger, and waits a bounded time for
the runs to end.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Protocol, Self

from connector.background_server import BackgroundServer
from connector.config import Deployment
from connector.engine import RunReport
from connector.triggers.options import TriggerOptions
from connector.triggers.runner import FlowRunner
from connector.triggers.scheduler import FlowScheduler
from connector.triggers.watcher import InboxWatcher
from connector.triggers.webhooks import WebhookReceiver

logger = logging.getLogger(__name__)

#: How many record errors of one run are logged one by one.
_ERRORS_LOGGED = 10


class FlowRuntime(Protocol):
    """What the service needs of a :class:`~connector.runtime.Runtime`."""

    @property
    def deployment(self) -> Deployment:
        """The deployment whose flows run."""
        ...

    def run_flow(self, name: str, *, stop: threading.Event | None = None) -> object:
        """Run flow ``name`` once; return soon after ``stop`` is set."""
        ...


class TriggerService:
    """Schedules, inbox watchers and the webhook receiver of a deployment, around one runner.

    ::

        with Runtime.open(folder) as runtime, TriggerService(runtime) as service:
            stop_requested.wait()
        # leaving stopped the triggers and waited for the runs

    Args:
        runtime: runs the flows and holds the deployment's configuration.
        options: timings not set in the configuration.

    Attributes:
        runner: runs the flows; every trigger asks it.
        scheduler: the scheduled flows.
        watchers: one per watched inbox.
        receiver: the webhook receiver, ``None`` without a ``webhooks`` section.

    Raises:
        ValueError: a setting cannot be used (the message names it).
    """

    def __init__(self, runtime: FlowRuntime, options: TriggerOptions | None = None) -> None:
        self._runtime = runtime
        self._options = options or TriggerOptions()
        deployment = runtime.deployment
        flows = {name: flow for name, flow in deployment.config.flows.items() if flow.enabled}
        self.runner = FlowRunner(self._run)
        self.scheduler = FlowScheduler(
            {name: flow.schedule for name, flow in flows.items() if flow.schedule is not None},
            self.runner,
            misfire_grace_seconds=self._options.misfire_grace_seconds,
        )
        self.watchers = [
            InboxWatcher(
                name,
                deployment.path(flow.watch),
                self.runner,
                settle_seconds=self._options.settle_seconds,
                rescan_seconds=self._options.rescan_seconds,
            )
            for name, flow in flows.items()
            if flow.watch is not None
        ]
        self.receiver: WebhookReceiver | None = None
        self._server: BackgroundServer | None = None
        webhooks = deployment.config.webhooks
        if webhooks is not None:
            routes = {
                event: tuple(name for name in names if name in flows)
                for event, names in webhooks.events.items()
            }
            self.receiver = WebhookReceiver(
                secret=webhooks.secret,
                routes={event: names for event, names in routes.items() if names},
                trigger=self.runner,
                path=webhooks.path,
                tolerance_seconds=webhooks.tolerance_seconds,
            )
            self._server = BackgroundServer(
                self.receiver.app,
                webhooks.host,
                webhooks.port,
                name="webhook",
                # Deliveries in flight get this long to finish when the service stops.
                graceful_shutdown_seconds=5,
            )
            for event, names in routes.items():
                if not names:
                    logger.warning(
                        "webhooks: %s events will be acknowledged and ignored: no enabled flow "
                        "named %s",
                        event.value,
                        " or ".join(webhooks.events[event]),
                    )
        self._started = False

    def __repr__(self) -> str:
        return f"<TriggerService {self._runtime.deployment!r}>"

    @property
    def webhook_url(self) -> str | None:
        """The URL AHEAD posts webhooks to while serving; ``None`` otherwise."""
        if self._server is None or self.receiver is None or not self._server.serving:
            return None
        return self._server.base_url + self.receiver.path

    def start(self) -> None:
        """Start every trigger; inboxes first, so a folder that is missing fails early.

        Raises:
            FileNotFoundError: a watched folder does not exist.
            OSError: a folder cannot be watched, or the webhook address cannot be bound.
            RuntimeError: the service was started before.
        """
        if self._started:
            raise RuntimeError("a trigger service starts once; create a new one")
        self._started = True
        try:
            for watcher in self.watchers:
                watcher.start()
            self.scheduler.start()
            if self._server is not None:
                self._server.start()
                logger.info("webhook receiver listening on %s", self.webhook_url)
        except BaseException:
            self._stop_triggers()
            raise
        logger.info(
            "running: %d scheduled flow(s), %d watched inbox(es), webhook receiver %s",
            len(self.scheduler.schedules),
            len(self.watchers),
            "on" if self._server is not None else "off",
        )

    def stop(self) -> list[str]:
        """Stop: tell runs to stop, stop every trigger, wait for the runs (idempotent).

        Returns:
            The flows whose run did not end within the shutdown timeout (empty when all did);
            their claimed records keep their leases, which expire and are reconciled before
            anything is sent again.
        """
        self.runner.stop()
        self._stop_triggers()
        still_running = self.runner.shutdown(self._options.shutdown_timeout)
        if still_running:
            logger.error(
                "%s did not stop within %g s; their claimed records are left to expire and "
                "will be reconciled on the next run",
                ", ".join(still_running),
                self._options.shutdown_timeout,
            )
        else:
            logger.info("stopped: no run in progress")
        return still_running

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _stop_triggers(self) -> None:
        # Each one is stopped even if another fails to stop, so none is left running.
        stoppers = [self.scheduler.shutdown, *(w.stop for w in self.watchers)]
        if self._server is not None:
            stoppers.append(self._server.stop)
        for stopper in stoppers:
            try:
                stopper()
            except Exception:
                logger.exception("a trigger did not stop cleanly")

    def _run(self, flow: str, stop: threading.Event) -> object:
        report = self._runtime.run_flow(flow, stop=stop)
        if isinstance(report, RunReport):
            _log_details(report)
        return report


def _log_details(report: RunReport) -> None:
    # The engine logs the run's summary and why a run failed; the records' problems are ours.
    for key, message in report.errors[:_ERRORS_LOGGED]:
        logger.warning("flow %s: record %s: %s", report.flow, key, message)
    if len(report.errors) > _ERRORS_LOGGED:
        logger.warning(
            "flow %s: %d more record errors (see `ahead-connector status`)",
            report.flow,
            len(report.errors) - _ERRORS_LOGGED,
        )
    for key, message in report.warnings[:_ERRORS_LOGGED]:
        logger.warning("flow %s: record %s: %s", report.flow, key, message)
