"""Each record kind's columns, declared once: the window's lists, the command line's tables, the
spreadsheets an export writes and an import reads back.

Two shapes, side by side for each kind:

- a ``ListColumn`` is a column of a list on screen: its header (an English msgid), the text
  shown, the typed value the window sorts by, the store's sort key (``services.browsing``), its
  alignment and width. The window's Qt models (``ui.models``) and the command line's tables
  (``services.listings``) pick theirs, in their order, from the same objects.
- a ``Column`` is a column of a spreadsheet: its header and the kind of its cells (a date, an
  amount in euros…). Export and import share them, so that an exported file reads back.

No Qt here: the window adds its colours and the late mark itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sitiv_desktop.domain.records import PpiLineRecord
from sitiv_desktop.i18n import (
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    format_time,
)
from sitiv_desktop.services.ppi import left_to_program, nothing_left_note

# ---------------------------------------------------------------------------------------------
# Lists on screen


@dataclass(frozen=True)
class ListColumn:
    """One column: its header (an English msgid), its text, its typed value and store sort key."""

    header: str
    display: Callable[[Any], str]
    value: Callable[[Any], Any] | None = None
    sort_key: str = ""
    right_aligned: bool = False
    name: str = ""
    width: int = 110
    # A note the window shows as the cell's tooltip, when there is one for the record.
    note: Callable[[Any], str] | None = None

    @property
    def label(self) -> str:
        return _(self.header)


def short_date(value: dt.date | None) -> str:
    return format_date(value, "short") if value is not None else "—"


def money_or_dash(value: Decimal | None) -> str:
    return format_money(value) if value is not None else "—"


def _same(read: Callable[[Any], Any]) -> tuple[Callable[[Any], str], Callable[[Any], Any]]:
    """A text column: shown as it is, sorted by itself."""
    return read, read


# Communes (the command line's list)
COMMUNE_NAME = ListColumn(N_("Commune"), lambda c: c.name)
COMMUNE_INSEE = ListColumn(N_("INSEE code"), lambda c: c.insee_code)
COMMUNE_POPULATION = ListColumn(N_("Population"), lambda c: format_number(c.population))
COMMUNE_INTERCOMMUNALITY = ListColumn(N_("Intercommunality"), lambda c: c.metropole.label)

# Projects
PROJECT_TITLE = ListColumn(N_("Title"), *_same(lambda p: p.title), "title", width=320, name="title")
PROJECT_OWNER = ListColumn(N_("Owner"), *_same(lambda p: p.owner_name), "owner", name="commune")
PROJECT_STATUS = ListColumn(N_("Status"), *_same(lambda p: p.status.label), "status")
PROJECT_END = ListColumn(
    N_("End"), lambda p: short_date(p.end_date), lambda p: p.end_date, "end_date"
)
PROJECT_AP = ListColumn(
    N_("AP"),
    lambda p: money_or_dash(p.budget),
    lambda p: p.budget,
    right_aligned=True,
    name="amount",
)
PROJECT_PROGRESS = ListColumn(
    N_("Progress"),
    lambda p: format_percent(p.progress),
    lambda p: p.progress,
    "progress",
    right_aligned=True,
)
PROJECT_CODE_SHOWN = ListColumn(N_("Code"), *_same(lambda p: p.code), "code")
PROJECT_DOMAIN = ListColumn(N_("Domain"), *_same(lambda p: p.domain.label), "domain")

# Commitments (the window marks a late one's title, see ``ui.models``)
COMMITMENT_TITLE = ListColumn(
    N_("Commitment"), *_same(lambda c: c.title), "title", width=340, name="title"
)
COMMITMENT_COMMUNE = ListColumn(
    N_("Commune"), *_same(lambda c: c.commune_name), "commune", name="commune"
)
COMMITMENT_STATUS = ListColumn(N_("Status"), *_same(lambda c: c.status.label), "status")
COMMITMENT_DUE = ListColumn(
    N_("Due date"), lambda c: short_date(c.due_date), lambda c: c.due_date, "due_date"
)
COMMITMENT_RESPONSIBLE = ListColumn(
    N_("Responsible"), *_same(lambda c: c.responsible), "responsible"
)
COMMITMENT_MADE_ON = ListColumn(
    N_("Made on"), lambda c: short_date(c.made_on), lambda c: c.made_on, "made_on"
)
COMMITMENT_PROJECT = ListColumn(N_("Project"), *_same(lambda c: c.project_title))
# The command line's mark of a late commitment, by the record's own rule (``is_late``).
COMMITMENT_LATE = ListColumn(
    N_("Late"),
    lambda c: _("Yes") if c.is_late(dt.date.today()) else "",
    lambda c: c.is_late(dt.date.today()),
    name="late",
)

# Meetings
MEETING_STARTS = ListColumn(
    N_("Date"),
    lambda m: f"{format_date(m.starts_at.date(), 'short')} {format_time(m.starts_at)}",
    lambda m: m.starts_at,
    "starts_at",
    width=140,
)
MEETING_DAY = ListColumn(N_("Date"), lambda m: format_date(m.starts_at.date(), "short"))
MEETING_TITLE = ListColumn(N_("Title"), *_same(lambda m: m.title), "title", width=260, name="title")
MEETING_COMMUNES = ListColumn(
    N_("Communes"), *_same(lambda m: ", ".join(m.commune_names)), name="communes"
)
MEETING_STATUS = ListColumn(N_("Status"), *_same(lambda m: m.status.label), "status")
MEETING_KIND = ListColumn(N_("Kind"), *_same(lambda m: m.kind.label), "kind", width=170)
MEETING_PLACE = ListColumn(N_("Place"), *_same(lambda m: m.place), "place")
MEETING_ID = ListColumn(N_("Identifier"), lambda m: str(m.id))

# Exchanges
EXCHANGE_DATE = ListColumn(
    N_("Date"), lambda e: short_date(e.occurred_on), lambda e: e.occurred_on, "occurred_on"
)
EXCHANGE_SUBJECT = ListColumn(
    N_("Subject"), *_same(lambda e: e.subject), "subject", width=340, name="title"
)
EXCHANGE_COMMUNE = ListColumn(
    N_("Commune"), *_same(lambda e: e.commune_name), "commune", name="commune"
)
EXCHANGE_AUTHOR = ListColumn(N_("Author"), *_same(lambda e: e.author), "author")
EXCHANGE_CHANNEL = ListColumn(N_("Channel"), *_same(lambda e: e.channel.label), "channel")
EXCHANGE_DIRECTION = ListColumn(N_("Direction"), *_same(lambda e: e.direction.label), "direction")

# The window's lists, in their order.
PROJECT_LIST = (
    PROJECT_TITLE,
    PROJECT_OWNER,
    PROJECT_STATUS,
    PROJECT_END,
    PROJECT_AP,
    PROJECT_PROGRESS,
    PROJECT_CODE_SHOWN,
    PROJECT_DOMAIN,
)
COMMITMENT_LIST = (
    COMMITMENT_TITLE,
    COMMITMENT_COMMUNE,
    COMMITMENT_STATUS,
    COMMITMENT_DUE,
    COMMITMENT_RESPONSIBLE,
    COMMITMENT_MADE_ON,
    COMMITMENT_PROJECT,
)
MEETING_LIST = (
    MEETING_STARTS,
    MEETING_TITLE,
    MEETING_COMMUNES,
    MEETING_STATUS,
    MEETING_KIND,
    MEETING_PLACE,
)
EXCHANGE_LIST = (
    EXCHANGE_DATE,
    EXCHANGE_SUBJECT,
    EXCHANGE_COMMUNE,
    EXCHANGE_AUTHOR,
    EXCHANGE_CHANNEL,
    EXCHANGE_DIRECTION,
)
STAKE_LIST = (
    ListColumn(N_("Action"), *_same(lambda s: s.action), "action", width=320, name="title"),
    ListColumn(N_("Commune"), *_same(lambda s: s.commune_name), "commune", name="commune"),
    ListColumn(
        N_("Priority"),
        lambda s: s.priority.label,
        lambda s: s.priority.codes().index(s.priority.value),
        "priority",
    ),
    ListColumn(
        N_("Progress"),
        lambda s: format_percent(s.progress),
        lambda s: s.progress,
        "progress",
        right_aligned=True,
    ),
    ListColumn(N_("Axis"), *_same(lambda s: s.axis), "axis", width=200),
    ListColumn(N_("Line"), *_same(lambda s: s.line), "line", width=220),
    ListColumn(
        N_("Projects"), lambda s: ", ".join(s.project_titles), lambda s: len(s.project_titles)
    ),
)
AGENDA_LIST = (
    ListColumn(N_("Item"), lambda a: a.title, width=220),
    ListColumn(N_("Presenter"), lambda a: a.presenter),
    ListColumn(
        N_("Duration"),
        lambda a: _("{minutes} min").format(minutes=a.duration_minutes),
        lambda a: a.duration_minutes,
        right_aligned=True,
    ),
    ListColumn(N_("Linked to"), lambda a: a.linked_label),
    ListColumn(N_("Outcome"), lambda a: a.outcome.label),
)


def remaining(line: PpiLineRecord) -> Decimal | None:
    """« Reste à programmer », by the one rule of ``services.ppi.left_to_program``."""
    return left_to_program(line.ap, sum(line.cp_by_year.values(), Decimal(0)), line.project_status)


def ppi_list(years: Sequence[int]) -> tuple[ListColumn, ...]:
    """PPI lines: the project, its payer, the AP, each year's CP and what remains to plan."""

    def cp_of(year: int) -> ListColumn:
        return ListColumn(
            _("CP {year}").format(year=year),
            lambda r: format_money(r.cp_by_year.get(year, Decimal(0))),
            lambda r: r.cp_by_year.get(year, Decimal(0)),
            right_aligned=True,
            name="amount",
        )

    return (
        ListColumn(
            N_("Project"),
            lambda r: f"{r.project_code} — {r.project_title}",
            lambda r: r.project_title,
            width=300,
            name="title",
        ),
        ListColumn(N_("Owner"), *_same(lambda r: r.owner_name), name="commune"),
        ListColumn(
            N_("AP"),
            lambda r: money_or_dash(r.ap),
            lambda r: r.ap,
            right_aligned=True,
            name="amount",
        ),
        *(cp_of(year) for year in years),
        ListColumn(
            N_("Left to plan"),
            lambda r: money_or_dash(remaining(r)),
            remaining,
            right_aligned=True,
            name="amount",
            note=lambda r: nothing_left_note(r.project_status),
        ),
    )


