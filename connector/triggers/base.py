"""The one interface every trigger talks to: ask for a run of a flow, and hear whether it will.

The scheduler, the inbox watchers and the webhook receiver never run a flow themselves; they call
a :class:`Trigger` with the flow's name and a reason for the log. In ``ahead-connector run`` that
is a :class:`~connector.triggers.runner.FlowRunner`; in tests it can be any small function.
"""

from __future__ import annotations

import enum
from typing import Protocol


class Admission(enum.StrEnum):
    """What became of a request to run a flow."""

    STARTED = "started"
    """No run of the flow was in progress; one starts now."""
    QUEUED = "queued"
    """A run is in progress; one more run starts when it ends."""
    COALESCED = "coalesced"
    """A run is in progress and another is queued already; this request joins the queued one."""
    REFUSED = "refused"
    """The connector is stopping; no run starts."""

    @property
    def accepted(self) -> bool:
        """Whether the request will be served by a run that starts now or later."""
        return self is not Admission.REFUSED


class Trigger(Protocol):
    """Asks for a run of a flow; returns at once, without waiting for the run."""

    def __call__(self, flow: str, reason: str) -> Admission:
        """Ask for a run of ``flow``.

        Args:
            flow: the flow's name in the deployment.
            reason: why, for the log (``schedule``, ``2 files in inbox``, ...).

        Returns:
            What became of the request.
        """
        ...
