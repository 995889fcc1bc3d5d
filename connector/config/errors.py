"""What is wrong with a deployment's configuration, and where.

Loading collects every problem it finds instead of stopping at the first, so that one run of
``ahead-connector check`` shows an integration engineer everything to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake in a configuration file.

    Attributes:
        file: the file the mistake is in.
        line: 1-based line of the mistake, or ``None`` when it is about the whole file.
        column: 1-based column, or ``None`` with ``line``.
        path: where in the configuration, dotted (``flows.orders.schedule.cron``; list items
            as ``include[0]``); empty for the file as a whole.
        message: what is wrong and, where it helps, how to fix it. Never a secret's value.
    """

    file: Path
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        return self.describe()

    def describe(self, relative_to: Path | None = None) -> str:
        """``file:line:column path: message``, the file relative to ``relative_to`` if inside it.

        Args:
            relative_to: usually the deployment folder, so files read as ``connector.yaml``.
        """
        file = self.file
        if relative_to is not None and file.is_relative_to(relative_to):
            file = file.relative_to(relative_to)
        where = str(file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = f" {self.path}:" if self.path else ""
        return f"{where}{subject} {self.message}"


class ConfigError(Exception):
    """A configuration has problems; :attr:`problems` lists every one, sorted by position.

    Attributes:
        problems: the problems, at least one, in file and line order.
    """

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems = sorted(set(problems), key=_position)
        if not self.problems:
            raise ValueError("a ConfigError needs at least one problem")
        count = len(self.problems)
        heading = "1 configuration problem" if count == 1 else f"{count} configuration problems"
        super().__init__("\n".join([f"{heading}:", *(f"  {p}" for p in self.problems)]))


def _position(problem: ConfigProblem) -> tuple[str, int, int, str, str]:
    return (
        str(problem.file),
        problem.line or 0,
        problem.column or 0,
        problem.path,
        problem.message,
    )
