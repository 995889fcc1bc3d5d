"""X12 850 throughput against a bare split and pyx12, and peak memory for a large interchange.

Throughput: one generated file of 850 interchanges (:mod:`benchmarks.x12_interchanges`) is
processed three ways in the same run, rounds alternating so that drift of the machine hits all
alike, and the median round of each is reported as segments per second and as ratios:

- *bare split*: the file read a MiB at a time, decoded, split on the segment terminator (with
  its line break) and each segment on the element separator; nothing else. No parse is faster.
- *pyx12*: ``pyx12.x12n_document.x12n_document`` on the file as pyx12's ``x12valid`` command
  calls it (its default parameters, no code list excluded, ``map_path`` our composed map
  directory), the 997 going to a buffer that is thrown away. It loads its maps on every call,
  as ``x12valid`` does for every file; that fixed cost is measured on a one-order file and shown.
- *ours*: what the X12 inbox source and the mapping do for each set, without the engine and the
  store: :func:`~adapters.x12.read_envelopes` streams the file, one
  :class:`~adapters.x12.TransactionSetValidator` validates every set and builds its tree, the
  record is made as the inbox makes it (the tree plus an envelope without control numbers, its
  content hash), the stock ``x12/850-to-order`` mapping maps it (lookups in memory from the
  sandbox's seed data, no HTTP), and a 997 per interchange is built from the reports of the
  rejected sets and written to a buffer that is thrown away. The validator and the mapping are
  loaded once, before the rounds, as a running inbox has them.

Every order of the file must be accepted and mapped on our side and pyx12 must find the file
valid, or the benchmark fails: a fast path that rejects its input measures nothing.

Peak memory: a single interchange of ``--size-mb`` MB is dropped into the inbox folder of a
temporary deployment and read by the real :class:`~adapters.x12.inbox.X12InboxSource` (its
checkpoint store a SQLite file beside it), in a process of its own. Each record is mapped with
the stock mapping and acknowledged as delivered, as the engine would once AHEAD took the order;
the source writes the 997/999 to the outbox at the end of the interchange and archives the
file. The process's peak resident set (``VmHWM``, else ``ru_maxrss``) is reported against the
goal and against a process that only imports the same modules. Sizes are in MB of 10^6 bytes.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyx12.params
import pyx12.x12n_document

from adapters.base import PARTNERS_SERVICE, STORE_SERVICE, AdapterContext, Record
from adapters.x12 import (
    AcknowledgmentNumbers,
    InterchangeEnd,
    LineBreak,
    SetEnvelope,
    SetResult,
    TransactionSet,
    TransactionSetValidator,
    build_acknowledgment,
    map_directory,
    read_envelopes,
)
from adapters.x12.inbox import X12InboxSettings, X12InboxSource
from benchmarks.x12_interchanges import (
    OUR_ID,
    PARTNER_ID,
    PIPE_NO_BREAKS,
    STAR_TILDE_LF,
    GeneratedFile,
    write_purchase_orders,
)
from connector.api.models import Country, CustomerCatalogItem, Item, ShippingMethod
from connector.config import PartnerConfig
from connector.mapping import (
    DeclarativeMapping,
    MappingLibrary,
    RecordMappingError,
    ReferenceTables,
)
from connector.sandbox import seed
from connector.store import CheckpointStore

MB = 1_000_000
MEMORY_GOAL_MB = 150
ORDERS_PER_INTERCHANGE = 500
PARTNER = "acme"
ORDER_PREFIX = "ACME-"
# What of the envelope the inbox puts in a record's payload: no control numbers, dates or times.
_STABLE_INTERCHANGE_FIELDS = (
    "sender_qualifier",
    "sender_id",
    "receiver_qualifier",
    "receiver_id",
    "version",
    "usage",
)
_STABLE_GROUP_FIELDS = ("functional_id", "sender_id", "receiver_id", "version")
# The warm-up file's interchange control number, apart from the large file's (1).
_WARM_UP_INTERCHANGE = 900_000_001
_ROOT = Path(__file__).resolve().parents[1]
_CHILD_FLAG = "--peak-memory-child"
_READ_SIZE = 1 << 20


def seed_lookups() -> ReferenceTables:
    """The sandbox's seed data as in-memory lookups: what ``AheadLookups`` would load from it."""
    return ReferenceTables(
        countries=tuple(
            Country(id=n, iso_code=code, name=name)
            for n, (code, name) in enumerate(seed.countries(), start=1)
        ),
        shipping_methods=tuple(
            ShippingMethod(id=method_id, name=name, carrier=carrier, description=description)
            for method_id, name, carrier, description in seed.SHIPPING_METHODS
        ),
        catalog_items=tuple(
            CustomerCatalogItem(
                id=n, customer_sku=item.customer_sku, price=item.price, item_id=item.id
            )
            for n, item in enumerate(seed.ITEMS, start=1)
        ),
        items=tuple(
            Item(id=item.id, name=item.name, archived_at=seed.SEEDED_AT if item.archived else None)
            for item in seed.ITEMS
        ),
    )


