"""Runs flows in worker threads: one run per flow at a time, with requests coalesced.

A flow can be asked to run by its schedule, its inbox and a webhook at the same moment. Running it
twice at once would only make two runs compete for the same records, so :class:`FlowRunner`
keeps to one run per flow in this process, and folds every request that arrives during a run into
exactly one more run after it: that run sees whatever arrived meanwhile, and no request is lost.
Different flows run side by side.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from connector.triggers.base import Admission

logger = logging.getLogger(__name__)

#: Runs one flow once: ``run(flow, stop)``. It must return soon after ``stop`` is set, leaving no
#: record half done; whatever it returns is logged (at debug level) as the run's summary.
RunFlow = Callable[[str, threading.Event], object]

#: How many reasons a log line names before it only counts the rest.
_REASONS_SHOWN = 3


@dataclass
class _Reasons:
    """Why a run was asked for: the first few reasons and how many requests there were."""

    shown: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, reason: str) -> None:
        self.count += 1
        if len(self.shown) < _REASONS_SHOWN:
            self.shown.append(reason)

    def __str__(self) -> str:
        more = self.count - len(self.shown)
        text = ", ".join(self.shown)
        return f"{text} and {more} more" if more else text


@dataclass
class _FlowState:
    worker: threading.Thread | None = None
    queued: _Reasons | None = None


class FlowRunner:
    """Runs flows on request in worker threads, never one flow twice at a time.

    A request while the flow is idle starts a run at once; requests during a run make exactly one
    more run after it. :meth:`stop` sets the stop event every run was given and refuses further
    requests; :meth:`shutdown` also waits, for a bounded time, for the runs in progress to end.

    An instance is a :class:`~connector.triggers.base.Trigger`: pass it to the scheduler, the
    watchers and the webhook receiver.

    Args:
        run: runs one flow once (see :data:`RunFlow`).
        stop: the event every run is given; set by :meth:`stop`. A new one by default.
    """

    def __init__(self, run: RunFlow, *, stop: threading.Event | None = None) -> None:
        self._run = run
        self._stop = stop if stop is not None else threading.Event()
        self._changed = threading.Condition()
        self._flows: dict[str, _FlowState] = {}

    def __repr__(self) -> str:
        return f"<FlowRunner running={self.running()}>"

    @property
    def stop_event(self) -> threading.Event:
        """The event that tells runs in progress to stop."""
        return self._stop

    def __call__(self, flow: str, reason: str) -> Admission:
        """Ask for a run of ``flow``; see :class:`~connector.triggers.base.Trigger`."""
        with self._changed:
            if self._stop.is_set():
                logger.info("flow %s: not run (%s): the connector is stopping", flow, reason)
                return Admission.REFUSED
            state = self._flows.setdefault(flow, _FlowState())
            if state.worker is None:
                reasons = _Reasons()
                reasons.add(reason)
                state.worker = threading.Thread(
                    target=self._work,
                    args=(flow, state, reasons),
                    name=f"ahead-flow-{flow}",
                    # A run that ignores the stop event must not keep the process alive forever;
                    # shutdown() waits for runs, for a bounded time, before the process ends.
                    daemon=True,
                )
                state.worker.start()
                return Admission.STARTED
            if state.queued is None:
                state.queued = _Reasons()
                state.queued.add(reason)
                logger.info("flow %s: running; one more run queued (%s)", flow, reason)
                return Admission.QUEUED
            state.queued.add(reason)
            logger.debug("flow %s: joins the queued run (%s)", flow, reason)
            return Admission.COALESCED

    def running(self) -> list[str]:
        """The flows with a run in progress, by name."""
        with self._changed:
            return sorted(name for name, state in self._flows.items() if state.worker is not None)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no run is in progress or queued.

        Args:
            timeout: the most seconds to wait.

        Returns:
            Whether every run has ended (``False``: the timeout ran out first).
        """
        with self._changed:
            return self._changed.wait_for(self._idle, timeout)

    def stop(self) -> None:
        """Tell runs in progress to stop, drop queued runs and refuse new requests; returns at
        once (idempotent)."""
        with self._changed:
            self._stop.set()
            for name, state in self._flows.items():
                if state.queued is not None:
                    logger.info("flow %s: queued run dropped (%s): stopping", name, state.queued)
                    state.queued = None

    def shutdown(self, timeout: float) -> list[str]:
        """:meth:`stop`, then wait for the runs in progress to end.

        Args:
            timeout: the most seconds to wait.

        Returns:
            The flows whose run had not ended when the timeout ran out (empty when all ended).
        """
        self.stop()
        running = self.running()
        if running:
            logger.info("waiting up to %g s for %s to stop", timeout, ", ".join(running))
            self.wait_idle(timeout)
        return self.running()

    def _idle(self) -> bool:
        return all(state.worker is None for state in self._flows.values())

    def _work(self, flow: str, state: _FlowState, reasons: _Reasons) -> None:
        while True:
            self._run_once(flow, reasons)
            with self._changed:
                if state.queued is None or self._stop.is_set():
                    state.worker = None
                    self._changed.notify_all()
                    return
                reasons, state.queued = state.queued, None

    def _run_once(self, flow: str, reasons: _Reasons) -> None:
        logger.info("flow %s: run starting (%s)", flow, reasons)
        try:
            summary = self._run(flow, self._stop)
        except Exception:
            # One failed run must not end the worker or the daemon; the next request runs again.
            logger.exception("flow %s: run failed", flow)
            return
        # The engine logs its own summary; this line is for runs that do not.
        logger.debug("flow %s: run finished: %s", flow, summary)
