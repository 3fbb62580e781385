"""The communes on the left: one row each, the count of late commitments as a red pill."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from sitiv_desktop.domain.records import CommuneRecord
from sitiv_desktop.i18n import _, format_number, ngettext

BADGE_ROLE = Qt.ItemDataRole.UserRole + 10
COMMUNE_ROLE = Qt.ItemDataRole.UserRole + 11
AnyIndex = QModelIndex | QPersistentModelIndex


class BadgeDelegate(QStyledItemDelegate):
    """Draws the count of late commitments as a red pill at the right of a commune."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().paint(painter, option, index)
        count = index.data(BADGE_ROLE)
        if not count:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = format_number(int(count))
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.setFont(font)
        width = max(22, painter.fontMetrics().horizontalAdvance(text) + 12)
        rect: QRect = option.rect
        pill = QRect(rect.right() - width - 8, rect.center().y() - 9, width, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#b3261e"))
        painter.drawRoundedRect(pill, 9, 9)
        painter.setPen(QColor("white"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 40, max(size.height(), 30))


def fill_commune_list(
    communes_list: QListWidget,
    communes: list[CommuneRecord],
    late: dict[uuid.UUID, int],
    wanted: uuid.UUID | None,
) -> QListWidgetItem:
    """« All communes » then each commune with its late commitments; returns the row of
    ``wanted`` (« All communes » when it is not listed)."""
    communes_list.clear()
    everyone = QListWidgetItem(_("All communes"))
    everyone.setData(COMMUNE_ROLE, None)
    everyone.setData(BADGE_ROLE, sum(late.values()))
    font = everyone.font()
    font.setBold(True)
    everyone.setFont(font)
    communes_list.addItem(everyone)
    current = everyone
    for commune in communes:
        item = QListWidgetItem(commune.name)
        item.setData(COMMUNE_ROLE, commune.id)
        item.setData(BADGE_ROLE, late.get(commune.id, 0))
        count = late.get(commune.id, 0)
        described = commune.name
        if count:
            described += " — " + ngettext(
                "{count} late commitment", "{count} late commitments", count
            ).format(count=count)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, described)
        item.setToolTip(described)
        communes_list.addItem(item)
        if commune.id == wanted:
            current = item
    return current