# The command line's tables (``list KIND``), in their order.
COMMAND_LINE_LISTS: dict[str, tuple[ListColumn, ...]] = {
    "communes": (COMMUNE_NAME, COMMUNE_INSEE, COMMUNE_POPULATION, COMMUNE_INTERCOMMUNALITY),
    "projects": (
        PROJECT_CODE_SHOWN,
        PROJECT_TITLE,
        PROJECT_STATUS,
        PROJECT_PROGRESS,
        PROJECT_OWNER,
        PROJECT_AP,
    ),
    "commitments": (
        COMMITMENT_COMMUNE,
        COMMITMENT_TITLE,
        COMMITMENT_DUE,
        COMMITMENT_STATUS,
        COMMITMENT_LATE,
    ),
    "meetings": (
        MEETING_DAY,
        MEETING_KIND,
        MEETING_TITLE,
        MEETING_COMMUNES,
        MEETING_STATUS,
        MEETING_ID,
    ),
    "exchanges": (EXCHANGE_DATE, EXCHANGE_COMMUNE, EXCHANGE_CHANNEL, EXCHANGE_SUBJECT),
}


# ---------------------------------------------------------------------------------------------
# Spreadsheets: the headers an export writes and an import reads back


class ColumnKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    MONEY = "money"
    INTEGER = "integer"


