"""SIGTERM and Ctrl-C ask the connector to stop; a second one forces it to exit.

The first signal only sets a :class:`threading.Event`: the daemon then stops its triggers and lets
runs in progress finish or release their records. A second signal (an impatient operator, or a
supervisor's second SIGTERM) exits at once. That leaves no half state either: every store change
is one transaction, and a record claimed but not finished keeps its lease, which expires and is
reconciled with the destination before anything is sent again.

The signal handler itself does nothing: Python writes each signal's number to a wakeup socket,
and a listener thread acts on it. Setting the event, or logging, from inside the handler could
deadlock, since the handler interrupts the main thread wherever it is, possibly inside that same
event's lock.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Self

logger = logging.getLogger(__name__)

#: The signals that ask for a stop.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

#: Written to the wakeup socket to end the listener; no signal has this number.
_CLOSE = 0

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class StopSignals:
    """While entered, SIGTERM and SIGINT set :attr:`stop_requested`; a second one forces exit.

    ::

        with StopSignals() as signals:
            service.start()
            signals.stop_requested.wait()
            service.stop()

    Leaving restores the signal handlers (and the signal wakeup descriptor) that were there
    before. Only the main thread can enter it.

    Args:
        stop_requested: the event to set; a new one by default.
        force_exit: called with the exit status (128 + the signal's number) on the second
            signal; :func:`os._exit` by default, which ends the process even while threads
            are stuck.

    Attributes:
        stop_requested: set by the first signal.
        received: the first signal received, ``None`` before.
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
        self._previous_handlers: dict[signal.Signals, _Handler] = {}
        self._previous_wakeup_fd = -1
        self._reader: socket.socket | None = None
        self._writer: socket.socket | None = None
        self._listener: threading.Thread | None = None

    def __repr__(self) -> str:
        received = self.received.name if self.received is not None else None
        return f"<StopSignals received={received}>"

    def __enter__(self) -> Self:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("signal handlers can only be installed from the main thread")
        if self._listener is not None:
            raise RuntimeError("StopSignals is entered already")
        self._reader, self._writer = socket.socketpair()
        self._writer.setblocking(False)
        self._listener = threading.Thread(
            target=self._listen, args=(self._reader,), name="ahead-stop-signals", daemon=True
        )
        self._listener.start()
        self._previous_wakeup_fd = signal.set_wakeup_fd(
            self._writer.fileno(), warn_on_full_buffer=False
        )
        for number in STOP_SIGNALS:
            self._previous_handlers[number] = signal.signal(number, _delivered_by_wakeup_fd)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)
        self._previous_handlers.clear()
        signal.set_wakeup_fd(self._previous_wakeup_fd)
        reader, writer, listener = self._reader, self._writer, self._listener
        self._reader = self._writer = None
        self._listener = None
        if writer is not None:
            writer.setblocking(True)
            writer.send(bytes([_CLOSE]))
        if listener is not None:
            listener.join()
        for end in (reader, writer):
            if end is not None:
                end.close()

    def _listen(self, reader: socket.socket) -> None:
        while data := reader.recv(64):
            for number in data:
                if number == _CLOSE:
                    return
                self._on_signal(number)

    def _on_signal(self, number: int) -> None:
        try:
            received = signal.Signals(number)
        except ValueError:
            return
        if received not in STOP_SIGNALS:
            return
        if self.received is not None:
            logger.warning("%s again: exiting now", received.name)
            self._force_exit(128 + number)
            return
        self.received = received
        logger.info(
            "%s received: stopping; runs in progress finish or release their records "
            "(send it again to exit at once)",
            received.name,
        )
        self.stop_requested.set()


def _delivered_by_wakeup_fd(number: int, frame: FrameType | None) -> None:
    """Installed so the signal does not end the process; the wakeup socket carries it on."""
