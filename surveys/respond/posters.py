"""Printable A4 posters for invitations: village and group in Chinese, the QR code and the link.

Drawn with matplotlib's object API (no pyplot state, so safe in a web process) and segno's
QR matrix drawn as vector rectangles, so the PDF prints sharp at any size. The fonts are the
charts' (stats.charts): Noto Sans CJK SC from Debian's fonts-noto-cjk, then Symbola
(fonts-symbola) for the symbols and emoji it lacks, both from scripts/system-deps; without the
CJK font the text would print as empty boxes, so rendering refuses instead. Names are drawn as
the charts draw them (`drawn_name`, applied once where the texts are gathered: `poster_text`,
and the paper sheet's layout): on one line, without characters that neither font has.
"""

import io
import itertools
import logging
from dataclasses import dataclass
from functools import lru_cache

import segno
from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path

from stats.charts import ChartFontMissing, chart_families, cjk_font, drawable
from stats.text import ELLIPSIS, fitting_start
from surveys import localized
from surveys.reports.linebreak import balanced, wrapped

A4_INCHES = (8.27, 11.69)
A4_MM = (210.0, 297.0)
PT = 25.4 / 72  # mm


class PosterFontMissing(RuntimeError):
    pass


class _SymbolaHasNoBold(logging.Filter):
    """Symbola, the fallback for the symbols Noto Sans CJK SC lacks, has no bold face: matplotlib
    warned "findfont: Failed to find font weight bold for Symbola, now using 400" for every size of
    bold text on a poster or paper sheet, on the staff's terminal and in the server's log. Its
    regular face is what it draws either way; the warning says nothing to act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("findfont: Failed to find font weight bold for Symbola")


logging.getLogger("matplotlib.font_manager").addFilter(_SymbolaHasNoBold())


@dataclass(frozen=True)
class PosterText:
    title: str  # the survey's title
    place: str  # 五羊坪村 · 村民群众
    url: str
    organisation: str
    one_per_phone: bool


def print_families() -> list[str]:
    """The font families posters and paper sheets are drawn in, in order (each glyph from the
    first that has it): the charts' own. PosterFontMissing, saying what to install, without the
    Chinese one."""
    try:
        cjk_font()
    except ChartFontMissing:
        raise PosterFontMissing(
            _("没有找到中文字体 Noto Sans CJK SC。请运行 scripts/system-deps 安装 fonts-noto-cjk。")
        ) from None
    return chart_families()


@lru_cache(maxsize=4096)
def printed_width(text: str, size: float, *, bold: bool = False) -> float:
    """The mm `text` takes at `size` pt in the print fonts (`print_families`), as matplotlib draws
    it (a little over, for the rounding of its layout)."""
    if not text:
        return 0.0
    font = FontProperties(family=print_families(), size=size, weight="bold" if bold else "normal")
    width, _height, _descent = text_to_path.get_text_width_height_descent(text, font, ismath=False)
    return width * PT * 1.02


def pdf_font_type(*texts: str) -> int:
    """matplotlib's `pdf.fonttype` for a PDF drawing these texts. Type 3 (vector glyphs: sharp in
    print, searchable, and ten times faster to write than subsetting the CID font as Type 42,
    which poppler also warns about), except where a text holds a character beyond U+FFFF (🌾):
    matplotlib names such a Type 3 glyph by the font's glyph name, which Symbola leaves empty for
    its emoji, so all of them would print as one and the same (🌾 as 🜁). Type 42 draws them right."""
    return 42 if any(ord(c) > 0xFFFF for text in texts for c in text) else 3


def drawn_name(name: str, code: str = "") -> str:
    """A name as it prints: `drawable`, or its code where nothing of it can be drawn (an emoji
    newer than the fonts, alone)."""
    return drawable(name) or code


def _qr_patches(url: str, *, left: float, bottom: float, width: float, height: float) -> PatchCollection:
    """The QR code as black rectangles, one per horizontal run of dark modules, in the given box."""
    qr = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=0)]
    module_w, module_h = width / len(rows), height / len(rows)
    rectangles = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            top = bottom + height - (r + 1) * module_h
            rectangles.append(Rectangle((left + start * module_w, top), (c - start) * module_w, module_h))
    return PatchCollection(rectangles, facecolor="black", edgecolor="none", linewidth=0, antialiased=False)


def _figure(text: PosterText) -> Figure:
    family = print_families()
    width, height = A4_INCHES
    figure = Figure(figsize=A4_INCHES)
    # One set of axes over the whole page, in page fractions (0..1 both ways).
    page = figure.add_axes((0, 0, 1, 1))
    page.set_axis_off()
    page.set_xlim(0, 1)
    page.set_ylim(0, 1)

    def write(y: float, s: str, size: float, weight: str = "normal", color: str = "#111") -> None:
        page.text(
            0.5, y, s, ha="center", va="center", fontsize=size, fontweight=weight, color=color, family=family
        )

    lines, size = title_lines(text.title, TITLE_ROOM, TITLE_SIZES)
    for i, line in enumerate(lines):
        write(0.94 - i * size * 1.46 * PT / A4_MM[1], line, size, "bold")
    lines, size = place_lines(text.place)
    step = size * 1.25 * PT / A4_MM[1]  # a line's height, in page fractions
    middle = 0.80 + 0.005 * (len(lines) - 1)  # more lines: a little up, into the title's space
    for i, line in enumerate(lines):
        write(middle + step * ((len(lines) - 1) / 2 - i), line, size, "bold", "#b3261e")
    write(0.73, "请用手机扫描二维码，填写满意度问卷", 22)
    qr_height = 0.40  # of the page height; the width in page fractions keeps it square on paper
    qr_width = qr_height * height / width
    page.add_collection(
        _qr_patches(text.url, left=(1 - qr_width) / 2, bottom=0.28, width=qr_width, height=qr_height)
    )
    write(0.235, "或在浏览器中打开：", 14, color="#444")
    write(0.20, text.url, 16, "bold")
    notes = "匿名填写 · 约需两分钟 · 每部手机限填一份" if text.one_per_phone else "匿名填写 · 约需两分钟"
    write(0.13, notes, 16, color="#444")
    write(0.06, text.organisation, 14, color="#444")
    return figure


TITLE_ROOM = 180.0  # mm across the page for the title, 15 mm from either edge
TITLE_SIZES = (19, 18, 17, 16, 15, 14)  # pt
TITLE_LINES = 3  # most lines a title takes, on a poster and at the top of a paper sheet
SPACED_CHUNKS = 12  # a title with more words than this is broken as Chinese breaks


def title_lines(title: str, room: float, sizes: tuple[float, ...]) -> tuple[list[str], float]:
    """A survey's title in bold on at most TITLE_LINES lines `room` mm wide, at the largest of
    `sizes` (pt) at which it fits. Where its spaces give lines that fit, and no more of them than
    breaking as Chinese breaks would, it breaks there, as evenly as they allow
    (桃江县大栗港镇人民政府 / 2020年度部门社会公众满意度问卷调查); else as Chinese breaks, the lines
    as even as the breaks allow. At the smallest size a title still too long has its last line
    cut short with "…". (Cut into lines of so many characters at its spaces, a title once printed
    2024 alone on a line, and one of more than three lines lost its end.)"""
    for size in sizes:

        def measure(unit: str, size: float = size) -> float:
            return printed_width(unit, size, bold=True)

        spaced = _spaced_lines(title, room, measure)
        lines = balanced(title, room, measure)
        if spaced is not None and len(spaced) <= len(lines):
            return spaced, float(size)
        if len(lines) <= TITLE_LINES:
            return lines, float(size)
    kept, start = lines[: TITLE_LINES - 1], 0
    for line in kept:  # where the last line starts in the title (a break at a space drops it)
        start = title.index(line, start) + len(line)
    last = fitting_start(title[start:].strip(), room, measure, end=ELLIPSIS)
    return [*kept, last + ELLIPSIS], float(sizes[-1])


def _spaced_lines(title: str, room: float, measure) -> list[str] | None:
    """The title's words (split at its spaces) on as few lines as fit `room` — at most
    TITLE_LINES, and at least two words — the widest line as narrow as can be; None if no way fits."""
    words = title.split(" ")
    if not 2 <= len(words) <= SPACED_CHUNKS:
        return None
    best: tuple[int, float, list[str]] | None = None
    for cuts in itertools.product((False, True), repeat=len(words) - 1):
        lines, line = [], words[0]
        for cut, word in zip(cuts, words[1:], strict=True):
            lines, line = (lines + [line], word) if cut else (lines, f"{line} {word}")
        lines.append(line)
        widest = max(measure(line) for line in lines)
        if len(lines) <= TITLE_LINES and widest <= room:
            if best is None or (len(lines), widest) < best[:2]:
                best = (len(lines), widest, lines)
    return best[2] if best else None


PLACE_ROOM = 180.0  # mm across the page for the place, 15 mm from either edge
PLACE_LINES = 3  # most lines the place takes, under the title and above the instruction


def place_lines(place: str) -> tuple[list[str], float]:
    """The poster's place (五羊坪村 · 村民群众) in large red type: on one line at 38 pt, or as large
    as it fits down to 30 pt; else the village and the group on a line each, down to 22 pt; else
    broken as Chinese breaks, at 22 pt, the third line cut short with "…". At 38 pt a line holds
    about 13 characters: 清水河社区居民委员会 · 社区居民 reached the page's edge, and a longer
    name ran off it."""

    def fits(line: str, size: float) -> bool:
        return printed_width(line, size, bold=True) <= PLACE_ROOM

    for size in range(38, 29, -2):
        if fits(place, size):
            return [place], float(size)
    parts = [part.strip() for part in place.split(" · ")]
    if len(parts) == 2:
        for size in range(38, 21, -2):
            if all(fits(part, size) for part in parts):
                return parts, float(size)
    size = 22.0
    lines = [
        line
        for part in parts
        for line in wrapped(part, PLACE_ROOM, lambda unit: printed_width(unit, size, bold=True))
    ]
    if len(lines) > PLACE_LINES:
        last = fitting_start(
            lines[PLACE_LINES - 1],
            PLACE_ROOM,
            lambda start: printed_width(start, size, bold=True),
            end=ELLIPSIS,
        )
        lines = [*lines[: PLACE_LINES - 1], last + ELLIPSIS]
    return lines, size


def poster_png(text: PosterText, *, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    _figure(text).savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def poster_pdf(text: PosterText) -> bytes:
    buffer = io.BytesIO()
    with rc_context({"pdf.fonttype": pdf_font_type(text.title, text.place, text.organisation)}):
        _figure(text).savefig(buffer, format="pdf", facecolor="white", metadata={"Title": text.place})
    return buffer.getvalue()


def posters_pdf(texts: list[PosterText]) -> bytes:
    """Every poster of `texts` (one survey's) in one A4 PDF, a page each in their order: the
    posters of all the links, printed at once."""
    buffer = io.BytesIO()
    title = _("%(survey)s：二维码海报") % {"survey": texts[0].title}
    fonttype = max(pdf_font_type(t.title, t.place, t.organisation) for t in texts)
    with rc_context({"pdf.fonttype": fonttype}), PdfPages(buffer, metadata={"Title": title}) as pdf:
        for text in texts:
            pdf.savefig(_figure(text), facecolor="white")
    return buffer.getvalue()


def poster_text(invitation) -> PosterText:
    """The texts of an Invitation's poster (names in Chinese: posters hang in the village)."""
    place = printed_place(invitation)
    survey = invitation.survey
    return PosterText(
        title=drawn_name(survey.title, survey.slug),
        place=place,
        url=invitation.url,
        organisation=drawn_name(survey.organisation),
        one_per_phone=not survey.allow_shared_device,
    )


def printed_place(invitation) -> str:
    """`localized.place` in Chinese (posters and sheets go to the village), its names as they print."""
    return " · ".join(
        drawn_name(localized.localized(part, english=False), part.code)
        for part in localized.place_parts(invitation)
    )


def poster_filename(invitation, extension: str) -> str:
    parts = [
        invitation.survey.slug,
        invitation.village.code if invitation.village_id else "",
        invitation.group.code,
    ]
    return "-".join(p for p in parts if p) + f"-{invitation.token}.{extension}"