@dataclass
class InboxTally:
    """What our path did with a file.

    Attributes:
        orders: sets that became records and were mapped.
        rejected: sets rejected by the envelope or the map, or whose mapping failed.
        acknowledgments: 997/999 interchanges built.
        warnings: mapping warnings (address lines cut to length).
        first_problem: the first rejection's first message, to say why.
        validating: seconds spent validating sets and building their trees.
        mapping: seconds spent mapping trees to orders.
    """

    orders: int = 0
    rejected: int = 0
    acknowledgments: int = 0
    warnings: int = 0
    first_problem: str = ""
    validating: float = 0.0
    mapping: float = 0.0

    def reject(self, problem: str) -> None:
        """Count a rejected set, keeping the first problem."""
        self.rejected += 1
        self.first_problem = self.first_problem or problem


class InboxWork:
    """The X12 inbox source's work per set, and the mapping's, without the engine and store.

    Args:
        map_dir: the composed pyx12 map directory.
    """

    def __init__(self, map_dir: Path) -> None:
        self.validator = TransactionSetValidator(map_dir)
        definition = MappingLibrary.for_deployment(None).load("x12/850-to-order")
        self.mapping = DeclarativeMapping(definition, seed_lookups())

    def process(self, path: Path) -> InboxTally:
        """Read, validate, map and acknowledge every set of the file; keep only counts."""
        tally = InboxTally()
        reports: dict[int, SetResult] = {}
        for event in read_envelopes(path):
            if isinstance(event, TransactionSet):
                self._take_set(event, reports, tally, path.name)
            elif isinstance(event, InterchangeEnd):
                self._acknowledge(event, reports, tally)
                reports = {}
        return tally

    def _take_set(
        self,
        event: TransactionSet,
        reports: dict[int, SetResult],
        tally: InboxTally,
        source: str,
    ) -> None:
        if event.problems:
            tally.reject(str(event.problems[0]))
            return
        header = event.interchange
        envelope = SetEnvelope(
            interchange_version=header.version,
            functional_id=event.group.functional_id,
            group_version=event.group.version,
            source=source,
        )
        started = time.perf_counter()
        result = self.validator.validate(event.segments, header.delimiters, envelope)
        tally.validating += time.perf_counter() - started
        if result.tree is None:
            # As the inbox: only a rejected set's report is kept for the 997.
            reports[event.position] = result
            tally.reject(result.messages()[0])
            return
        tree: dict[str, Any] = dict(result.tree)
        key = ORDER_PREFIX + str(tree["BEG"]["BEG03"])
        payload = {
            "envelope": {
                "partner": PARTNER,
                "customer_order": key,
                "interchange": _stable(header.envelope_fields(), _STABLE_INTERCHANGE_FIELDS),
                "group": _stable(event.group.envelope_fields(), _STABLE_GROUP_FIELDS),
                "transaction_set": {"id": event.set_id},
            },
            **tree,
        }
        record = Record.of(key, payload, cursor="", origin=source)
        started = time.perf_counter()
        try:
            mapped = self.mapping.apply(record.payload)
        except RecordMappingError as error:
            tally.reject(str(error))
            return
        finally:
            tally.mapping += time.perf_counter() - started
        tally.orders += 1
        tally.warnings += len(mapped.warnings)

    def _acknowledge(
        self, end: InterchangeEnd, reports: dict[int, SetResult], tally: InboxTally
    ) -> None:
        acknowledgment = build_acknowledgment(end, reports, line_break=LineBreak.NONE)
        number = int(end.header.control_number)
        acknowledgment.write(
            io.BytesIO(),
            AcknowledgmentNumbers(interchange=number, first_group=number),
            timestamp=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        )
        tally.acknowledgments += 1


def _stable(fields: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: fields[name] for name in names}


