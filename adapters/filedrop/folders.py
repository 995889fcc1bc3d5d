"""An inbox and the folders its files move on to, as every file-drop source uses them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.base import Adapter, AdapterContext
from adapters.filedrop.files import move_into
from adapters.filedrop.reports import RecordOutcome, error_report
from adapters.registry import AdapterSettingsError, SettingsProblem

__all__ = ["InboxFolders", "prepare_folder"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboxFolders:
    """An inbox, where its processed files go (``archive``) and where failed ones go with a
    report (``error``).

    Attributes:
        deployment_dir: the deployment folder; messages name files relative to it.
        inbox: where files arrive.
        archive: where processed files go.
        error: where files that failed go, each with a ``<name>.error.txt`` report beside it.
    """

    deployment_dir: Path
    inbox: Path
    archive: Path
    error: Path

    @classmethod
    def prepare(
        cls,
        context: AdapterContext,
        adapter_class: type[Adapter],
        inbox: Path,
        archive: Path | None,
        error: Path | None,
    ) -> InboxFolders:
        """The folders of an adapter's settings, made if missing and checked.

        ``archive`` and ``error`` default to folders of those names beside the inbox. They must
        be other folders than the inbox, on its filesystem, so that every move is a rename.

        Raises:
            AdapterSettingsError: a folder cannot be made, coincides with the inbox, or is on
                another filesystem; every problem names its setting.
        """
        found = context.path(inbox)
        folders = cls(
            context.deployment_dir,
            found,
            context.path(archive or found.parent / "archive"),
            context.path(error or found.parent / "error"),
        )
        problems = folders._problems()
        if problems:
            raise AdapterSettingsError.for_adapter(context, adapter_class, *problems)
        return folders

    def origin(self, path: Path) -> str:
        """How messages and records name a file: relative to the deployment folder if inside."""
        try:
            return str(path.relative_to(self.deployment_dir))
        except ValueError:
            return str(path)

    def archive_file(self, path: Path) -> Path | None:
        """Move a processed file to ``archive``; ``None`` if it could not be moved (logged)."""
        return self._move(path, self.archive)

    def set_aside(
        self,
        path: Path,
        problem: str,
        expected: str,
        records: Sequence[RecordOutcome] = (),
    ) -> Path | None:
        """Move a file to ``error`` with a report of ``problem`` beside it; ``None`` if it
        could not be moved (logged: it stays in the inbox and is read again)."""
        origin = self.origin(path)

        def report(kept_as: Path) -> str:
            return error_report(
                file=origin,
                kept_as=self.origin(kept_as),
                problem=problem,
                expected=expected,
                records=records,
            )

        moved = self._move(path, self.error, report)
        if moved is not None:
            headline = problem.splitlines()[0] if problem else ""
            logger.warning("%s set aside as %s: %s", origin, self.origin(moved), headline)
        return moved

    def _move(
        self, path: Path, folder: Path, report: Callable[[Path], str] | None = None
    ) -> Path | None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return move_into(path, folder, report=report)
        except FileNotFoundError:
            logger.info("%s was moved away by someone else already", self.origin(path))
        except OSError as exc:
            logger.error(
                "%s cannot be moved to %s (%s); it stays in the inbox and is read again",
                self.origin(path),
                folder,
                exc,
            )
        return None

    def _problems(self) -> list[SettingsProblem]:
        folders = {"inbox": self.inbox, "archive": self.archive, "error": self.error}
        problems: list[SettingsProblem] = []
        for name, folder in folders.items():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                problems.append(SettingsProblem(name, f"cannot make the folder {folder}: {exc}"))
        if problems:
            return problems
        resolved = {name: folder.resolve() for name, folder in folders.items()}
        devices = {name: os.stat(folder).st_dev for name, folder in folders.items()}
        for name in ("archive", "error"):
            if resolved[name] == resolved["inbox"]:
                problems.append(
                    SettingsProblem(
                        name, f"{folders[name]} is the inbox; it must be another folder"
                    )
                )
            elif devices[name] != devices["inbox"]:
                problems.append(
                    SettingsProblem(
                        name,
                        f"{folders[name]} is on another filesystem than the inbox {self.inbox}; "
                        "files move by renaming, which needs one filesystem",
                    )
                )
        return problems


def prepare_folder(
    context: AdapterContext, adapter_class: type[Adapter], setting: str, folder: Path
) -> Path:
    """The folder an adapter's ``setting`` names, made if missing (an outbox, say).

    Raises:
        AdapterSettingsError: the folder cannot be made; the problem names ``setting``.
    """
    found = context.path(folder)
    try:
        found.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AdapterSettingsError.for_adapter(
            context,
            adapter_class,
            SettingsProblem(setting, f"cannot make the folder {found}: {exc}"),
        ) from None
    return found
