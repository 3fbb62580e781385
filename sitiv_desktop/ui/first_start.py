"""The first start: discover the software with demonstration data, or connect to the shared base."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop import APP_NAME
from sitiv_desktop.errors import SitivError
from sitiv_desktop.i18n import _
from sitiv_desktop.ui.errors import show_error

DEMO = "demo"
SHARED = "shared"


@dataclass(frozen=True)
class Connection:
    """What the user typed to reach the sync service; the session it opens goes to the
    keyring, the password nowhere."""

    url: str
    user: str
    password: str


class FirstStartDialog(QDialog):
    """Two choices, as large buttons; ``choice`` holds the one taken."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = ""
        self.setWindowTitle(_("Welcome to {name}").format(name=APP_NAME))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        title = QLabel(_("Welcome to {name}").format(name=APP_NAME))
        title.setObjectName("dashboardTitle")
        layout.addWidget(title)
        intro = QLabel(
            _(
                "Your copy of the syndicate's projects, commitments and meetings is empty. "
                "How would you like to start?"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.demo_button = QCommandLinkButton(
            _("Discover with demonstration data"),
            _("Fictitious projects, commitments and meetings for the member communes."),
        )
        self.demo_button.clicked.connect(lambda: self._choose(DEMO))
        layout.addWidget(self.demo_button)
        self.shared_button = QCommandLinkButton(
            _("Connect to the shared database"),
            _("Your organisation gave you an address, a user name and a password."),
        )
        self.shared_button.clicked.connect(lambda: self._choose(SHARED))
        layout.addWidget(self.shared_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.empty_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.empty_button.setText(_("Start empty"))
        # A blank page, not the style's red cross of Cancel: starting empty is a choice too.
        self.empty_button.setIcon(
            QIcon.fromTheme(
                "document-new", self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
            )
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


# Checks a connection in the background, then answers None (it works) or the error.
Verifier = Callable[["Connection", Callable[[BaseException | None], None]], None]


class ConnectionDialog(QDialog):
    """Address, user and password of the shared database.

    With a ``verify`` function, the dialog closes only once the shared database accepted them;
    until then it keeps what was typed and shows why it could not connect.
    """

    def __init__(
        self,
        url: str = "",
        user: str = "",
        parent: QWidget | None = None,
        verify: Verifier | None = None,
    ) -> None:
        super().__init__(parent)
        self.verify = verify
        self.setWindowTitle(_("Connect to the shared database"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("https://sync.sitiv.fr")
        self.user = QLineEdit(user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, field in (
            (_("Address"), self.url),
            (_("User"), self.user),
            (_("Password"), self.password),
        ):
            field.setAccessibleName(label)
            form.addRow(label, field)
        layout.addLayout(form)
        note = QLabel(
            _(
                "The password is not kept: the session the service opens is kept in the system "
                "keyring, never in a file."
            )
        )
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText(_("Connect"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if not self.url.text().strip():
            self.show_error(_("Address: give the address of the sync service."))
            self.url.setFocus()
            return
        if not self.user.text().strip():
            self.show_error(_("User: give your user name on the shared database."))
            self.user.setFocus()
            return
        if self.verify is None:
            self.accept()
            return
        self.error.setText(_("Connecting…"))
        self.error.setStyleSheet("")
        self.error.show()
        self.connect_button.setEnabled(False)
        self.verify(self.connection(), self._verified)

    def _verified(self, error: BaseException | None) -> None:
        self.connect_button.setEnabled(True)
        if error is None:
            self.error.hide()
            self.accept()
        elif isinstance(error, SitivError):
            self.show_error(error.message)
        else:
            show_error(self, error)

    def show_error(self, message: str) -> None:
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setText(message)
        self.error.show()

    def connection(self) -> Connection:
        return Connection(self.url.text().strip(), self.user.text().strip(), self.password.text())
