"""What makes flows run by themselves: schedules, watched inboxes and AHEAD's webhooks.

Each trigger only asks a :class:`Trigger` for a run; a :class:`FlowRunner` serves those requests,
one run per flow at a time, with requests that arrive during a run folded into one more run.
:class:`FlowScheduler`, :class:`InboxWatcher` and :class:`WebhookReceiver` are the triggers;
:class:`StopSignals` turns SIGTERM and Ctrl-C into a clean stop; :class:`TriggerService`
composes all of them for a deployment (``ahead-connector run``).
"""

from connector.background_server import BackgroundServer
from connector.triggers.base import Admission, Trigger
from connector.triggers.runner import FlowRunner, RunFlow
from connector.triggers.scheduler import FlowScheduler
from connector.triggers.service import TriggerOptions, TriggerService
from connector.triggers.signals import StopSignals
from connector.triggers.watcher import InboxWatcher
from connector.triggers.webhooks import WebhookAnswer, WebhookOutcome, WebhookReceiver

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
