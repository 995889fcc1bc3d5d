"""The declarative mapping engine: YAML files whose values are sandboxed Jinja2 expressions.

A mapping file turns a source record into a target document, validated against the target
before anything is sent (``docs/mappings.md`` describes the format)::

    library = MappingLibrary.for_deployment(Path("acme"))
    mapping = DeclarativeMapping(library.load("x12/850-to-order"), AheadLookups(client))
    result = mapping.apply(record.payload)   # or RecordMappingError, every error located
    result.document, result.warnings
"""

from connector.mapping.declarative import DeclarativeMapping, MappingResult
from connector.mapping.definition import FieldKind, FieldSpec, MappingDefinition
from connector.mapping.deployments import (
    PASSTHROUGH_MAPPING,
    MappingCheck,
    check_deployment_mappings,
)
from connector.mapping.issues import MappingIssue, RecordMappingError
from connector.mapping.library import (
    MAPPINGS_FOLDER,
    MappingEntry,
    MappingLibrary,
    UnknownMappingError,
    stock_mappings_folder,
)
from connector.mapping.loader import load_mapping
from connector.mapping.lookups import (
    AheadLookups,
    InMemoryLookups,
    LookupFailedError,
    Lookups,
    ReferenceTables,
)
from connector.mapping.target_issues import TargetIssue, TargetValidationError
from connector.mapping.targets import (
    TARGET_ENTRY_POINT_GROUP,
    InvalidTargetError,
    ModelTarget,
    Target,
    TargetRegistry,
    UnknownTargetError,
    Validator,
    ValidatorTarget,
    target_from_entry_point,
)
from connector.mapping.x12_documents import x12_document_issues

__all__ = [
    "MAPPINGS_FOLDER",
    "PASSTHROUGH_MAPPING",
    "TARGET_ENTRY_POINT_GROUP",
    "AheadLookups",
    "DeclarativeMapping",
    "FieldKind",
    "FieldSpec",
    "InMemoryLookups",
    "InvalidTargetError",
    "LookupFailedError",
    "Lookups",
    "MappingCheck",
    "MappingDefinition",
    "MappingEntry",
    "MappingIssue",
    "MappingLibrary",
    "MappingResult",
    "ModelTarget",
    "RecordMappingError",
    "ReferenceTables",
    "Target",
    "TargetIssue",
    "TargetRegistry",
    "TargetValidationError",
    "UnknownMappingError",
    "UnknownTargetError",
    "Validator",
    "ValidatorTarget",
    "check_deployment_mappings",
    "load_mapping",
    "stock_mappings_folder",
    "target_from_entry_point",
    "x12_document_issues",
]
