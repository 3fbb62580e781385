"""What an import from a spreadsheet will do, or did: the preview shown before writing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sitiv_desktop.i18n import _


class ImportKind(StrEnum):
    """What a spreadsheet can bring in."""

    PROJECTS = "projects"
    COMMITMENTS = "commitments"
    PPI = "ppi"


class ChangeAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported: where it is in the file, and why, in words."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        # The message starts with the column's name, as every check of the services writes it.
        return _("Row {row}: {message}").format(row=self.row, message=self.message)


@dataclass(frozen=True)
class PlannedChange:
    """A record the import creates, or changes (naming the columns whose value differs)."""

    row: int
    action: ChangeAction
    label: str
    columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.action is ChangeAction.CREATE:
            return _("Row {row}: create {label}").format(row=self.row, label=self.label)
        return _("Row {row}: change {label} ({columns})").format(
            row=self.row, label=self.label, columns=", ".join(self.columns)
        )


@dataclass(frozen=True)
class ImportPreview:
    """The outcome of reading a file against the local copy; ``applied`` once it is written."""

    kind: ImportKind
    rows_read: int
    changes: tuple[PlannedChange, ...]
    unchanged: int
    problems: tuple[RowProblem, ...]
    applied: bool = False
    # Columns the kind has but the file lacks: their fields are left as they are.
    missing_columns: tuple[str, ...] = ()
    # Columns of the file that this kind does not know: they are not read.
    unknown_columns: tuple[str, ...] = ()
    # Cells read and not written, with the reason (an AP in force the projects sheet shows for
    # a project whose AP has not been voted yet: it comes with the PPI lines).
    notices: tuple[RowProblem, ...] = ()
    # Rows of data refused for a problem (left out with --skip-bad-rows).
    refused: int = 0

    @property
    def created(self) -> int:
        return sum(1 for change in self.changes if change.action is ChangeAction.CREATE)

    @property
    def updated(self) -> int:
        return sum(1 for change in self.changes if change.action is ChangeAction.UPDATE)

    @property
    def is_clean(self) -> bool:
        return not self.problems