@dataclass(frozen=True)
class Column:
    """A column of an exported table; ``header`` is an English msgid shown translated."""

    header: str
    kind: ColumnKind = ColumnKind.TEXT

    @property
    def label(self) -> str:
        return _(self.header)


CODE = Column(N_("Code"))
TITLE = Column(N_("Title"))
DOMAIN = Column(N_("Domain"))
STATUS = Column(N_("Status"))
OWNER = Column(N_("Owner"))
PARTICIPANTS = Column(N_("Participating communes (share)"))
START = Column(N_("Start"), ColumnKind.DATE)
END = Column(N_("End"), ColumnKind.DATE)
PROGRESS = Column(N_("Progress (%)"), ColumnKind.INTEGER)
AP_IN_FORCE = Column(N_("AP in force"), ColumnKind.MONEY)
PARTNERS = Column(N_("Partners"))
DESCRIPTION = Column(N_("Description"))

COMMUNE = Column(N_("Commune"))
COMMITMENT = Column(N_("Commitment"))
MADE_ON = Column(N_("Made on"), ColumnKind.DATE)
DUE_DATE = Column(N_("Due date"), ColumnKind.DATE)
CLOSED_ON = Column(N_("Closed on"), ColumnKind.DATE)
PROJECT_CODE = Column(N_("Project code"))
PROMISED_BY = Column(N_("Promised by"))
RESPONSIBLE = Column(N_("Responsible"))
EVIDENCE = Column(N_("Evidence"))

