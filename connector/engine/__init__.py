"""The sync engine: runs flows (source, mapping, sink) with the exactly-once protocol.

::

    from connector.engine import Engine, Flow, FlowPolicy

    engine = Engine(store)
    report = engine.run(Flow("orders", source, sink, policy=FlowPolicy(concurrency=8)))
    print(report.summary)

The protocol (``../shared/DESIGN.md``, "Exactly-once effect") in the engine's terms: a record's
intent is written in the same transaction as its claim, before its request leaves
(:mod:`connector.engine.delivery`); a record whose last send has an unknown outcome is looked
up at the destination before any re-send; the cursor only moves past records whose outcome is
durable (:mod:`connector.engine.cursor`); a delivered record whose source changes follows the
flow's change policy and is never created twice.
"""

from connector.engine.flow import Flow, FlowPolicy
from connector.engine.mapping import (
    Mapping,
    MappingError,
    MappingUnavailableError,
    PassThroughMapping,
)
from connector.engine.observer import EngineObserver, Step
from connector.engine.report import Outcome, ProgressEvent, RecordCounts, RunReport
from connector.engine.runner import Engine

__all__ = [
    "Engine",
    "EngineObserver",
    "Flow",
    "FlowPolicy",
    "Mapping",
    "MappingError",
    "MappingUnavailableError",
    "Outcome",
    "PassThroughMapping",
    "ProgressEvent",
    "RecordCounts",
    "RunReport",
    "Step",
]
