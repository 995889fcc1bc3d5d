"""What makes flows run by themselves: schedules, watched inboxes and AHEAD's webhooks.

Each trigger only asks a :class:`Trigger` for a run; a :class:`FlowRunner` serves those requests,
one run per flow at a time, with requests that arrive during a run folded into one more run.
:class:`FlowScheduler`, :class:`InboxWatcher` and :class:`WebhookReceiver` are the triggers;
:class:`StopSignals` turns SIGTERM and Ctrl-C into a clean stop; :class:`TriggerService`
composes all of them for a deployment (``ahead-connector run``).

Each name is imported from its module on first use, so that the triggers' timings
(:mod:`connector.triggers.options`) import without the scheduling, file-watching and web
libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connector.background_server import BackgroundServer
    from connector.triggers.base import Admission, Trigger
    from connector.triggers.options import TriggerOptions
    from connector.triggers.runner import FlowRunner, RunFlow
    from connector.triggers.scheduler import FlowScheduler
    from connector.triggers.service import TriggerService
    from connector.triggers.signals import StopSignals
    from connector.triggers.watcher import InboxWatcher
    from connector.triggers.webhooks import WebhookAnswer, WebhookOutcome, WebhookReceiver

#: The module that defines each exported name.
_MODULES = {
    "Admission": "connector.triggers.base",
    "BackgroundServer": "connector.background_server",
    "FlowRunner": "connector.triggers.runner",
    "FlowScheduler": "connector.triggers.scheduler",
    "InboxWatcher": "connector.triggers.watcher",
    "RunFlow": "connector.triggers.runner",
    "StopSignals": "connector.triggers.signals",
    "Trigger": "connector.triggers.base",
    "TriggerOptions": "connector.triggers.options",
    "TriggerService": "connector.triggers.service",
    "WebhookAnswer": "connector.triggers.webhooks",
    "WebhookOutcome": "connector.triggers.webhooks",
    "WebhookReceiver": "connector.triggers.webhooks",
}

if not TYPE_CHECKING:
    # Hidden from the type checker, which would otherwise take any misspelt name for a valid one.
    __getattr__, __dir__ = lazy_exports(__name__, _MODULES)

__all__ = [
    "Admission",
    "BackgroundServer",
    "FlowRunner",
    "FlowScheduler",
    "InboxWatcher",
    "RunFlow",
    "StopSignals",
    "Trigger",
    "TriggerOptions",
    "TriggerService",
    "WebhookAnswer",
    "WebhookOutcome",
    "WebhookReceiver",
]
