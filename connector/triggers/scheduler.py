"""Runs flows on their schedules: an APScheduler 3 background scheduler with one job per flow.

A job only asks the :class:`~connector.triggers.base.Trigger` for a run and returns, so it never
holds a scheduler thread for the length of a run; the trigger (a
:class:`~connector.triggers.runner.FlowRunner` in ``ahead-connector run``) makes sure a flow never
runs twice at once. The jobs still allow one instance each and coalesce missed runs, so a stalled
trigger or a machine waking from sleep produces one run, not a burst.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import (  # type: ignore[import-untyped]
    BackgroundScheduler,
)
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from connector.config import ScheduleConfig
from connector.triggers.base import Trigger
from connector.triggers.options import DEFAULT_MISFIRE_GRACE_SECONDS

logger = logging.getLogger(__name__)

#: The reason scheduled runs give for the log.
SCHEDULE_REASON = "schedule"


class FlowScheduler:
    """Asks for a run of each flow at the times of its schedule, from a background thread.

    ::

        scheduler = FlowScheduler({"invoices": ScheduleConfig(interval=300)}, runner)
        scheduler.start()
        ...
        scheduler.shutdown()

    A failing trigger is logged with the flow's name and cause; the scheduler keeps going.

    Args:
        schedules: the schedule of each flow, by flow name.
        trigger: asked for a run at each scheduled time.
        misfire_grace_seconds: how late a run may start and still run.
        timezone: the time zone of cron expressions that name none; the machine's by default.
    """

    def __init__(
        self,
        schedules: Mapping[str, ScheduleConfig],
        trigger: Trigger,
        *,
        misfire_grace_seconds: int = DEFAULT_MISFIRE_GRACE_SECONDS,
        timezone: tzinfo | None = None,
    ) -> None:
        self._schedules = MappingProxyType(dict(schedules))
        self._trigger = trigger
        options = {} if timezone is None else {"timezone": timezone}
        self._scheduler = BackgroundScheduler(
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": misfire_grace_seconds,
            },
            **options,
        )
        for flow, schedule in self._schedules.items():
            self._scheduler.add_job(
                self._fire,
                _apscheduler_trigger(schedule, self._scheduler.timezone),
                args=(flow,),
                id=flow,
                name=f"flow {flow}",
            )

    def __repr__(self) -> str:
        return f"<FlowScheduler flows={sorted(self._schedules)}>"

    @property
    def schedules(self) -> Mapping[str, ScheduleConfig]:
        """The schedule of each flow, by flow name."""
        return self._schedules

    def start(self) -> None:
        """Start the background thread; each flow first runs at its schedule's next time."""
        self._scheduler.start()
        for flow, schedule in self._schedules.items():
            logger.info(
                "flow %s: scheduled %s; next run at %s",
                flow,
                _describe(schedule),
                self.next_run(flow),
            )

    def shutdown(self) -> None:
        """Stop asking for runs and join the scheduler's threads (idempotent)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def next_run(self, flow: str) -> datetime | None:
        """When ``flow`` next runs (``None`` when the scheduler is not running or it never will).

        Raises:
            KeyError: ``flow`` has no schedule.
        """
        job = self._scheduler.get_job(flow)
        if job is None:
            raise KeyError(flow)
        next_run: datetime | None = getattr(job, "next_run_time", None)
        return next_run

    def _fire(self, flow: str) -> None:
        try:
            self._trigger(flow, SCHEDULE_REASON)
        except Exception:
            logger.exception("flow %s: the scheduled trigger failed", flow)


def _apscheduler_trigger(schedule: ScheduleConfig, timezone: tzinfo) -> object:
    if schedule.interval is not None:
        return IntervalTrigger(seconds=schedule.interval, timezone=timezone)
    zone = ZoneInfo(schedule.timezone) if schedule.timezone is not None else timezone
    return CronTrigger.from_crontab(schedule.cron, timezone=zone)


def _describe(schedule: ScheduleConfig) -> str:
    if schedule.interval is not None:
        return f"every {schedule.interval:g} s"
    zone = f" ({schedule.timezone})" if schedule.timezone is not None else ""
    return f"cron {schedule.cron!r}{zone}"