PROJECT = Column(N_("Project"))
YEAR = Column(N_("Year"), ColumnKind.INTEGER)
CP = Column(N_("CP"), ColumnKind.MONEY)
AP_VOTED_ON = Column(N_("AP voted on"), ColumnKind.DATE)
NOTE = Column(N_("Note"))

PROJECT_COLUMNS = (
    CODE,
    TITLE,
    DOMAIN,
    STATUS,
    OWNER,
    PARTICIPANTS,
    START,
    END,
    PROGRESS,
    AP_IN_FORCE,
    PARTNERS,
    DESCRIPTION,
)
COMMITMENT_COLUMNS = (
    COMMUNE,
    COMMITMENT,
    MADE_ON,
    DUE_DATE,
    STATUS,
    CLOSED_ON,
    PROJECT_CODE,
    PROMISED_BY,
    RESPONSIBLE,
    DESCRIPTION,
    EVIDENCE,
)
PPI_LINE_COLUMNS = (PROJECT_CODE, PROJECT, OWNER, YEAR, CP, AP_IN_FORCE, AP_VOTED_ON, NOTE)
EXCHANGE_COLUMNS = (
    Column(N_("Date"), ColumnKind.DATE),
    COMMUNE,
    Column(N_("Channel")),
    Column(N_("Direction")),
    Column(N_("Subject")),
    Column(N_("Summary")),
    Column(N_("Follow-up")),
    Column(N_("Author")),
    PROJECT_CODE,
)
MEETING_COLUMNS = (
    Column(N_("Starts at"), ColumnKind.DATETIME),
    Column(N_("Duration (min)"), ColumnKind.INTEGER),
    Column(N_("Kind")),
    TITLE,
    Column(N_("Place")),
    Column(N_("Communes")),
    STATUS,
)
# The columns an import of a projects sheet writes (the AP in force is only checked there).
PROJECT_IMPORTED = tuple(column for column in PROJECT_COLUMNS if column is not AP_IN_FORCE)
# The PPI sheet's columns an import reads; the project's title and owner are for people.
PPI_IMPORTED = (PROJECT_CODE, YEAR, CP, AP_IN_FORCE, AP_VOTED_ON, NOTE)
PPI_SHOWN_ONLY = (PROJECT, OWNER)
