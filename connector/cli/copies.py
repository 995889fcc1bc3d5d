"""Values owned by heavy modules that the command line's options and help need when it starts.

Importing their owners would load the database, web and file-watching libraries for every
``--help``; ``tests/cli/test_cli_startup.py`` checks that each copy still equals its original.
"""

from __future__ import annotations

import enum

#: :data:`connector.config.CONFIG_FILENAME`.
CONFIG_FILENAME = "connector.yaml"
#: :data:`connector.triggers.watcher.DEFAULT_SETTLE_SECONDS`.
SETTLE_SECONDS = 1.0
#: :data:`connector.triggers.service.DEFAULT_SHUTDOWN_TIMEOUT_SECONDS`.
SHUTDOWN_TIMEOUT_SECONDS = 60.0
#: The default ``release_after`` of :class:`connector.sandbox.config.LifecycleConfig`.
SANDBOX_RELEASE_AFTER = 60.0
#: The default ``ship_after`` of :class:`connector.sandbox.config.LifecycleConfig`.
SANDBOX_SHIP_AFTER = 300.0


class RecordStateChoice(enum.StrEnum):
    """The values of :class:`connector.store.RecordState`, in its order, as an option's choices."""

    PENDING = "pending"
    SUBMITTING = "submitting"
    DONE = "done"
    FAILED = "failed"
    DEAD = "dead"
