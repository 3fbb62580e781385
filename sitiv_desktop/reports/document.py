"""The document every pack is poured into: A4 pages with header and footer, « page n sur N »,
bookmarks that follow the table of contents, the draft watermark, metadata, progress and
cancellation.

The PDF's dates are the day it is built. With ``BuildOptions(invariant=True)`` (tests),
reportlab's ``invariant`` mode fixes the dates and the document id, and identical data gives
identical bytes: bookmark keys are numbered in reading order.

The canvas keeps every page until the end (to write « page n sur N »), so a bookmark set while
a page is laid out is only bound to its page when that page is written out: reportlab binds a
destination to the page it is writing, which would otherwise always be the first.

The table of contents costs no second layout: its titles are known before the pack is laid
out, so its place is kept in one pass and it is drawn at the very end, with the page numbers,
beside « page n sur N ». Only a table of contents too long for one page falls back on
reportlab's multi-pass build.

Kept whole: the page template, the bookmarks and the table of contents must agree on every page,
which is one concern.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from sitiv_desktop import APP_NAME, __version__
from sitiv_desktop.errors import Cancelled
from sitiv_desktop.i18n import _
from sitiv_desktop.progress import Progress
from sitiv_desktop.reports.flowables import SectionHeading, escape_text, reset_heading_keys
from sitiv_desktop.reports.fonts import BODY, BODY_BOLD, TITLE, register_fonts
from sitiv_desktop.reports.styles import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    NAVY,
    PAGE_HEIGHT,
    PAGE_SIZE,
    PAGE_WIDTH,
    RULE,
    SLATE,
    WATERMARK,
    Styles,
)

CancelFlag = Callable[[], bool]

COVER = "cover"
BODY_TEMPLATE = "body"
# multiBuild lays the story out about this many times (contents, then page numbers settle).
EXPECTED_PASSES = 3
# What the contents' heading and the page's top take; the rest is for the entries.
CONTENTS_RESERVE = 30 * mm

ContentsEntry = tuple[int, str, int, str]


@dataclass(frozen=True)
class PackInfo:
    """What the header, the footer and the PDF's metadata say of a pack."""

    title: str
    subject: str
    author: str
    syndicate_short: str
    commune: str
    date: str
    pack_label: str


@dataclass(frozen=True)
class BuildOptions:
    draft: bool = False
    # Fixed dates and document id: the same data gives the same bytes (for tests).
    invariant: bool = False
    progress: Progress | None = None
    cancelled: CancelFlag | None = None


class DeferredContents(Flowable):
    """A table of contents laid out in a single pass.

    Its entries are planned from the story's headings, with no page numbers yet, which gives
    its height; the document then lays the pack out once, noting each heading's page, and
    the canvas draws the table at the place kept for it when it writes the pages out.
    """

    def __init__(self, table: TableOfContents) -> None:
        super().__init__()
        self.table = table
        self.planned: list[ContentsEntry] = []
        self.entries: list[ContentsEntry] = []
        self.place: tuple[int, float, float, float] | None = None

    def plan(self, story: Sequence[Flowable]) -> None:
        self.planned = [
            contents_entry(heading, 0)
            for heading in story
            if isinstance(heading, SectionHeading) and heading.in_contents
        ]
        self.entries = []
        self.place = None

    def height_for(self, width: float) -> float:
        self.table._lastEntries = list(self.planned)  # type: ignore[attr-defined]
        _width, height = self.table.wrapOn(Canvas(io.BytesIO()), width, PAGE_HEIGHT)
        return float(height)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.table._lastEntries = list(self.planned)  # type: ignore[attr-defined]
        _width, height = self.table.wrapOn(self.canv, available_width, available_height)
        self.width, self.height = available_width, height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []  # kept whole: render() only defers a table that fits on one page

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803
        self.place = (canvas.getPageNumber(), x, y, self.width)

    def draw_on_page(self, canvas: Canvas) -> None:
        """Draw the table with its page numbers, if ``canvas`` is on the page it was placed."""
        if self.place is None or canvas.getPageNumber() != self.place[0]:
            return
        _page, x, y, width = self.place
        self.table._lastEntries = list(self.entries)  # type: ignore[attr-defined]
        self.table.wrapOn(canvas, width, PAGE_HEIGHT)
        canvas.saveState()
        self.table.drawOn(canvas, x, y)
        canvas.restoreState()


def contents_entry(heading: SectionHeading, page: int) -> ContentsEntry:
    return (heading.level, escape_text(heading.title), page, heading.key)


class _NumberedCanvas(Canvas):
    """Keeps each page until the end, then writes « page n sur N » on every one of them, and
    the table of contents where its place was kept."""

    deferred_contents: DeferredContents | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []
        self._page_marks: list[tuple[str, float, float]] = []

    def bookmarkHorizontal(self, key: str, relativeX: float, relativeY: float, **kw: Any) -> None:  # noqa: N803
        """Noted now, bound to this page when it is written out (see the module's docstring)."""
        left, top = self.absolutePosition(relativeX, relativeY)
        self._page_marks.append((key, top, left))

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._page_marks = []
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._saved_pages)
        contents = self.deferred_contents
        for state in self._saved_pages:
            self.__dict__.update(state)
            for key, top, left in self._page_marks:
                self.bookmarkHorizontalAbsolute(key, top, left=left)  # type: ignore[arg-type]
            if contents is not None:
                contents.draw_on_page(self)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        self.saveState()
        self.setFont(BODY, 8)
        self.setFillColor(SLATE)
        text = _("page {number} of {total}").format(number=self.getPageNumber(), total=total)
        self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, MARGIN_BOTTOM - 10 * mm, text)
        self.restoreState()


class PackDocument(BaseDocTemplate):
    """A4, a cover template and a body template, with headers that know their section."""

    def __init__(self, stream: BinaryIO, info: PackInfo, options: BuildOptions) -> None:
        register_fonts()
        super().__init__(
            stream,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=_plain(info.title),
            author=_plain(info.author),
            subject=_plain(info.subject),
            creator=f"{APP_NAME} {__version__}",
            producer=f"{APP_NAME} {__version__}",
            invariant=1 if options.invariant else 0,
            lang="fr-FR",
            initialFontName=BODY,
            displayDocTitle=1,
        )
        self.info = info
        self.options = options
        self.story_length = 1
        self.expected_passes = EXPECTED_PASSES
        self.deferred_contents: DeferredContents | None = None
        self._passes = 0
        self._done = 0
        self._reported = 0.0
        self._current_section = ""
        self._current_commune: str | None = None
        self._page_sections: list[str] = []
        self._page_commune: str | None = None
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            id="main",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(COVER, [frame], onPage=self._page_begins, onPageEnd=self._cover_ends),
                PageTemplate(
                    BODY_TEMPLATE, [frame], onPage=self._page_begins, onPageEnd=self._body_ends
                ),
            ]
        )

    # -- passes, progress and cancellation ------------------------------------------------

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        if self.deferred_contents is not None:
            # The canvas draws the contents when it writes the pages out.
            self.canv.deferred_contents = self.deferred_contents  # type: ignore[attr-defined]
        self._passes += 1
        self._done = 0
        self._current_section = ""
        self._current_commune = None
        reset_heading_keys()

    def afterFlowable(self, flowable: Flowable) -> None:
        self._check_cancelled()
        self._done += 1
        self._report_progress()
        if isinstance(flowable, SectionHeading):
            self._register_heading(flowable)
        elif not isinstance(flowable, Spacer | PageBreak | CondPageBreak | ActionFlowable):
            self._register_content()

    def _check_cancelled(self) -> None:
        if self.options.cancelled is not None and self.options.cancelled():
            raise Cancelled()

    def _report_progress(self) -> None:
        if self.options.progress is None:
            return
        within = min(1.0, self._done / self.story_length)
        fraction = min(0.97, (self._passes - 1 + within) / self.expected_passes)
        if fraction > self._reported + 0.01:
            self._reported = fraction
            self.options.progress(fraction, _("Laying out page {number}").format(number=self.page))

    def _register_heading(self, heading: SectionHeading) -> None:
        if heading.level == 0:
            self._current_section = heading.title
            self._current_commune = heading.commune
        elif heading.commune is not None:
            self._current_commune = heading.commune
        if heading.level == 0:
            self._page_sections.append(heading.title)
        else:
            self._register_content()
        if self._current_commune is not None:
            self._page_commune = self._current_commune
        if heading.in_contents:
            self.canv.addOutlineEntry(heading.title, heading.key, level=heading.level)
            entry = contents_entry(heading, self.page)
            if self.deferred_contents is not None:
                self.deferred_contents.entries.append(entry)
            self.notify("TOCEntry", entry)

    def _register_content(self) -> None:
        """A page that goes on with a section names it first in its header."""
        if not self._page_sections and self._current_section:
            self._page_sections.append(self._current_section)
        if self._page_commune is None:
            self._page_commune = self._current_commune

    # -- page decoration -----------------------------------------------------------------

    def _page_begins(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        self._check_cancelled()
        self._page_sections = []
        self._page_commune = None
        if self.options.draft:
            _draw_watermark(canvas)

    def _cover_ends(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        self._draw_footer(canvas)

    def _body_ends(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        self._draw_header(canvas)
        self._draw_footer(canvas)

    def _draw_header(self, canvas: Canvas) -> None:
        info = self.info
        top = PAGE_HEIGHT - 12 * mm
        canvas.saveState()
        canvas.setFont(BODY_BOLD, 8.5)
        canvas.setFillColor(NAVY)
        canvas.drawString(MARGIN_LEFT, top, info.syndicate_short)
        canvas.setFont(BODY, 8.5)
        canvas.drawCentredString(PAGE_WIDTH / 2, top, self._page_commune or info.commune)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, top, info.date)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_LEFT, top - 3 * mm, PAGE_WIDTH - MARGIN_RIGHT, top - 3 * mm)
        sections = self._page_sections or [self._current_section]
        if sections[0]:
            canvas.setFont(BODY, 7.5)
            canvas.setFillColor(MUTED)
            canvas.drawString(MARGIN_LEFT, top - 7 * mm, _sections_label(sections))
        canvas.restoreState()

    def _draw_footer(self, canvas: Canvas) -> None:
        bottom = MARGIN_BOTTOM - 10 * mm
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_LEFT, bottom + 4 * mm, PAGE_WIDTH - MARGIN_RIGHT, bottom + 4 * mm)
        canvas.setFont(BODY, 8)
        canvas.setFillColor(SLATE)
        canvas.drawString(MARGIN_LEFT, bottom, self.info.pack_label)
        if self.options.draft:
            canvas.setFont(BODY_BOLD, 8)
            canvas.setFillColor(WATERMARK)
            canvas.drawCentredString(PAGE_WIDTH / 2, bottom, _("DRAFT"))
        canvas.restoreState()


def _plain(text: str) -> str:
    """Metadata with plain spaces: a viewer's properties box has no lines to keep together."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _sections_label(titles: list[str]) -> str:
    """« Section : 4. Projets », or « Sections : 4. Projets à 7. Enjeux » for several."""
    if len(titles) == 1:
        return _("Section: {title}").format(title=titles[0])
    return _("Sections: {first} to {last}").format(first=titles[0], last=titles[-1])


def _draw_watermark(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setFillColor(WATERMARK)
    canvas.setFillAlpha(0.10)
    canvas.setFont(TITLE, 110)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(52)
    canvas.drawCentredString(0, -38, _("DRAFT"))
    canvas.restoreState()


def contents(styles: Styles) -> DeferredContents:
    """The table of contents of a pack, drawn once the pages are known."""
    table = TableOfContents(
        tableStyle=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("FONTNAME", (0, 0), (-1, -1), BODY),
            ]
        )
    )
    table.levelStyles = list(styles.toc_levels)
    table.dotsMinLevel = 0
    return DeferredContents(table)


def _fits_one_page(
    contents: DeferredContents, story: Sequence[Flowable], document: PackDocument
) -> bool:
    contents.plan(story)
    return contents.height_for(document.width) <= document.height - CONTENTS_RESERVE


def render(
    story: Sequence[Flowable], info: PackInfo, stream: BinaryIO, options: BuildOptions
) -> None:
    """Lay the story out and write the PDF to ``stream``, all at once at the end.

    A cancelled build raises ``Cancelled`` and writes nothing.
    """
    if options.progress is not None:
        options.progress(0.0, _("Laying out the pack"))
    buffer = io.BytesIO()
    document = PackDocument(buffer, info, options)
    document.story_length = max(1, len(story))
    deferred = [f for f in story if isinstance(f, DeferredContents)]
    if len(deferred) == 1 and _fits_one_page(deferred[0], story, document):
        document.deferred_contents = deferred[0]
        document.expected_passes = 1
        document.build(list(story), canvasmaker=_NumberedCanvas)
    else:
        # A contents longer than a page: reportlab lays the pack out until the numbers settle.
        document.multiBuild(
            [f.table if isinstance(f, DeferredContents) else f for f in story],
            canvasmaker=_NumberedCanvas,
        )
    stream.write(buffer.getvalue())
    if options.progress is not None:
        options.progress(1.0, _("Pack ready"))
