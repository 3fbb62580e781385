"""« Administration »: users, grants and communes, through the sync service, for an administrator.

The menu entry shows only when the last sync said the user holds the role ``admin`` somewhere;
the service checks the rights again at each request (see ``sync.service.admin_api``). Every
request runs off the GUI thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.roles import Role, role_label
from sitiv_desktop.ui.editors import ERROR_STYLE
from sitiv_desktop.ui.tasks import LongTask, StoreRunner, TaskState

if TYPE_CHECKING:
    from sitiv_desktop.sync.transport import ServiceClient
    from sitiv_desktop.ui.window_parts import WindowParts


def is_administrator(roles: object) -> bool:
    return isinstance(roles, dict) and Role.ADMIN.value in roles.values()


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().hide()
    table.setAccessibleName(name)
    return table


class AdministrationDialog(QDialog):
    """Two tabs, users and communes, read from and changed on the service."""

    def __init__(
        self, address: str, token: str, runner: StoreRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.address, self.token, self.runner = address, token, runner
        self.users: list[dict[str, Any]] = []
        self.communes: list[dict[str, Any]] = []
        self._tasks: list[LongTask] = []
        self.setWindowTitle(_("Administration"))
        self.setMinimumSize(860, 520)
        layout = QVBoxLayout(self)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.done_label = QLabel()
        self.done_label.setObjectName("muted")
        layout.addWidget(self.error)
        layout.addWidget(self.done_label)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._users_page(), _("Users and grants"))
        self.tabs.addTab(self._communes_page(), _("Communes"))
        layout.addWidget(self.tabs, 1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        self.load()

    # -- pages --

    def _users_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.user_table = _table([_("User"), _("State"), _("Communes and roles")], _("Users"))
        self.user_table.itemSelectionChanged.connect(self._user_chosen)
        layout.addWidget(self.user_table, 1)
        form = QFormLayout()
        self.user_name = QLineEdit()
        self.user_password = QLineEdit()
        self.user_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.grant_commune = QComboBox()
        self.grant_role = QComboBox()
        for role in Role:
            self.grant_role.addItem(role_label(role), role.value)
        for label, widget in (
            (_("User name"), self.user_name),
            (_("Password"), self.user_password),
            (_("Commune"), self.grant_commune),
            (_("Role"), self.grant_role),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.add_user_button = QPushButton(_("Add the user"))
        self.add_user_button.clicked.connect(self.add_user)
        self.password_button = QPushButton(_("Set the password"))
        self.password_button.clicked.connect(self.set_password)
        self.grant_button = QPushButton(_("Grant the commune"))
        self.grant_button.clicked.connect(self.grant)
        self.revoke_button = QPushButton(_("Take the commune back"))
        self.revoke_button.clicked.connect(self.revoke)
        self.disable_button = QPushButton(_("Disable (a person who leaves)"))
        self.disable_button.clicked.connect(self.disable)
        for button in (
            self.add_user_button,
            self.password_button,
            self.grant_button,
            self.revoke_button,
            self.disable_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _communes_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.commune_table = _table(
            [_("Commune"), _("INSEE code"), _("Population"), _("Mayor"), _("Member until")],
            _("Communes"),
        )
        self.commune_table.itemSelectionChanged.connect(self._commune_chosen)
        layout.addWidget(self.commune_table, 1)
        form = QFormLayout()
        self.commune_name = QLineEdit()
        self.commune_insee = QLineEdit()
        self.commune_population = QSpinBox()
        self.commune_population.setRange(0, 999_999_999)
        self.commune_note = QLineEdit()
        for label, widget in (
            (_("Name"), self.commune_name),
            (_("INSEE code"), self.commune_insee),
            (_("Population"), self.commune_population),
            (_("Note"), self.commune_note),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.add_commune_button = QPushButton(_("Add the commune"))
        self.add_commune_button.clicked.connect(self.add_commune)
        self.edit_commune_button = QPushButton(_("Save the chosen commune"))
        self.edit_commune_button.clicked.connect(self.edit_commune)
        row.addWidget(self.add_commune_button)
        row.addWidget(self.edit_commune_button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # -- talking to the service, off the GUI thread --

    def _ask(
        self, work: Callable[[ServiceClient], Any], done: Callable[[Any], None] | None = None
    ) -> None:
        address, token = self.address, self.token

        def run(_state: TaskState) -> Any:
            # httpx is imported when the administration is used, not when the window opens.
            from sitiv_desktop.sync.transport import ServiceClient

            with ServiceClient(address, token) as service:
                return work(service)

        task = LongTask(run, self.runner, background=True)
        self._tasks.append(task)

        def finished(result: Any) -> None:
            self._tasks.remove(task)
            self.error.hide()
            if done is not None:
                done(result)

        def failed(error: BaseException) -> None:
            self._tasks.remove(task)
            self.error.setText(str(error))
            self.error.show()

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.start()

    def _then_reload(self, message: str) -> Callable[[Any], None]:
        def done(_result: Any) -> None:
            self.done_label.setText(message)
            self.load()

        return done

    def load(self) -> None:
        def work(service: ServiceClient) -> tuple[list[Any], list[Any]]:
            return service.admin_users(), service.admin_communes()

        self._ask(work, self._fill)

    def _fill(self, found: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        self.users, self.communes = found
        self.user_table.setRowCount(len(self.users))
        for index, user in enumerate(self.users):
            grants = ", ".join(
                f"{g['commune']} ({role_label(Role(g['role']))})" for g in user["grants"]
            )
            state = _("disabled") if user["disabled"] else _("active")
            for column, value in enumerate((user["name"], state, grants)):
                self.user_table.setItem(index, column, QTableWidgetItem(value))
        chosen = self.grant_commune.currentData()
        self.grant_commune.clear()
        self.commune_table.setRowCount(len(self.communes))
        for index, commune in enumerate(self.communes):
            self.grant_commune.addItem(commune["name"], commune["id"])
            left = commune["left_on"] or ""
            values = (
                commune["name"],
                commune["insee_code"],
                str(commune["population"]),
                commune["mayor"],
                left,
            )
            for column, value in enumerate(values):
                self.commune_table.setItem(index, column, QTableWidgetItem(value))
        if chosen is not None:
            self.grant_commune.setCurrentIndex(max(0, self.grant_commune.findData(chosen)))

    def _user_chosen(self) -> None:
        rows = self.user_table.selectionModel().selectedRows()
        if rows:
            self.user_name.setText(self.users[rows[0].row()]["name"])

    def _commune_chosen(self) -> None:
        commune = self.chosen_commune()
        if commune is not None:
            self.commune_name.setText(commune["name"])
            self.commune_insee.setText(commune["insee_code"])
            self.commune_population.setValue(int(commune["population"]))
            self.commune_note.setText(commune["note"])

    def chosen_commune(self) -> dict[str, Any] | None:
        rows = self.commune_table.selectionModel().selectedRows()
        return self.communes[rows[0].row()] if rows else None

    def _granted(self) -> tuple[str, uuid.UUID] | None:
        name, commune = self.user_name.text().strip(), self.grant_commune.currentData()
        if not name or commune is None:
            self.error.setText(_("Choose a user and a commune."))
            self.error.show()
            return None
        return name, uuid.UUID(commune)

    # -- acts --

    def add_user(self) -> None:
        name, password = self.user_name.text().strip(), self.user_password.text()
        self.user_password.clear()
        self._ask(
            lambda service: service.admin_add_user(name, password),
            self._then_reload(_("User {name} can now connect.").format(name=name)),
        )

    def set_password(self) -> None:
        name, password = self.user_name.text().strip(), self.user_password.text()
        self.user_password.clear()
        self._ask(
            lambda service: service.admin_set_password(name, password),
            self._then_reload(_("{name}'s password is set.").format(name=name)),
        )

    def grant(self) -> None:
        chosen = self._granted()
        if chosen is None:
            return
        name, commune_id = chosen
        role = str(self.grant_role.currentData())

        def done(commune: str) -> None:
            self._then_reload(
                _("{name} now has {commune} ({role}).").format(
                    name=name, commune=commune, role=role_label(Role(role))
                )
            )(None)

        self._ask(lambda service: service.admin_grant(name, commune_id, role), done)

    def revoke(self) -> None:
        chosen = self._granted()
        if chosen is None:
            return
        name, commune_id = chosen

        def done(commune: str) -> None:
            message = _("{name} no longer has {commune}.").format(name=name, commune=commune)
            self._then_reload(message)(None)

        self._ask(lambda service: service.admin_revoke(name, commune_id), done)

    def disable(self, confirm: bool = True) -> None:
        name = self.user_name.text().strip()
        if not name:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                _("Disable the user"),
                _("{name} will no longer be able to connect. Disable?").format(name=name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._ask(
            lambda service: service.admin_disable(name),
            self._then_reload(_("{name} can no longer connect.").format(name=name)),
        )

    def _commune_fields(self) -> dict[str, Any]:
        return {
            "name": self.commune_name.text().strip(),
            "insee_code": self.commune_insee.text().strip(),
            "population": self.commune_population.value(),
        }

    def add_commune(self) -> None:
        fields = self._commune_fields()

        def done(made: dict[str, Any]) -> None:
            message = _("{commune} is a member commune.").format(commune=made["name"])
            self._then_reload(message)(None)

        self._ask(lambda service: service.admin_add_commune(fields), done)

    def edit_commune(self) -> None:
        commune = self.chosen_commune()
        if commune is None:
            self.error.setText(str(UserError(_("Choose a commune in the list."))))
            self.error.show()
            return
        fields = {**self._commune_fields(), "note": self.commune_note.text()}
        commune_id = uuid.UUID(commune["id"])

        def done(name: str) -> None:
            self._then_reload(_("{commune} is up to date.").format(commune=name))(None)

        self._ask(lambda service: service.admin_edit_commune(commune_id, fields), done)


def install(window: WindowParts) -> QAction:
    """Add « Administration… » to the window's Sync menu; shown only to administrators."""
    action = QAction(_("Administration…"), window)
    action.triggered.connect(lambda _checked=False: open_administration(window))
    window.sync.menu.addAction(action)

    def refresh(_kind: str = "") -> None:
        action.setVisible(is_administrator(window.context.settings.commune_roles))

    window.notifier.changed.connect(refresh)
    refresh()
    return action


def open_administration(window: WindowParts) -> AdministrationDialog | None:
    settings = window.context.settings
    url, user = settings.server_url, settings.server_user
    token = window.sync.credentials.token(url, user) if url else None
    if not token:
        QMessageBox.information(
            window,
            _("Administration"),
            _("Connect to the sync service first (Sync › Connection…)."),
        )
        return None
    dialog = AdministrationDialog(url, token, window.runner, window)
    dialog.open()  # the window, its parent, keeps it
    return dialog
