"""What is wrong with a mapped document, by its place in the document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from connector.config.documents import dotted

#: A place in a document: keys and list indexes from the top (``("lines", 2, "quantity")``).
DocumentPath = tuple[str | int, ...]


@dataclass(frozen=True)
class TargetIssue:
    """One thing wrong with a mapped document.

    Attributes:
        path: where in the document; for a missing key, the path of the key that is missing.
        message: what is wrong and what was expected.
        missing: the key at ``path`` is required but absent.
        unknown: the key at ``path`` is not allowed there.
    """

    path: DocumentPath
    message: str
    missing: bool = False
    unknown: bool = False


class TargetValidationError(ValueError):
    """A mapped document does not fit its target.

    Attributes:
        issues: every problem found, at least one.
    """

    def __init__(self, issues: Sequence[TargetIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__(
            "; ".join(f"{dotted(i.path) or '(document)'}: {i.message}" for i in self.issues)
        )
