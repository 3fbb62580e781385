"""A commune at a glance: its projects by status, commitments late and due soon, the next
meeting, the last exchanges and its PPI drawn with QPainter (QtCharts is deprecated)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop.domain.enums import ProjectStatus
from sitiv_desktop.domain.records import (
    CommitmentRecord,
    CommuneOverview,
    ExchangeRecord,
    PpiTable,
)
from sitiv_desktop.i18n import (
    _,
    format_date,
    format_datetime,
    format_number,
    format_whole_money,
    ngettext,
)
from sitiv_desktop.services.communes import AllCommunesOverview, CpTotals, load_overview
from sitiv_desktop.ui.tasks import StoreRunner, emit

ACCENT = QColor("#1f5f99")
STATUS_COLOURS = {
    ProjectStatus.IDEA: "#9aa5b1",
    ProjectStatus.STUDY: "#5b8def",
    ProjectStatus.IN_PROGRESS: "#1f5f99",
    ProjectStatus.DELIVERED: "#2e7d32",
    ProjectStatus.SUSPENDED: "#ef8a17",
    ProjectStatus.ABANDONED: "#b3261e",
}
LATE = "#b3261e"


class PpiChart(QWidget):
    """Payment credits (CP) per year as bars, with the amount above each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("PPI chart: payment credits per year"))
        self.totals: list[tuple[int, Decimal]] = []
        # The amount above each bar, formatted once when the totals arrive, not at each paint.
        self.labels: list[str] = []

    def set_table(self, table: PpiTable) -> None:
        self.set_totals([(year, table.total_cp(year)) for year in table.years])

    def set_totals(self, totals: CpTotals) -> None:
        self.totals = list(totals)
        self.labels = [format_whole_money(total) for _year, total in self.totals]
        summary = "; ".join(
            f"{year} : {label}"
            for (year, _total), label in zip(self.totals, self.labels, strict=True)
        )
        self.setAccessibleDescription(summary)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if not self.totals:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, _("No PPI line yet."))
            return
        highest = max((float(total) for _year, total in self.totals), default=0.0) or 1.0
        label_height = 18.0
        plot = area.adjusted(0, label_height, 0, -label_height - 4)
        slot = plot.width() / len(self.totals)
        bar_width = min(56.0, slot * 0.6)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        # Whole euros as the packs write them: the type gives way before two amounts overlap.
        widest = max(QFontMetricsF(small).horizontalAdvance(label) for label in self.labels)
        if widest > slot - 4:
            small.setPointSizeF(max(6.0, small.pointSizeF() * (slot - 4) / widest))
        painter.setFont(small)
        for index, (year, total) in enumerate(self.totals):
            height = plot.height() * float(total) / highest
            x = plot.left() + slot * index + (slot - bar_width) / 2
            bar = QRectF(x, plot.bottom() - height, bar_width, height)
            painter.fillRect(bar, ACCENT)
            painter.setPen(self.palette().text().color())
            above = QRectF(x - slot / 2, bar.top() - label_height, bar_width + slot, label_height)
            painter.drawText(above, Qt.AlignmentFlag.AlignCenter, self.labels[index])
            below = QRectF(x - slot / 2, plot.bottom() + 4, bar_width + slot, label_height)
            painter.drawText(below, Qt.AlignmentFlag.AlignCenter, str(year))
        painter.setPen(QPen(QColor("#c4ccd4"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())


class Card(QFrame):
    """A titled white panel of the dashboard."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        heading = QLabel(title)
        heading.setObjectName("cardTitle")
        layout.addWidget(heading)
        self.body = QVBoxLayout()
        self.body.setSpacing(4)
        layout.addLayout(self.body)
        layout.addStretch(1)

    def clear(self) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                # Hidden at once: deleted later, it would still paint where it was meanwhile.
                widget.hide()
                widget.deleteLater()

    def add_line(self, text: str, colour: str = "", tooltip: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if colour:
            label.setStyleSheet(f"color: {colour};")
        if tooltip:
            label.setToolTip(tooltip)
        self.body.addWidget(label)
        return label

    def add_widget(self, widget: QWidget) -> None:
        self.body.addWidget(widget)


class StatusBars(QWidget):
    """Projects by status: a coloured bar per status with its count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[ProjectStatus, int] = {}
        # Each status's label and formatted count, made once when the counts arrive.
        self.texts: dict[ProjectStatus, tuple[str, str]] = {}
        self.setMinimumHeight(6 * 24)

    def set_counts(self, counts: dict[ProjectStatus, int]) -> None:
        self.counts = counts
        self.texts = {
            status: (status.label, format_number(counts.get(status, 0))) for status in ProjectStatus
        }
        self.setAccessibleDescription(
            "; ".join(f"{status.label} : {count}" for status, count in counts.items())
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        highest = max(self.counts.values(), default=0) or 1
        label_width = 90.0
        count_width = 44.0
        row_height = self.height() / max(1, len(ProjectStatus))
        text_colour = self.palette().text().color()
        for row, status in enumerate(ProjectStatus):
            count = self.counts.get(status, 0)
            label, shown = self.texts.get(status) or (status.label, format_number(count))
            top = row * row_height
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(0, top, label_width, row_height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )
            room = self.width() - label_width - count_width
            bar = QRectF(
                label_width, top + row_height * 0.22, room * count / highest, row_height * 0.56
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STATUS_COLOURS[status]))
            painter.drawRoundedRect(bar, 3, 3)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(label_width + bar.width() + 6, top, count_width, row_height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                shown,
            )


class Dashboard(QScrollArea):
    """The chosen commune at a glance, reloaded when the commune or the data change."""

    commitment_opened = Signal(object)
    # The dashboard shows its data (the first time: the window is usable).
    filled = Signal()
    contacts_opened = Signal(object)  # the commune's id

    def __init__(self, runner: StoreRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.commune_id: uuid.UUID | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        page.setObjectName("dashboard")
        self.setWidget(page)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(20, 16, 20, 20)
        outer.setSpacing(14)
        self.title = QLabel()
        self.title.setObjectName("dashboardTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("dashboardSubtitle")
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        top = QHBoxLayout()
        top.addLayout(heading, 1)
        self.contacts_button = QPushButton(_("Contacts…"))
        self.contacts_button.setToolTip(_("The mayor, deputies, DGS, DSI and referents"))
        self.contacts_button.clicked.connect(lambda: self.contacts_opened.emit(self.commune_id))
        self.contacts_button.hide()
        top.addWidget(self.contacts_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        self.projects_card = Card(_("Projects by status"))
        self.status_bars = StatusBars()
        self.projects_card.add_widget(self.status_bars)
        self.late_card = Card(_("Late commitments"))
        self.soon_card = Card(_("Due within 60 days"))
        self.meeting_card = Card(_("Next meeting"))
        self.exchanges_card = Card(_("Last exchanges"))
        self.ppi_card = Card(_("PPI: payment credits per year"))
        self.chart = PpiChart()
        self.ppi_card.add_widget(self.chart)
        grid.addWidget(self.projects_card, 0, 0)
        grid.addWidget(self.late_card, 0, 1)
        grid.addWidget(self.soon_card, 0, 2)
        grid.addWidget(self.meeting_card, 1, 0)
        grid.addWidget(self.exchanges_card, 1, 1)
        grid.addWidget(self.ppi_card, 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        # The cards share the height of the page: no empty band under them on a tall window.
        for row in range(2):
            grid.setRowStretch(row, 1)
        outer.addLayout(grid, 1)
        self._generation = 0

    def show_commune(self, commune_id: uuid.UUID | None) -> None:
        self.commune_id = commune_id
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        commune_id = self.commune_id
        today = dt.date.today()

        def done(result: tuple[CommuneOverview | AllCommunesOverview, CpTotals]) -> None:
            if generation == self._generation:
                self._fill(result[0], result[1])
                emit(self.filled)

        self.runner.read(lambda session: load_overview(session, commune_id, today), done)

    def _fill(self, overview: CommuneOverview | AllCommunesOverview, totals: CpTotals) -> None:
        self.chart.set_totals(totals)
        self.status_bars.set_counts(overview.projects_by_status)
        for card in (self.late_card, self.soon_card, self.meeting_card, self.exchanges_card):
            card.clear()
        self.contacts_button.setVisible(not isinstance(overview, AllCommunesOverview))
        if isinstance(overview, AllCommunesOverview):
            self._fill_all(overview)
            return
        commune = overview.commune
        self.title.setText(commune.name)
        facts = [
            commune.metropole.label,
            _("{count} inhabitants").format(count=format_number(commune.population)),
        ]
        if commune.mayor:
            facts.insert(0, _("Mayor: {name}").format(name=commune.mayor))
        self.subtitle.setText(" · ".join(facts))
        self._commitments(
            self.late_card,
            overview.late_commitments,
            max(overview.late_count, len(overview.late_commitments)),
            LATE,
            _("Nothing late."),
        )
        self._commitments(
            self.soon_card,
            overview.due_soon_commitments,
            max(overview.due_soon_count, len(overview.due_soon_commitments)),
            "",
            _("Nothing due soon."),
        )
        meeting = overview.next_meeting
        if meeting is None:
            self.meeting_card.add_line(_("No meeting planned."), "#6b7785")
        else:
            self.meeting_card.add_line(meeting.title).setObjectName("strong")
            self.meeting_card.add_line(format_datetime(meeting.starts_at))
            if meeting.place:
                self.meeting_card.add_line(meeting.place, "#6b7785")
            agenda = ngettext("{count} agenda item", "{count} agenda items", len(meeting.agenda))
            self.meeting_card.add_line(agenda.format(count=len(meeting.agenda)), "#6b7785")
        self._exchanges(overview.last_exchanges)

    def _fill_all(self, overview: AllCommunesOverview) -> None:
        self.title.setText(_("All communes"))
        self.subtitle.setText(_("Every commune this copy holds, together"))
        if overview.late_total:
            text = ngettext(
                "{count} late commitment", "{count} late commitments", overview.late_total
            ).format(count=format_number(overview.late_total))
            self.late_card.add_line(text, LATE)
            communes = ngettext(
                "in {count} commune", "in {count} communes", overview.communes_with_late
            ).format(count=overview.communes_with_late)
            self.late_card.add_line(communes, "#6b7785")
        else:
            self.late_card.add_line(_("Nothing late."), "#6b7785")
        self.soon_card.add_line(_("Choose a commune to see its commitments."), "#6b7785")
        self.meeting_card.add_line(_("Choose a commune to see its next meeting."), "#6b7785")
        self.exchanges_card.add_line(_("Choose a commune to see its exchanges."), "#6b7785")

    def _commitments(
        self,
        card: Card,
        records: tuple[CommitmentRecord, ...],
        total: int,
        colour: str,
        empty: str,
    ) -> None:
        if not records:
            card.add_line(empty, "#6b7785")
            return
        shown = 6
        for record in records[:shown]:
            due = format_date(record.due_date, "short") if record.due_date else "—"
            card.add_line(f"{due}  {record.title}", colour, tooltip=record.description)
        if total > shown:
            more = _("and {count} more").format(count=total - min(shown, len(records)))
            card.add_line(more, "#6b7785")

    def _exchanges(self, records: tuple[ExchangeRecord, ...]) -> None:
        if not records:
            self.exchanges_card.add_line(_("No exchange yet."), "#6b7785")
            return
        for record in records:
            date = format_date(record.occurred_on, "short")
            self.exchanges_card.add_line(
                f"{date}  {record.channel.label} — {record.subject}", tooltip=record.summary
            )


def late_badge(count: int) -> str:
    return f"  ({format_number(count)})" if count else ""
