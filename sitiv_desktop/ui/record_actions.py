"""Opening, editing, deleting and tracing records from the window: the editors, their choices,
the roles that make a record read-only, the undoable delete and the history."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.i18n import _, format_date
from sitiv_desktop.services.budgets import delete_ppi_line, ppi_line_of
from sitiv_desktop.services.commitments import CommitmentFilter, delete_commitment, list_commitments
from sitiv_desktop.services.exchanges import delete_exchange
from sitiv_desktop.services.meetings import delete_meeting, list_meetings
from sitiv_desktop.services.projects import (
    ProjectFilter,
    delete_project,
    get_project,
    list_projects,
)
from sitiv_desktop.services.roles import read_only_reason
from sitiv_desktop.services.stakes import delete_stake
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors import (
    CommitmentEditor,
    ExchangeEditor,
    FormDialog,
    MeetingEditor,
    PpiLineEditor,
    ProjectEditor,
    StakeEditor,
)
from sitiv_desktop.ui.history import HistoryDialog
from sitiv_desktop.ui.list_page import ListPage
from sitiv_desktop.ui.undo import DeleteCommand
from sitiv_desktop.ui.window_parts import WindowParts

CHOICES = 500


def record_label(record: Any) -> str:
    """What a person calls a record: its title, subject, action or project."""
    for name in ("title", "subject", "action", "project_title"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return ""


def ask_delete(parent: QWidget, label: str) -> bool:
    """« Supprimer » or « Annuler », Annuler being the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Delete"))
    box.setText(
        _("Delete « {title} »? You can undo it with Ctrl+Z until the next sync.").format(
            title=label
        )
    )
    delete = box.addButton(_("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is delete


class RecordActions(WindowParts):
    """The record commands of the main window (a part of ``MainWindow``, on ``WindowParts``)."""

    # Roles -------------------------------------------------------------------------------

    def read_only_reason(self, kind: str, commune_ids: Sequence[uuid.UUID | None]) -> str:
        roles = self.context.settings.commune_roles
        return read_only_reason(roles if isinstance(roles, dict) else {}, kind, commune_ids)

    def _open(self, editor: FormDialog, commune_ids: Sequence[uuid.UUID | None] = ()) -> FormDialog:
        editor.undo_stack = self.undo_stack
        editor.set_read_only(self.read_only_reason(editor.kind, commune_ids or (self.commune_id,)))
        editor.open()
        self.last_editor = editor
        return editor

    # Choices the editors offer -----------------------------------------------------------

    def _choices(
        self, commune_id: uuid.UUID | None, then: Callable[[dict[str, list[Any]]], Any]
    ) -> None:
        """Projects, meetings and commitments to link to, read off the GUI thread."""
        self.last_editor = None

        def work(session: Session) -> dict[str, list[Any]]:
            projects = list_projects(session, ProjectFilter(commune_id=commune_id), 0, CHOICES)
            meetings = list_meetings(session, commune_id, None, 0, CHOICES)
            commitments = list_commitments(
                session, CommitmentFilter(commune_id=commune_id), 0, CHOICES
            )
            return {
                "projects": [(f"{p.code} — {p.title}", p.id) for p in projects],
                "meetings": [
                    (f"{format_date(m.starts_at.date(), 'short')} — {m.title}", m.id)
                    for m in meetings
                ],
                "commitments": [(c.title, c.id) for c in commitments],
            }

        self.runner.read(work, then)

    def new_project(self) -> FormDialog:
        return self._open(
            ProjectEditor(self.runner, self.communes, commune_id=self.commune_id, parent=self)
        )

    def new_commitment(self) -> FormDialog | None:
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                CommitmentEditor(
                    self.runner,
                    self.communes,
                    commune_id=self.commune_id,
                    projects=choices["projects"],
                    meetings=choices["meetings"],
                    parent=self,
                )
            ),
        )
        return self.last_editor

    def new_meeting(self) -> FormDialog:
        return self._open(
            MeetingEditor(self.runner, self.communes, commune_id=self.commune_id, parent=self)
        )

    def open_contacts(self, commune_id: uuid.UUID | None = None) -> QDialog | None:
        """The chosen commune's contacts, its mayor among them."""
        from sitiv_desktop.ui.editors import ContactsDialog

        wanted = commune_id or self.commune_id
        commune = next((c for c in self.communes if c.id == wanted), None)
        if commune is None:
            return None
        dialog = ContactsDialog(
            self.runner,
            commune,
            self.read_only_reason(RecordKind.CONTACT, (commune.id,)),
            self.undo_stack,
            self,
        )
        dialog.open()
        self.contacts_dialog = dialog
        return dialog

    def note_exchange(self) -> FormDialog | None:
        author = self.context.settings.author_name
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                ExchangeEditor(
                    self.runner,
                    self.communes,
                    commune_id=self.commune_id,
                    author=author,
                    projects=choices["projects"],
                    commitments=choices["commitments"],
                    parent=self,
                )
            ),
        )
        return self.last_editor

    def new_stake(self) -> FormDialog | None:
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                StakeEditor(
                    self.runner,
                    self.communes,
                    commune_id=self.commune_id,
                    projects=choices["projects"],
                    parent=self,
                )
            ),
        )
        return self.last_editor

    def new_ppi_line(self) -> FormDialog | None:
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                PpiLineEditor(self.runner, projects=choices["projects"], parent=self)
            ),
        )
        return self.last_editor

    last_editor: FormDialog | None = None

    def edit_record(self, kind: str, record: Any) -> FormDialog | None:
        """Open the editor of one record (read again first, so the editor shows it whole)."""
        self.last_editor = None
        if kind == RecordKind.PROJECT:
            record_id = record.id

            def load_project(session: Session) -> tuple[Any, Any]:
                return get_project(session, record_id), ppi_line_of(session, record_id)

            self.runner.read(
                load_project,
                lambda loaded: self._open(
                    ProjectEditor(
                        self.runner,
                        self.communes,
                        record=loaded[0],
                        budget=loaded[1],
                        parent=self,
                    ),
                    (loaded[0].owner_commune_id,),
                ),
            )
        elif kind == RecordKind.MEETING:
            self._open(
                MeetingEditor(self.runner, self.communes, record=record, parent=self),
                record.commune_ids,
            )
        elif kind in (RecordKind.COMMITMENT, RecordKind.EXCHANGE, RecordKind.STAKE):
            commune_id = record.commune_id

            def opened(choices: dict[str, list[Any]]) -> None:
                editor: FormDialog
                if kind == RecordKind.COMMITMENT:
                    editor = CommitmentEditor(
                        self.runner,
                        self.communes,
                        record=record,
                        projects=choices["projects"],
                        meetings=choices["meetings"],
                        parent=self,
                    )
                elif kind == RecordKind.EXCHANGE:
                    editor = ExchangeEditor(
                        self.runner,
                        self.communes,
                        record=record,
                        projects=choices["projects"],
                        commitments=choices["commitments"],
                        parent=self,
                    )
                else:
                    editor = StakeEditor(
                        self.runner,
                        self.communes,
                        record=record,
                        projects=choices["projects"],
                        parent=self,
                    )
                self._open(editor, (commune_id,))

            self._choices(commune_id, opened)
        elif kind == RecordKind.PPI_LINE:
            self._choices(
                None,
                lambda choices: self._open(
                    PpiLineEditor(
                        self.runner,
                        record=record,
                        projects=choices["projects"],
                        parent=self,
                    )
                ),
            )
        return self.last_editor

    def _page_kind(self, page: ListPage | None) -> RecordKind | None:
        kinds = {
            id(self.projects): RecordKind.PROJECT,
            id(self.commitments): RecordKind.COMMITMENT,
            id(self.meetings): RecordKind.MEETING,
            id(self.exchanges): RecordKind.EXCHANGE,
            id(self.stakes): RecordKind.STAKE,
            id(self.ppi): RecordKind.PPI_LINE,
        }
        return kinds.get(id(page))

    def edit_selected(self) -> FormDialog | None:
        page = self.current_page()
        record = page.selected_record() if page is not None else None
        if record is None:
            return None
        kind = self._page_kind(page)
        return self.edit_record(kind, record) if kind is not None else None

    def show_selected_history(self) -> HistoryDialog | None:
        page = self.current_page()
        record = page.selected_record() if page is not None else None
        kind = self._page_kind(page)
        if record is None or not kind:
            return None
        label = record_label(record)
        dialog = HistoryDialog(self.runner, kind.table, record.id, label, self)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        page = self.current_page()
        record = page.selected_record() if page is not None else None
        kind = self._page_kind(page)
        if record is None or not kind:
            return
        communes = getattr(record, "commune_ids", None) or (getattr(record, "commune_id", None),)
        reason = self.read_only_reason(kind, communes)
        if reason:
            self.statusBar().showMessage(reason, 8000)
            return
        label = record_label(record)
        if not ask_delete(self, label):
            return
        deleters: dict[str, tuple[type[Any], Callable[[Session, uuid.UUID], None]]] = {
            RecordKind.PROJECT: (models.Project, delete_project),
            RecordKind.COMMITMENT: (models.Commitment, delete_commitment),
            RecordKind.MEETING: (models.Meeting, delete_meeting),
            RecordKind.EXCHANGE: (models.Exchange, delete_exchange),
            RecordKind.STAKE: (models.MandateStake, delete_stake),
            RecordKind.PPI_LINE: (models.PpiLine, delete_ppi_line),
        }
        model, delete = deleters[kind]
        text = _("Delete « {title} »").format(title=label)
        self.undo_stack.push(DeleteCommand(self.runner, model, record.id, delete, text))
        self.statusBar().showMessage(_("Deleted. Ctrl+Z brings it back."), 6000)
