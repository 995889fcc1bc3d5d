"""The public names of ``connector.mapping``: exactly the intended ones, all importable."""

from __future__ import annotations

import connector.mapping

INTENDED = {
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
}


def test_the_package_exports_exactly_the_intended_names() -> None:
    assert set(connector.mapping.__all__) == INTENDED
    assert len(connector.mapping.__all__) == len(INTENDED)


def test_every_exported_name_exists() -> None:
    missing = [name for name in connector.mapping.__all__ if not hasattr(connector.mapping, name)]

    assert missing == []


def test_a_mapping_error_is_the_engines_mapping_error() -> None:
    from connector.engine import MappingError

    assert issubclass(connector.mapping.RecordMappingError, MappingError)
