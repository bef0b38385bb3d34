"""File › Connect to team server…: host, port, database, user, password, TLS; connects on a worker thread.

The password goes to the system keyring when "Remember" is ticked (never to settings.json). Every failure is
shown in the dialog in words (refused, no answer, bad password, no such database, not a project, newer schema)
and the dialog stays open to fix it; the project open in the window stays open meanwhile.
"""

from __future__ import annotations

import getpass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services import credentials, projects
from annotator.ui.workers import BackgroundTask

SSL_MODES = (
    ("prefer", "TLS if the server offers it"),
    ("require", "TLS always (no certificate check)"),
    ("verify-ca", "TLS, and the server's certificate signed by the root certificate below"),
    ("verify-full", "as verify-ca, and the certificate names this host"),
    ("disable", "no TLS"),
)


class ServerDialog(QDialog):
    connected = Signal(object, str)  # the open Project, and a note for the status bar ("" if none)

    def __init__(self, location: str = "", problem: str = "", parent: QWidget | None = None, user: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Connect to a team server")
        self.resize(560, 0)
        self.task: BackgroundTask | None = None
        self.host = QLineEdit(placeholderText="e.g. annotation.lab.example.org")
        self.port = QSpinBox(minimum=1, maximum=65535, value=5432)
        self.database = QLineEdit(placeholderText="the project's database, e.g. mediabias")
        self.user = QLineEdit(user or getpass.getuser())  # people log in under the name they annotate under
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty if the server does not ask for one")
        self.remember = QCheckBox("Remember the password in the system keyring", checked=True)
        self.sslmode = QComboBox()
        for mode, meaning in SSL_MODES:
            self.sslmode.addItem(f"{mode}: {meaning}", mode)
        self.root_cert = QLineEdit(placeholderText="root certificate (.crt, .pem) for verify-ca / verify-full")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_certificate)
        cert_row = QHBoxLayout()
        cert_row.addWidget(self.root_cert, 1)
        cert_row.addWidget(choose)
        self.problem = QLabel(problem)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828")

        form = QFormLayout()
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("", self.remember)
        form.addRow("TLS", self.sslmode)
        form.addRow("Root certificate", cert_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        if location:
            self.fill(location)

    def fill(self, location: str) -> None:
        """The fields of a server location (from the recent list); the kept password, if any."""
        fields: dict[str, Any] = projects.server_fields(location)
        self.host.setText(str(fields["host"]))
        self.port.setValue(int(fields["port"]))
        self.database.setText(str(fields["database"]))
        self.user.setText(str(fields["user"]))
        self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(fields["sslmode"])))
        self.root_cert.setText(str(fields["sslrootcert"]))
        self.password.setText(credentials.saved_password(projects.account(location)) or "")

    def _choose_certificate(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Root certificate", "", "Certificates (*.crt *.pem);;All (*)")
        if path:
            self.root_cert.setText(path)

    def location(self) -> str:
        return projects.server_location(
            self.host.text(),
            self.port.value(),
            self.database.text(),
            self.user.text(),
            self.sslmode.currentData(),
            self.root_cert.text().strip(),
        )

    def start(self) -> None:
        """Connect on a worker thread: a server that does not answer must not freeze the window."""
        try:
            location = self.location()
        except AnnotatorError as exc:
            self.problem.setText(str(exc))
            return
        password = self.password.text()
        self.problem.setText(f"Connecting to {projects.account(location)}…")
        self.connect_button.setEnabled(False)
        self.task = BackgroundTask(lambda _progress: projects.open_project(location, password or None), self)
        self.task.succeeded.connect(lambda project: self._connected(location, password, project))
        self.task.failed.connect(self._failed)
        self.task.start()

    def _failed(self, message: str) -> None:
        self.connect_button.setEnabled(True)
        self.problem.setText(message)

    def _connected(self, location: str, password: str, project: Any) -> None:
        self.connect_button.setEnabled(True)
        if not self.isVisible():  # cancelled while connecting
            project.close()
            return
        account = projects.account(location)
        note = ""
        if self.remember.isChecked() and password:
            note = credentials.save_password(account, password)
        elif not self.remember.isChecked():
            credentials.forget_password(account)
        self.accept()
        self.connected.emit(project, note)

    def reject(self) -> None:
        if self.task is not None and self.task.is_running():
            self.task.cancel()
        super().reject()
