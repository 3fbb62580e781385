"""The document every pack is poured into: A4 pages with header and footer, « page n sur N »,
bookmarks that follow the table of contents, the draft watermark, metadata, progress and
cancellation.

Identical data gives identical bytes: reportlab's ``invariant`` mode fixes the dates and the
document id, and bookmark keys are numbered in reading order.
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
from sitiv_desktop.reports.flowables import SectionHeading, reset_heading_keys
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

Progress = Callable[[float, str], None]
CancelFlag = Callable[[], bool]

COVER = "cover"
BODY_TEMPLATE = "body"
# multiBuild lays the story out about this many times (contents, then page numbers settle).
EXPECTED_PASSES = 3


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
    progress: Progress | None = None
    cancelled: CancelFlag | None = None


class _NumberedCanvas(Canvas):
    """Keeps each page until the end, then writes « page n sur N » on every one of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
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
            title=info.title,
            author=info.author,
            subject=info.subject,
            creator=f"{APP_NAME} {__version__}",
            producer=f"{APP_NAME} {__version__}",
            invariant=1,
            lang="fr-FR",
            initialFontName=BODY,
            displayDocTitle=1,
        )
        self.info = info
        self.options = options
        self.story_length = 1
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
        fraction = min(0.97, (self._passes - 1 + within) / EXPECTED_PASSES)
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
            self.notify("TOCEntry", (heading.level, heading.title, self.page, heading.key))

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


def contents(styles: Styles) -> TableOfContents:
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
    return table


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
    document.multiBuild(list(story), canvasmaker=_NumberedCanvas)
    stream.write(buffer.getvalue())
    if options.progress is not None:
        options.progress(1.0, _("Pack ready"))
