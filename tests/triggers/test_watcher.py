"""InboxWatcher: a file counts once complete (settled or renamed in); temporary names never do."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from triggers_support import GatedRun, RecordingTrigger, wait_until

from adapters.filedrop import write_atomically
from connector.triggers import Admission, FlowRunner, InboxWatcher

SETTLE = 0.3
CHUNK = b'{"line": "' + b"x" * 500 + b'"}\n'


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


class SizeRecorder:
    """A trigger that notes, at the moment it is called, the size of every file in the inbox."""

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        self.seen: list[dict[str, int]] = []
        self.reasons: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, flow: str, reason: str) -> Admission:
        sizes = {p.name: p.stat().st_size for p in self.inbox.iterdir() if p.is_file()}
        with self._lock:
            self.seen.append(sizes)
            self.reasons.append(reason)
        return Admission.STARTED

    def count(self) -> int:
        with self._lock:
            return len(self.seen)


@pytest.fixture
def recorder(inbox: Path) -> SizeRecorder:
    return SizeRecorder(inbox)


@pytest.fixture
def watching(inbox: Path, recorder: SizeRecorder) -> Iterator[InboxWatcher]:
    with InboxWatcher("orders", inbox, recorder, settle_seconds=SETTLE) as watcher:
        yield watcher


def test_a_file_written_slowly_counts_only_once_complete(
    inbox: Path, recorder: SizeRecorder, watching: InboxWatcher
) -> None:
    chunks = 40
    with (inbox / "po-1001.json").open("wb") as file:
        for _ in range(chunks):
            file.write(CHUNK)
            file.flush()
            # Each pause is far shorter than the settle interval.
            threading.Event().wait(SETTLE / 30)

    wait_until(lambda: recorder.count() >= 1, "the trigger")
    assert recorder.seen[0] == {"po-1001.json": chunks * len(CHUNK)}
    assert recorder.count() == 1
    assert "po-1001.json" in recorder.reasons[0]


def test_a_file_renamed_in_from_a_temporary_name_counts(
    inbox: Path, recorder: SizeRecorder, watching: InboxWatcher
) -> None:
    partial = inbox / "po-1002.json.tmp"
    partial.write_bytes(CHUNK)
    partial.rename(inbox / "po-1002.json")

    wait_until(lambda: recorder.count() >= 1, "the trigger")
    assert recorder.seen[0] == {"po-1002.json": len(CHUNK)}
    assert "1 new file(s)" in recorder.reasons[0]


def test_a_file_moved_in_from_another_folder_counts(
    tmp_path: Path, inbox: Path, recorder: SizeRecorder, watching: InboxWatcher
) -> None:
    outside = tmp_path / "po-1003.json"
    outside.write_bytes(CHUNK)
    outside.rename(inbox / "po-1003.json")

    wait_until(lambda: recorder.count() >= 1, "the trigger")
    assert recorder.seen[0] == {"po-1003.json": len(CHUNK)}


@pytest.mark.parametrize(
    "name", [".po-1004.json", "po-1004.json.tmp", "po-1004.part", "po-1004.PARTIAL", "po~"]
)
def test_temporary_names_never_count(
    inbox: Path, recorder: SizeRecorder, watching: InboxWatcher, name: str
) -> None:
    (inbox / name).write_bytes(CHUNK)
    # A real file written after it proves the watcher has looked at both.
    (inbox / "po-1005.json").write_bytes(CHUNK)

    wait_until(lambda: recorder.count() >= 1, "the trigger for the real file")
    assert recorder.reasons == ["1 new file(s) in " + str(inbox) + ": po-1005.json"]


def test_files_present_at_start_count_once(inbox: Path, recorder: SizeRecorder) -> None:
    for number in range(3):
        (inbox / f"po-{number}.json").write_bytes(CHUNK)
    (inbox / ".hidden").write_bytes(CHUNK)
    (inbox / "archive").mkdir()

    with InboxWatcher("orders", inbox, recorder, settle_seconds=SETTLE):
        wait_until(lambda: recorder.count() >= 1, "the trigger at start")
        # A later file proves no second trigger for the first three was pending.
        (inbox / "po-9.json").write_bytes(CHUNK)
        wait_until(lambda: recorder.count() >= 2, "the trigger for the later file")

    assert recorder.reasons[0].startswith("3 new file(s)")
    assert recorder.reasons[1].endswith(": po-9.json")
    assert recorder.count() == 2


def test_an_inbox_with_only_temporary_files_triggers_nothing_at_start(
    inbox: Path, recorder: SizeRecorder
) -> None:
    (inbox / ".marker").write_bytes(b"")
    (inbox / "po-1.json.part").write_bytes(CHUNK)
    with InboxWatcher("orders", inbox, recorder, settle_seconds=SETTLE):
        (inbox / "po-2.json").write_bytes(CHUNK)
        wait_until(lambda: recorder.count() >= 1, "the trigger for the real file")
    assert recorder.reasons == ["1 new file(s) in " + str(inbox) + ": po-2.json"]


def test_a_burst_of_files_makes_one_more_run_not_one_per_file(inbox: Path) -> None:
    run = GatedRun()
    runner = FlowRunner(run)
    asked = RecordingTrigger(also=runner)
    files = 20

    with InboxWatcher("orders", inbox, asked, settle_seconds=SETTLE):
        write_atomically(inbox / "po-first.json", CHUNK)
        wait_until(lambda: run.started == 1, "the first run")
        for number in range(files):
            write_atomically(inbox / f"po-{number}.json", CHUNK)

        def reported() -> int:
            return sum(
                int(re.match(r"(\d+) new file", call.reason).group(1))  # type: ignore[union-attr]
                for call in asked.snapshot()
            )

        wait_until(lambda: reported() == files + 1, "every file to count")
        run.gate.set()
        assert runner.wait_idle(15)

    assert run.started == 2
    runner.shutdown(timeout=15)


def test_a_file_that_is_replaced_counts_again(
    inbox: Path, recorder: SizeRecorder, watching: InboxWatcher
) -> None:
    write_atomically(inbox / "stock.json", CHUNK)
    wait_until(lambda: recorder.count() >= 1, "the first trigger")
    write_atomically(inbox / "stock.json", CHUNK * 2)
    wait_until(lambda: recorder.count() >= 2, "the trigger for the new version")
    assert recorder.seen[1] == {"stock.json": 2 * len(CHUNK)}


def test_a_rescan_finds_files_whose_events_were_missed(inbox: Path, recorder: SizeRecorder) -> None:
    watcher = InboxWatcher("orders", inbox, recorder, settle_seconds=SETTLE, rescan_seconds=0.05)
    with watcher:
        # Stop the operating system's events, as if they had overflowed.
        assert watcher._observer is not None
        watcher._observer.unschedule_all()
        (inbox / "po-2001.json").write_bytes(CHUNK)
        wait_until(lambda: recorder.count() >= 1, "the rescan to find the file")
    assert recorder.seen[0] == {"po-2001.json": len(CHUNK)}


def test_a_file_left_in_the_inbox_is_offered_once_more_after_a_rescan_interval(
    inbox: Path, recorder: SizeRecorder
) -> None:
    with InboxWatcher("orders", inbox, recorder, settle_seconds=SETTLE, rescan_seconds=0.3):
        write_atomically(inbox / "po-a.json", CHUNK)
        wait_until(lambda: recorder.count() >= 2, "the second offer of po-a.json")
        write_atomically(inbox / "po-b.json", CHUNK)
        # By the time po-b.json is offered again, po-a.json would have been offered a third
        # time if offers repeated.
        wait_until(lambda: recorder.count() >= 4, "the second offer of po-b.json")
        reasons = list(recorder.reasons)

    assert reasons == [
        f"1 new file(s) in {inbox}: po-a.json",
        f"1 file(s) still waiting in {inbox}: po-a.json",
        f"1 new file(s) in {inbox}: po-b.json",
        f"1 file(s) still waiting in {inbox}: po-b.json",
    ]


def test_a_failing_trigger_is_logged_and_the_files_are_offered_again(
    inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[str] = []

    def flaky(flow: str, reason: str) -> Admission:
        attempts.append(reason)
        if len(attempts) == 1:
            raise RuntimeError("runner unavailable")
        return Admission.STARTED

    with InboxWatcher("orders", inbox, flaky, settle_seconds=SETTLE, rescan_seconds=0.05):
        write_atomically(inbox / "po-3001.json", CHUNK)
        wait_until(lambda: len(attempts) >= 2, "the file to be offered again")

    assert attempts[0] == attempts[1]
    failure = next(r for r in caplog.records if r.levelname == "ERROR")
    assert failure.getMessage().startswith("flow orders: the inbox trigger failed")
    assert failure.exc_info is not None


def test_watching_a_missing_folder_fails_naming_the_flow(tmp_path: Path) -> None:
    watcher = InboxWatcher("orders", tmp_path / "nowhere", RecordingTrigger())
    with pytest.raises(FileNotFoundError, match="flow orders watches"):
        watcher.start()
