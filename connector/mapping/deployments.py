"""The mappings of a deployment: the ones its flows name, and its own ``mappings/`` folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from connector.config import ConfigError, ConfigProblem, Deployment, load_deployment
from connector.config.documents import ConfigPath, dotted, problem_at, read_yaml
from connector.mapping.library import MAPPINGS_FOLDER, MappingLibrary, UnknownMappingError

#: The mapping name that sends the source record's payload unchanged.
PASSTHROUGH_MAPPING = "passthrough"


@dataclass(frozen=True)
class MappingCheck:
    """What :func:`check_deployment_mappings` found.

    Attributes:
        checked: the names of the mappings loaded without problems.
        problems: every problem, each with its file and line.
    """

    checked: tuple[str, ...]
    problems: tuple[ConfigProblem, ...]


def check_deployment_mappings(
    directory: Path,
    *,
    library: MappingLibrary | None = None,
    environ: Mapping[str, str] | None = None,
) -> MappingCheck:
    """Load every mapping the deployment's flows name and every file of its ``mappings/``.

    Args:
        directory: the deployment folder.
        library: where mappings are found; default the deployment's, then the stock ones.
        environ: where the configuration's ``${VARIABLE}`` references are looked up.

    Returns:
        The mappings checked and the problems found (configuration problems included: without
        a valid configuration, only the ``mappings/`` folder is checked).
    """
    directory = directory.absolute()
    library = library if library is not None else MappingLibrary.for_deployment(directory)
    problems: list[ConfigProblem] = []
    checked: list[str] = []
    names: list[str] = []
    try:
        deployment = load_deployment(directory, environ=environ)
    except ConfigError as error:
        problems.extend(error.problems)
    else:
        for flow, config in deployment.config.flows.items():
            if config.mapping == PASSTHROUGH_MAPPING:
                continue
            try:
                library.find(config.mapping)
            except UnknownMappingError as error:
                problems.append(
                    flow_mapping_problem(deployment, flow, unknown_mapping_message(error))
                )
                continue
            names.append(config.mapping)
    own = directory / MAPPINGS_FOLDER
    names.extend(entry.name for entry in library.entries() if entry.file.is_relative_to(own))
    for name in dict.fromkeys(names):
        try:
            library.load(name)
        except ConfigError as error:
            problems.extend(error.problems)
        else:
            checked.append(name)
    return MappingCheck(tuple(checked), tuple(sorted(set(problems), key=_position)))


def unknown_mapping_message(error: UnknownMappingError) -> str:
    """The message for a flow that names a mapping that does not exist."""
    return f"{error}; or {PASSTHROUGH_MAPPING!r} to send records unchanged"


def flow_mapping_problem(deployment: Deployment, flow: str, message: str) -> ConfigProblem:
    """A problem placed at ``flows.<flow>.mapping`` in the file (and line) it was written in."""
    path: ConfigPath = ("flows", flow, "mapping")
    for file in deployment.files:
        try:
            document = read_yaml(file)
        except ConfigError:
            continue
        for length in range(len(path), 1, -1):
            if path[:length] in document.places:
                return problem_at(document.file, document.places, path, message)
    return ConfigProblem(deployment.files[0], None, None, dotted(path), message)


def _position(problem: ConfigProblem) -> tuple[str, int, int, str]:
    return (str(problem.file), problem.line or 0, problem.column or 0, problem.message)