def bare_split(path: Path, segment_ending: str, element_separator: str) -> int:
    """Split the file into segments and elements, a MiB at a time; the number of segments."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    segments = 0
    rest = ""
    with path.open("rb") as stream:
        while chunk := stream.read(_READ_SIZE):
            pieces = (rest + decoder.decode(chunk)).split(segment_ending)
            rest = pieces.pop()
            for piece in pieces:
                piece.split(element_separator)
            segments += len(pieces)
    return segments + bool(rest.strip())


def pyx12_validate(path: Path, map_dir: Path) -> bool:
    """pyx12's validation of the file as its ``x12valid`` command runs it; whether it is valid."""
    params = pyx12.params.params()
    params.set("exclude_external_codes", "")
    params.set("map_path", str(map_dir))
    acknowledgment = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        param=params,
        src_file=str(path),
        fd_997=acknowledgment,
        fd_html=None,
        fd_xmldoc=None,
        map_path=str(map_dir),
    )
    if not acknowledgment.getvalue():
        raise RuntimeError(f"pyx12 wrote no acknowledgment for {path}")
    return bool(valid)


def _check_ours(tally: InboxTally, generated: GeneratedFile) -> None:
    if tally.rejected or tally.orders != generated.purchase_orders:
        raise RuntimeError(
            f"our path mapped {tally.orders} of {generated.purchase_orders} orders and rejected "
            f"{tally.rejected}; the benchmark needs every order accepted. First problem: "
            f"{tally.first_problem}"
        )
    if tally.acknowledgments != generated.interchanges:
        raise RuntimeError(
            f"our path acknowledged {tally.acknowledgments} of {generated.interchanges} "
            "interchanges"
        )


class _Rounds:
    """The three measures on one file, each checked, their times kept."""

    def __init__(self, generated: GeneratedFile, map_dir: Path, work: InboxWork) -> None:
        self.generated = generated
        self.map_dir = map_dir
        self.work = work
        self.times: dict[str, list[float]] = {"bare split": [], "pyx12": [], "ours": []}
        self.tallies: list[InboxTally] = []
        # The split takes milliseconds: repeat it within a round so that timer noise is small.
        self.split_repeats = max(1, round(0.5 / max(self._split_once(), 1e-6)))

    def _split_once(self) -> float:
        style = self.generated.style
        start = time.perf_counter()
        found = bare_split(self.generated.path, style.segment_ending, style.delimiters.element)
        elapsed = time.perf_counter() - start
        if found != self.generated.segments:
            raise RuntimeError(f"the bare split found {found} of {self.generated.segments}")
        return elapsed

    def run(self) -> None:
        """One round: the bare split, pyx12, ours."""
        self.times["bare split"].append(
            sum(self._split_once() for _ in range(self.split_repeats)) / self.split_repeats
        )
        start = time.perf_counter()
        valid = pyx12_validate(self.generated.path, self.map_dir)
        self.times["pyx12"].append(time.perf_counter() - start)
        if not valid:
            raise RuntimeError(f"pyx12 found {self.generated.path} invalid")
        start = time.perf_counter()
        tally = self.work.process(self.generated.path)
        self.times["ours"].append(time.perf_counter() - start)
        _check_ours(tally, self.generated)
        self.tallies.append(tally)


def _throughput(workdir: Path, map_dir: Path, size_mb: float, rounds: int) -> None:
    style = STAR_TILDE_LF
    start = time.perf_counter()
    generated = write_purchase_orders(
        workdir / "throughput.x12",
        int(size_mb * MB),
        style,
        orders_per_interchange=ORDERS_PER_INTERCHANGE,
    )
    print(
        f"  file: {generated.size / MB:.1f} MB, {generated.segments:,} segments, "
        f"{generated.purchase_orders:,} orders in {generated.interchanges} interchanges "
        f"({style.describe()}), written in {time.perf_counter() - start:.1f} s"
    )
    # A one-order file loads our maps and mapping before the rounds (a running inbox has them
    # loaded), warms pyx12's imports, and shows what pyx12 spends per call on loading its maps.
    small = write_purchase_orders(workdir / "one-order.x12", 1, style)
    work = InboxWork(map_dir)
    _check_ours(work.process(small.path), small)
    fixed_costs = []
    for _ in range(3):
        started = time.perf_counter()
        pyx12_validate(small.path, map_dir)
        fixed_costs.append(time.perf_counter() - started)
    measures = _Rounds(generated, map_dir, work)
    for _ in range(rounds):
        measures.run()
    median = {name: statistics.median(values) for name, values in measures.times.items()}
    for name, seconds in median.items():
        values = measures.times[name]
        print(
            f"  {name:<11} {generated.segments / seconds:>11,.0f} segments/s"
            f"   median {seconds:7.3f} s (range {min(values):.3f}-{max(values):.3f} s)"
        )
    ours = median["ours"]
    validating = statistics.median(t.validating for t in measures.tallies)
    mapping = statistics.median(t.mapping for t in measures.tallies)
    print(
        f"  ours, by step: validating and building trees {validating / ours:4.0%}, mapping "
        f"{mapping / ours:4.0%}, the rest {1 - (validating + mapping) / ours:4.0%} (reading, "
        "envelopes, payloads, content hashes, 997s)"
    )
    print(
        f"  pyx12 loads its maps on every call: {statistics.median(fixed_costs):.2f} s of its "
        "time on a one-order file"
    )
    print(
        f"  ratio ours / bare split: {ours / median['bare split']:6.1f} (times the time)"
        f"   ratio ours / pyx12: {ours / median['pyx12']:5.2f}"
        f"   (our validation alone / pyx12: {validating / median['pyx12']:4.2f})"
    )


