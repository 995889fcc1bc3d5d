"""The simulator's record errors: a request it carries out but whose record fails."""

from __future__ import annotations


class RecordError(Exception):
    """A record-level failure, answered as ``status isSuccess="false"`` with this code.

    Attributes:
        code: NetSuite's status detail code (``DUP_RCRD``, ``INVALID_KEY_OR_REF``).
        message: NetSuite's message for it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
