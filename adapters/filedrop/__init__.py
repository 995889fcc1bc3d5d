"""What every file-drop adapter shares (JSON files, X12, IDoc): moves and writes that never
lose or half-write a file, the names that count as finished files, and the report written
beside a file set aside in ``error/``."""

from adapters.filedrop.files import (
    REPORT_SUFFIX,
    is_complete_name,
    move_into,
    sync_folder,
    write_atomically,
)
from adapters.filedrop.folders import InboxFolders, prepare_folder
from adapters.filedrop.inbox import InboxFile, inbox_files
from adapters.filedrop.reports import RETRY_ADVICE, RecordOutcome, error_report

__all__ = [
    "REPORT_SUFFIX",
    "RETRY_ADVICE",
    "InboxFile",
    "InboxFolders",
    "RecordOutcome",
    "error_report",
    "inbox_files",
    "is_complete_name",
    "move_into",
    "prepare_folder",
    "sync_folder",
    "write_atomically",
]