def _peak_memory(workdir: Path, map_dir: Path, size_mb: float) -> None:
    style = PIPE_NO_BREAKS
    start = time.perf_counter()
    generated = write_purchase_orders(workdir / "interchange.x12", int(size_mb * MB), style)
    print(
        f"  interchange: {generated.size / MB:.1f} MB, {generated.segments:,} segments, "
        f"{generated.purchase_orders:,} orders in one interchange ({style.describe()}), written "
        f"in {time.perf_counter() - start:.1f} s"
    )
    warm_up = write_purchase_orders(
        workdir / "warm-up.x12", 1, style, seed=1, first_control_number=_WARM_UP_INTERCHANGE
    )
    deployment = workdir / "deployment"
    baseline = _child(map_dir, "imports")
    streamed = _child(map_dir, "stream", str(deployment), str(warm_up.path), str(generated.path))
    if streamed["orders"] != generated.purchase_orders or streamed["rejected"]:
        raise RuntimeError(
            f"the inbox source gave {streamed['orders']} of {generated.purchase_orders} orders "
            f"mapped and {streamed['rejected']} rejected: {streamed['first_problem']}"
        )
    peak, ready = streamed["peak"] / MB, streamed["ready"] / MB
    before_acknowledgment = streamed["peak_before_acknowledgment"] / MB
    verdict = "under" if peak < MEMORY_GOAL_MB else "OVER"
    print(
        f"  peak RSS of the inbox source reading it: {peak:6.1f} MB, {verdict} the goal of "
        f"{MEMORY_GOAL_MB} MB ({streamed['seconds']:.0f} s, "
        f"{generated.segments / streamed['seconds']:,.0f} segments/s)"
    )
    print(
        f"  peak RSS of a process importing the same modules only: {baseline['peak'] / MB:6.1f} "
        f"MB; with the source, its store, maps, mapping and lookups ready: {ready:.1f} MB"
    )
    kept = before_acknowledgment - ready
    print(
        f"  the streaming itself: {peak - ready:+.1f} MB: {kept:+.1f} MB until the interchange "
        f"ends ({kept * MB / generated.purchase_orders:.0f} bytes per order), "
        f"{peak - before_acknowledgment:+.1f} MB more while its "
        f"{streamed['acknowledgment']} is built and written and the file archived"
    )


