"""SIGTERM and Ctrl-C ask the connector to stop; a second one forces it to exit.

The first signal only sets a :class:`threading.Event`: the daemon then stops its triggers and lets
runs in progress finish or release their records. A second signal (an impatient operator, or a
supervisor's second SIGTERM) exits at once. That leaves no half state either: every store change
is one transaction, and a record claimed but not finished keeps its lease, which expires and is
reconciled with the destination before anything is sent again.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Self

logger = logging.getLogger(__name__)

#: The signals that ask for a stop.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class StopSignals:
    """While entered, SIGTERM and SIGINT set :attr:`stop_requested`; a second one forces exit.

    ::

        with StopSignals() as signals:
            service.start()
            signals.stop_requested.wait()
            service.stop()

    Leaving restores the handlers that were there before. Signal handlers can only be installed
    from the main thread.

    Args:
        stop_requested: the event to set; a new one by default.
        force_exit: called with the exit status (128 + the signal's number) on the second
            signal; :func:`os._exit` by default, which ends the process even while threads
            are stuck.
    """

    def __init__(
        self,
        stop_requested: threading.Event | None = None,
        *,
        force_exit: Callable[[int], object] = os._exit,
    ) -> None:
        self.stop_requested = stop_requested if stop_requested is not None else threading.Event()
        self.received: signal.Signals | None = None
        self._force_exit = force_exit
        self._previous: dict[signal.Signals, _Handler] = {}

    def __repr__(self) -> str:
        received = self.received.name if self.received is not None else None
        return f"<StopSignals received={received}>"

    def __enter__(self) -> Self:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("signal handlers can only be installed from the main thread")
        for number in STOP_SIGNALS:
            self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, number: int, frame: FrameType | None) -> None:
        received = signal.Signals(number)
        if self.received is not None:
            # Written directly: the logging machinery may be mid-write in the interrupted frame.
            os.write(2, f"{received.name} again: exiting now\n".encode())
            self._force_exit(128 + number)
            return
        self.received = received
        self.stop_requested.set()
        logger.info(
            "%s received: stopping; runs in progress finish or release their records "
            "(send it again to exit at once)",
            received.name,
        )
