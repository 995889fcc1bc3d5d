"""The timings of the triggers that ``connector.yaml`` does not set, and their defaults.

Imports no library, so that the command line's help can show the defaults without loading the
scheduler, the file watcher or the web server.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How long a file's size and modification time must stay the same before it counts.
DEFAULT_SETTLE_SECONDS = 1.0

#: How often the whole folder is listed again, to catch files whose events were lost.
DEFAULT_RESCAN_SECONDS = 60.0

#: How late a scheduled run may start and still run (e.g. after the machine slept); a run missed
#: by more is skipped and the flow runs at its next time.
DEFAULT_MISFIRE_GRACE_SECONDS = 3600

#: How long stopping waits for runs in progress to finish or release their records.
DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class TriggerOptions:
    """Timings of the triggers that ``connector.yaml`` does not set.

    Attributes:
        settle_seconds: how long a file in a watched inbox must stay unchanged to count.
        rescan_seconds: how often watched inboxes are listed again.
        misfire_grace_seconds: how late a scheduled run may start and still run.
        shutdown_timeout: how long stopping waits for runs in progress.
    """

    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    rescan_seconds: float = DEFAULT_RESCAN_SECONDS
    misfire_grace_seconds: int = DEFAULT_MISFIRE_GRACE_SECONDS
    shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS
