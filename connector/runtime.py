"""A deployment wired together: its store, AHEAD client, adapters, flows and engine.

:meth:`Runtime.open` turns a deployment folder into everything needed to run its flows, and
reports what stops it from doing so as a :class:`~connector.config.ConfigError` naming the
setting at fault. The operations commands and the daemon both start from here, so a flow runs
the same way whoever triggers it::

    with Runtime.open(Path("acme")) as runtime:
        report = runtime.run_flow("orders")
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy.exc import SQLAlchemyError

from adapters.ahead import AHEAD_SERVICE
from adapters.base import (
    PARTNERS_SERVICE,
    STORE_SERVICE,
    Adapter,
    AdapterContext,
    Sink,
    Source,
)
from adapters.registry import AdapterError, AdapterSettingsError, load_adapter_class
from connector.api import AheadClient
from connector.config import ConfigError, ConfigProblem, Deployment, FlowConfig, load_deployment
from connector.config.documents import ConfigPath, dotted, problem_at, read_yaml
from connector.engine import Engine, Flow, FlowPolicy, PassThroughMapping, ProgressEvent, RunReport
from connector.engine.mapping import Mapping as FlowMapping
from connector.mapping import (
    PASSTHROUGH_MAPPING,
    AheadLookups,
    DeclarativeMapping,
    InvalidTargetError,
    MappingLibrary,
    UnknownMappingError,
)
from connector.store import CheckpointStore, StoreError

__all__ = ["PASSTHROUGH_MAPPING", "Runtime", "UnknownFlowError", "open_store"]


class UnknownFlowError(LookupError):
    """A flow was asked for by a name the deployment does not run.

    Attributes:
        flow: the name asked for.
        known: the deployment's enabled flows.
        disabled: the configured flows with ``enabled: false``.
    """

    def __init__(self, flow: str, known: list[str], disabled: list[str]) -> None:
        self.flow = flow
        self.known = sorted(known)
        self.disabled = sorted(disabled)
        if flow in self.disabled:
            reason = f"flow {flow!r} is disabled (enabled: false in its configuration)"
        else:
            reason = f"no flow named {flow!r}"
        listed = ", ".join(self.known) if self.known else "none"
        super().__init__(f"{reason}; the deployment's flows: {listed}")


def open_store(deployment: Deployment) -> CheckpointStore:
    """Open (and migrate) the deployment's checkpoint store.

    Raises:
        ConfigError: the store cannot be opened; the problem names ``store.url`` (never the
            URL itself, which may carry a password).
    """
    try:
        return CheckpointStore.open(deployment.store_url())
    except (StoreError, SQLAlchemyError, ValueError, OSError) as exc:
        raise ConfigError(
            [
                _problem(
                    deployment, ("store", "url"), f"the checkpoint store cannot be opened: {exc}"
                )
            ]
        ) from exc


class Runtime:
    """A deployment ready to run its flows; close it (or use ``with``) when done.

    Safe to share between threads: each flow may run in its own thread, one run per flow at a
    time (the triggers' :class:`~connector.triggers.runner.FlowRunner` sees to that).

    Attributes:
        deployment: the loaded configuration.
        store: the checkpoint store.
        ahead: the AHEAD API client the adapters share (service ``"ahead"``).
        engine: the engine that runs the flows.
        flows: the enabled flows by name.
    """

    def __init__(
        self,
        deployment: Deployment,
        store: CheckpointStore,
        ahead: AheadClient,
        engine: Engine,
        flows: dict[str, Flow],
        resources: ExitStack,
        lookups: Mapping[str, AheadLookups] | None = None,
    ) -> None:
        self.deployment = deployment
        self.store = store
        self.ahead = ahead
        self.engine = engine
        self.flows = flows
        self._resources = resources
        # Each flow with a mapping file has its own lookups, loaded once per run.
        self._lookups = dict(lookups or {})

    def __repr__(self) -> str:
        return f"<Runtime {str(self.deployment.directory)!r} flows={sorted(self.flows)}>"

    @classmethod
    def open(
        cls,
        deployment_dir: Path,
        *,
        environ: Mapping[str, str] | None = None,
        owner: str | None = None,
    ) -> Self:
        """Load the deployment in ``deployment_dir`` and build everything its flows need.

        The store is opened (and migrated), the AHEAD client built from the configured
        credentials (OAuth tokens in the configured cache), every adapter built through the
        adapter registry, and every enabled flow assembled.

        Args:
            deployment_dir: the deployment folder, holding ``connector.yaml``.
            environ: where ``${VARIABLE}`` references are looked up; default ``os.environ``.
            owner: the name this process claims records under (unique among live workers);
                default one the engine makes up from the host and process.

        Raises:
            ConfigError: the configuration is invalid, or something it names cannot be used
                (an adapter kind not installed, adapter settings that do not work, a mapping
                that does not exist, a store that cannot be opened); every problem is located.
        """
        deployment = load_deployment(deployment_dir, environ=environ)
        with ExitStack() as resources:
            store = open_store(deployment)
            resources.callback(store.close)
            ahead = resources.enter_context(deployment.ahead_client())
            adapters = _build_adapters(deployment, store, ahead, resources)
            mappings = _FlowMappings(deployment, ahead)
            flows: dict[str, Flow] = {}
            problems: list[ConfigProblem] = []
            for name, config in deployment.config.flows.items():
                if not config.enabled:
                    continue
                try:
                    mapping = mappings.build(name, config)
                except ConfigError as exc:
                    problems.extend(exc.problems)
                    continue
                flows[name] = _build_flow(name, config, adapters, mapping)
            if problems:
                raise ConfigError(problems)
            engine = Engine(store, owner=owner)
            runtime = cls(
                deployment,
                store,
                ahead,
                engine,
                flows,
                resources.pop_all(),
                lookups=mappings.lookups,
            )
        return runtime

    def run_flow(
        self,
        name: str,
        *,
        dry_run: bool = False,
        progress: Callable[[ProgressEvent], None] | None = None,
        stop: threading.Event | None = None,
    ) -> RunReport:
        """Run flow ``name`` once and report what it did.

        Args:
            name: the flow's name in the deployment.
            dry_run: only say what would happen: nothing is claimed, sent or moved.
            progress: called once per record as it settles.
            stop: when set, the run finishes or releases the records in flight and returns.

        The reference data a flow's mapping looks up (countries, ship methods, the catalog)
        is loaded again for each run.

        Raises:
            UnknownFlowError: the deployment has no enabled flow ``name``.
        """
        flow = self.flow(name)
        lookups = self._lookups.get(name)
        if lookups is not None:
            lookups.refresh()
        return self.engine.run(flow, dry_run=dry_run, progress=progress, stop=stop)

    def flow(self, name: str) -> Flow:
        """The enabled flow ``name``.

        Raises:
            UnknownFlowError: the deployment has no enabled flow ``name``.
        """
        flow = self.flows.get(name)
        if flow is None:
            disabled = [n for n, c in self.deployment.config.flows.items() if not c.enabled]
            raise UnknownFlowError(name, list(self.flows), disabled)
        return flow

    def close(self) -> None:
        """Close the adapters, then the AHEAD client, then the store."""
        self._resources.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _build_adapters(
    deployment: Deployment, store: CheckpointStore, ahead: AheadClient, resources: ExitStack
) -> dict[str, Adapter]:
    """Every adapter of the deployment, each closed by ``resources``; all problems at once."""
    adapters: dict[str, Adapter] = {}
    problems: list[ConfigProblem] = []
    services = {
        AHEAD_SERVICE: ahead,
        STORE_SERVICE: store,
        PARTNERS_SERVICE: deployment.config.partners,
    }
    for name, config in deployment.config.adapters.items():
        context = AdapterContext(name, deployment.directory, services=services)
        try:
            adapter_class = load_adapter_class(config.role, config.kind)
            settings = deployment.adapter_settings(name, adapter_class.settings_model)
            adapter = adapter_class(settings, context)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        except AdapterSettingsError as exc:
            problems.extend(
                _problem(deployment, _setting_path(name, problem.field), problem.message)
                for problem in exc.problems
            )
            continue
        except AdapterError as exc:
            problems.append(_problem(deployment, ("adapters", name, "kind"), str(exc)))
            continue
        resources.callback(adapter.close)
        adapters[name] = adapter
    if problems:
        raise ConfigError(problems)
    return adapters


class _FlowMappings:
    """Builds each flow's mapping: ``passthrough``, or a mapping file found by name in the
    deployment's ``mappings/`` or the stock mappings, with lookups over the AHEAD client."""

    def __init__(self, deployment: Deployment, ahead: AheadClient) -> None:
        self.deployment = deployment
        self.ahead = ahead
        self.lookups: dict[str, AheadLookups] = {}
        self._library: MappingLibrary | None = None

    def build(self, flow: str, config: FlowConfig) -> FlowMapping:
        if config.mapping == PASSTHROUGH_MAPPING:
            return PassThroughMapping()
        where: ConfigPath = ("flows", flow, "mapping")
        try:
            definition = self.library().load(config.mapping)
        except UnknownMappingError as exc:
            message = f"{exc}; or {PASSTHROUGH_MAPPING!r} to send records unchanged"
            raise ConfigError([_problem(self.deployment, where, message)]) from None
        except InvalidTargetError as exc:
            raise ConfigError([_problem(self.deployment, where, str(exc))]) from None
        lookups = self.lookups[flow] = AheadLookups(self.ahead)
        return DeclarativeMapping(definition, lookups, relative_to=self.deployment.directory)

    def library(self) -> MappingLibrary:
        if self._library is None:
            self._library = MappingLibrary.for_deployment(self.deployment.directory)
        return self._library


def _build_flow(
    name: str, config: FlowConfig, adapters: dict[str, Adapter], mapping: FlowMapping
) -> Flow:
    source, sink = adapters[config.source], adapters[config.sink]
    # The loader checks that a flow's ends name adapters of the right role.
    assert isinstance(source, Source)
    assert isinstance(sink, Sink)
    policy = FlowPolicy(
        change_policy=config.change_policy,
        concurrency=config.concurrency,
        max_attempts=config.max_attempts,
        lease_seconds=config.lease_seconds,
        single_runner=config.single_runner,
    )
    return Flow(name, source, sink, mapping=mapping, policy=policy)


def _setting_path(adapter: str, field: str | None) -> ConfigPath:
    base: ConfigPath = ("adapters", adapter, "settings")
    if not field:
        return base
    return (*base, *(int(part) if part.isdigit() else part for part in field.split(".")))


def _problem(deployment: Deployment, path: ConfigPath, message: str) -> ConfigProblem:
    """A problem at ``path``, placed in the file (and at the line) where that part was written.

    The files are read again only here, when something is wrong: the loaded configuration
    keeps no positions to share.
    """
    documents = []
    for file in deployment.files:
        try:
            documents.append(read_yaml(file))
        except ConfigError:
            continue
    # The longest written part of the path tells the file: an included file defines whole
    # adapters and flows.
    for length in range(len(path), 0, -1):
        for document in documents:
            if path[:length] in document.places:
                return problem_at(document.file, document.places, path, message)
    return ConfigProblem(deployment.files[0], None, None, dotted(path), message)