def _child(map_dir: Path, *args: str) -> dict[str, Any]:
    # The inbox's validator composes its maps in the default cache: point it at the run's own.
    environment = {**os.environ, "AHEAD_CONNECTOR_CACHE_DIR": str(map_dir.parent.parent)}
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.x12_throughput", _CHILD_FLAG, *args],
        cwd=_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if completed.returncode:
        raise RuntimeError(
            f"the peak memory process ({' '.join(args[:1])}) failed:\n{completed.stderr}"
        )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _resident(field: str) -> int:
    """``VmHWM`` (peak) or ``VmRSS`` (now) of this process in bytes, from ``/proc``."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    # ru_maxrss is in KiB on Linux and in bytes on macOS; it is a peak, not a current figure.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class _InboxRun:
    """The real X12 inbox source in a temporary deployment, its records mapped as a flow would.

    Args:
        deployment: the deployment folder (inbox, outbox, archive, error, the store).
    """

    def __init__(self, deployment: Path) -> None:
        self.deployment = deployment
        self.inbox = deployment / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.store = CheckpointStore.open(f"sqlite:///{deployment / 'state.db'}")
        partner = PartnerConfig.model_validate(
            {
                "name": "ACME Retail",
                "x12": {
                    "partner": {"id": PARTNER_ID},
                    "us": {"id": OUR_ID},
                    "order_prefix": ORDER_PREFIX,
                },
            }
        )
        context = AdapterContext(
            "acme-in",
            deployment,
            services={STORE_SERVICE: self.store, PARTNERS_SERVICE: {PARTNER: partner}},
        )
        self.source = X12InboxSource(X12InboxSettings(partner=PARTNER), context)
        definition = MappingLibrary.for_deployment(None).load("x12/850-to-order")
        self.mapping = DeclarativeMapping(definition, seed_lookups())
        self.peak_before_acknowledgment = 0

    def drop_and_read(self, path: Path) -> InboxTally:
        """Move ``path`` into the inbox, read it whole, map and acknowledge every record."""
        dropped = path.rename(self.inbox / path.name)
        tally = InboxTally()
        for record in self.source.read(None):
            try:
                mapped = self.mapping.apply(record.payload)
            except RecordMappingError as error:
                tally.reject(str(error))
                self.source.acknowledge(record, succeeded=False, detail=str(error))
            else:
                tally.orders += 1
                tally.warnings += len(mapped.warnings)
                self.source.acknowledge(record, succeeded=True, detail="order submitted")
            # After the last record, the source goes on to its 997 and the archiving.
            self.peak_before_acknowledgment = _resident("VmHWM")
        archived = self.deployment / "archive" / dropped.name
        if not archived.is_file():
            tally.reject(f"{dropped.name} was not archived; see {self.deployment / 'error'}")
        tally.acknowledgments = len(list((self.deployment / "outbox").glob("*.x12")))
        return tally

    def acknowledgment_kind(self) -> str:
        """997 or 999: what the source wrote to the outbox (the first file's kind)."""
        written = sorted((self.deployment / "outbox").glob("*.x12"))
        return written[0].name.split("-", 1)[0] if written else "no acknowledgment"

    def close(self) -> None:
        """Close the store."""
        self.store.close()


def _child_main(argv: list[str]) -> int:
    """In a process of its own: report the peak RSS of importing, or of the inbox reading a file."""
    mode, *rest = argv
    report: dict[str, Any] = {}
    if mode == "stream":
        deployment, warm_up, path = (Path(arg) for arg in rest)
        run = _InboxRun(deployment)
        # Maps and mapping load on first use: a one-order file first, to see what streaming costs.
        warmed = run.drop_and_read(warm_up)
        if warmed.orders != 1 or warmed.rejected or warmed.acknowledgments != 1:
            raise RuntimeError(f"the warm-up file went wrong: {warmed}")
        report["ready"] = _resident("VmRSS")
        start = time.perf_counter()
        tally = run.drop_and_read(path)
        report["seconds"] = time.perf_counter() - start
        if tally.acknowledgments != 2:
            tally.reject(f"the outbox holds {tally.acknowledgments} acknowledgments; expected 2")
        report["peak_before_acknowledgment"] = run.peak_before_acknowledgment
        report["acknowledgment"] = run.acknowledgment_kind()
        report.update(
            orders=tally.orders, rejected=tally.rejected, first_problem=tally.first_problem
        )
        run.close()
    report["peak"] = _resident("VmHWM")
    print(json.dumps(report))
    return 0


def main(
    *,
    requests: int = 0,
    rounds: int = 5,
    throughput_mb: float = 2.0,
    size_mb: float = 100.0,
) -> None:
    """Print X12 850 throughput against the bare split and pyx12, then the peak memory.

    Args:
        requests: unused (the file sizes set the work).
        rounds: rounds of the three throughput measures; the median is reported.
        throughput_mb: size of the throughput file in MB.
        size_mb: size of the single interchange streamed for the peak memory, in MB.
    """
    del requests
    print(
        f"x12 850 throughput: a {throughput_mb:g} MB file, {rounds} alternating rounds, "
        "median reported"
    )
    with tempfile.TemporaryDirectory(prefix="x12-bench-") as tmp:
        workdir = Path(tmp)
        # Composed into the run's own folder, so the benchmark leaves no cache behind.
        map_dir = map_directory(workdir / "cache")
        _throughput(workdir, map_dir, throughput_mb, rounds)
        print(f"x12 peak memory: one {size_mb:g} MB interchange streamed in a process of its own")
        _peak_memory(workdir, map_dir, size_mb)


if __name__ == "__main__":
    if sys.argv[1:2] == [_CHILD_FLAG]:
        sys.exit(_child_main(sys.argv[2:]))
    main()
