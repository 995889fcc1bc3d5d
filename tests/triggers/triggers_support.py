"""Helpers of the trigger tests: bounded waits, a recording trigger, a run that waits for a gate."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from connector.triggers import Admission

#: The longest any test waits for something to happen; never a duration that is asserted.
PATIENCE_SECONDS = 15.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = PATIENCE_SECONDS) -> None:
    """Poll ``condition`` until it holds; fail the test naming ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


@dataclass
class Call:
    flow: str
    reason: str


@dataclass
class RecordingTrigger:
    """A trigger that records its calls, optionally runs ``also`` on each, and answers
    ``admission``."""

    admission: Admission = Admission.STARTED
    also: Callable[[str, str], object] | None = None
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, flow: str, reason: str) -> Admission:
        if self.also is not None:
            self.also(flow, reason)
        with self._lock:
            self.calls.append(Call(flow, reason))
        return self.admission

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)


class GatedRun:
    """A flow run that waits until its gate opens (or the stop event is set), counting runs
    and how many ran at the same time."""

    def __init__(self, *, honour_stop: bool = True) -> None:
        self.gate = threading.Event()
        self.honour_stop = honour_stop
        self.started = 0
        self.finished = 0
        self.active = 0
        self.most_at_once = 0
        self.stops_seen = 0
        self._lock = threading.Lock()

    def __call__(self, flow: str, stop: threading.Event) -> str:
        with self._lock:
            self.started += 1
            self.active += 1
            self.most_at_once = max(self.most_at_once, self.active)
        try:
            while not self.gate.wait(0.005):
                if self.honour_stop and stop.is_set():
                    with self._lock:
                        self.stops_seen += 1
                    return f"{flow}: interrupted"
            return f"{flow}: done"
        finally:
            with self._lock:
                self.active -= 1
                self.finished += 1


# ---------------------------------------------------------------------------------------------
# Deployments on disk
# ---------------------------------------------------------------------------------------------

#: The environment a test deployment's ``${VARIABLE}`` references are resolved from.
ENVIRON = {
    "AHEAD_HMAC_TOKEN": "sandbox-token",
    "AHEAD_HMAC_SECRET": "sandbox-secret",
    "AHEAD_WEBHOOK_SECRET": "webhook-secret-0123456789abcdef",
}


def free_port() -> int:
    """A port nobody listens on right now (the configuration does not take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_deployment(
    directory: Path,
    *,
    flows: str,
    adapters: str = "",
    base_url: str = "http://127.0.0.1:9",
    webhook_port: int | None = None,
) -> Path:
    """A deployment folder with JSON file adapters ``inbox`` (source, folder ``inbox``) and
    ``outbox`` (sink, folder ``outbox``), more ``adapters`` and the given ``flows`` (YAML
    blocks, indented by two spaces)."""
    for folder in ("inbox", "outbox", "archive", "error"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    webhooks = (
        f"webhooks:\n  port: {webhook_port}\n  secret: ${{AHEAD_WEBHOOK_SECRET}}\n"
        if webhook_port is not None
        else ""
    )
    (directory / "connector.yaml").write_text(
        f"""\
ahead:
  base_url: {base_url}
  auth:
    hmac:
      token: ${{AHEAD_HMAC_TOKEN}}
      secret: ${{AHEAD_HMAC_SECRET}}
adapters:
  inbox:
    kind: jsonfiles
    role: source
    settings: {{inbox: inbox, key_field: customer_order, settle_seconds: 0}}
  outbox:
    kind: jsonfiles
    role: sink
    settings: {{outbox: outbox}}
{adapters}flows:
{flows}{webhooks}""",
        encoding="utf-8",
    )
    return directory
