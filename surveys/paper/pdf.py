"""The printable paper questionnaire: one A4 sheet per number, in Chinese, large type, tick boxes.

Each sheet shows the survey, the village and group it is for, the age band boxes (for groups
sampled by village), every item with one box per option, lines for comments, and, top right,
its QR code and its number. The QR code carries the response id in upper case (a UUID in QR's
alphanumeric mode: a small version 2 code, easy for a phone camera); the entry page also accepts
a URL or any text containing the id. The small grey digits under the option headings are the
keys the typist presses on the entry page.

Drawn with matplotlib's object API in millimetres (no pyplot state, so safe in a web process);
the fonts and the names are the posters' (surveys.respond.posters: the charts' fonts, Noto Sans
CJK SC then Symbola, and names as they draw them, `drawn_name`). A
questionnaire too long for one page continues on a second, which repeats the number and QR code.
"""

import io
from dataclasses import dataclass

from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from stats.text import ELLIPSIS, fitting_start
from surveys.models import PaperSheet, Survey
from surveys.paper.keys import option_keys
from surveys.reports.linebreak import wrapped
from surveys.respond.posters import (
    PT,
    _qr_patches,
    drawn_name,
    pdf_font_type,
    print_families,
    printed_place,
    printed_width,
    title_lines,
)
from surveys.services.paper import sheet_sequence
from surveys.services.questionnaire import questionnaire_version_current

PAGE_W, PAGE_H = 210.0, 297.0  # mm
MM = 1 / 25.4  # inches
LEFT, RIGHT = 14.0, 196.0
TITLE_SIZES = (17, 16, 15, 14, 13)  # pt: the title at the top, beside the QR code
TEXT_RIGHT = 112.0  # the item column ends here; option columns fill the rest
ROW_MIN, ROW_MAX = 9.0, 12.5
BOX = 6.0
# Up to seven options share the 84 mm right of TEXT_RIGHT. More take COLUMN_LEAST each from the
# item column, which keeps ITEMS_LEAST: twelve (a 0–10 scale and 不了解) had 7 mm a column, their
# 6 mm boxes 1 mm apart, a tick in one touching the next, and "10分" ran over its neighbour.
COLUMN_LEAST = 11.0  # mm: a box, and room either side of it for a tick
ITEMS_LEAST = 50.0  # mm


ITEM_SIZE, ITEM_SIZE_WRAPPED = 14.0, 12.5  # pt: an item on one line, on two
TWO_LINES = 1.7  # a wrapped item's height, in rows
GAP = 2.0  # mm between a text and the box after it


def _text_right(options: int) -> float:
    """Where the item column ends for a sheet of `options` option columns (mm from the left)."""
    return max(LEFT + ITEMS_LEAST, RIGHT - max(RIGHT - TEXT_RIGHT, options * COLUMN_LEAST))


def _column(text_right: float, options: int) -> float:
    """An option column's width (mm) right of `text_right`."""
    return (RIGHT - text_right) / max(options, 1)


def _option_box(column: float) -> float:
    """An option's box in a column `column` mm wide: BOX, smaller where the column is narrow, so
    that 4 mm stay between two boxes."""
    return max(4.0, min(BOX, column - 4.0))


def _width(text: str, size: float) -> float:
    """The mm `text` takes at `size` pt in the sheet's fonts (`printed_width`). Counting
    characters (Latin half, the rest whole) put curly quotes at half their width: Noto Sans CJK SC
    draws “ ” full width, and an item with four of them ran into its first box."""
    return printed_width(text, size)


def _item_lines(text: str, room: float) -> tuple[list[str], float]:
    """An item's text in the item column, `room` mm wide, and its size (pt): one line at ITEM_SIZE
    where it fits, else at ITEM_SIZE_WRAPPED on one line or two as even as they can be (broken as
    the report breaks Chinese: never before a closing mark, Latin words whole); a text longer than
    two lines is cut short with "…" (the page would print the rest nowhere)."""
    if _width(text, ITEM_SIZE) <= room:
        return [text], ITEM_SIZE

    def lines_within(width: float) -> list[str]:
        return wrapped(text, width, lambda unit: _width(unit, ITEM_SIZE_WRAPPED))

    lines = lines_within(room)
    if len(lines) == 2:  # the narrowest width that still takes two lines: no 况 alone on the second
        low, high = room / 2, room
        for _ in range(10):
            middle = (low + high) / 2
            low, high = (low, middle) if len(lines_within(middle)) <= 2 else (middle, high)
        lines = lines_within(high)
    if len(lines) <= 2:
        return lines, ITEM_SIZE_WRAPPED
    last = fitting_start(lines[1], room, lambda start: _width(start, ITEM_SIZE_WRAPPED), end=ELLIPSIS)
    return [lines[0], last + ELLIPSIS], ITEM_SIZE_WRAPPED


@dataclass(frozen=True)
class _Row:
    kind: str  # "dimension" | "item"
    text: str
    lines: tuple[str, ...] = ()  # an item's, as printed (`_item_lines`)
    size: float = ITEM_SIZE  # an item's, in pt

    @property
    def units(self) -> float:
        return TWO_LINES if len(self.lines) > 1 else 1.0


@dataclass(frozen=True)
class SheetLayout:
    """The parts of the questionnaire every sheet of a survey shares."""

    title: str
    organisation: str
    options: list[str]
    age_bands: list[str]
    rows: list[_Row]
    text_right: float = TEXT_RIGHT  # where the item column ends (`_text_right`)

    @property
    def column(self) -> float:
        """An option column's width, mm."""
        return _column(self.text_right, len(self.options))


def sheet_layout(survey: Survey) -> SheetLayout:
    definition = questionnaire_version_current(survey=survey).definition
    dimensions = {d["code"]: drawn_name(d["name"], d["code"]) for d in definition["dimensions"]}
    options = [drawn_name(o["label"], o["code"]) for o in definition["options"]]
    text_right = _text_right(len(options))
    column = _column(text_right, len(options))
    room = text_right + column / 2 - _option_box(column) / 2 - GAP - (LEFT + 2)  # up to the first box
    rows: list[_Row] = []
    current = None
    for n, item in enumerate(definition["items"], start=1):
        if item["dimension"] != current:
            current = item["dimension"]
            rows.append(_Row("dimension", dimensions.get(current, current)))
        text = f"{n}. {drawn_name(item['text'], item['code'])}"
        lines, size = _item_lines(text, room)
        rows.append(_Row("item", text, tuple(lines), size))
    return SheetLayout(
        title=drawn_name(survey.title, survey.slug),
        organisation=drawn_name(survey.organisation),
        options=options,
        age_bands=[drawn_name(a.label, a.code) for a in survey.ageband_set.order_by("order", "code")],
        rows=rows,
        text_right=text_right,
    )


def _wrap(text: str, width: float) -> list[str]:
    """Lines of at most `width` full-width characters (Latin letters and digits count half)."""
    lines, line, used = [], "", 0.0
    for char in text:
        w = 0.5 if ord(char) < 0x2E80 else 1.0
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += w
    return [*lines, line] if line else lines


class _Page:
    def __init__(self, family: list[str]):
        self.family = family
        self.figure = Figure(figsize=(PAGE_W * MM, PAGE_H * MM))
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.ax.set_axis_off()
        self.ax.set_xlim(0, PAGE_W)
        self.ax.set_ylim(0, PAGE_H)

    def text(self, x, y, s, size, *, weight="normal", ha="left", va="center", color="#000"):
        self.ax.text(x, y, s, fontsize=size, fontweight=weight, ha=ha, va=va, color=color, family=self.family)

    def box(self, cx, cy, size=BOX):
        self.ax.add_patch(
            Rectangle((cx - size / 2, cy - size / 2), size, size, fill=False, linewidth=1.3, edgecolor="#000")
        )

    def line(self, x0, x1, y, width=0.6, color="#000"):
        self.ax.plot([x0, x1], [y, y], color=color, linewidth=width, solid_capstyle="butt")

    def band(self, y_top, height, color="#ececec"):
        self.ax.add_patch(Rectangle((LEFT, y_top - height), RIGHT - LEFT, height, color=color, linewidth=0))


def _header(
    page: _Page, layout: SheetLayout, sheet: PaperSheet, place: str, page_no: int, pages: int
) -> float:
    """Title, place, QR code and number; returns the y below which the body may start."""
    qr_size = 30.0
    qr_left, qr_top = RIGHT - qr_size, PAGE_H - 10
    page.ax.add_collection(
        _qr_patches(
            str(sheet.response_id).upper(),
            left=qr_left,
            bottom=qr_top - qr_size,
            width=qr_size,
            height=qr_size,
        )
    )
    page.text(
        qr_left + qr_size / 2, qr_top - qr_size - 5, f"编号 {sheet.number}", 14, weight="bold", ha="center"
    )
    y = PAGE_H - 15
    lines, size = title_lines(layout.title, qr_left - 4 - LEFT, TITLE_SIZES)
    for line in lines:
        page.text(LEFT, y, line, size, weight="bold")
        y -= size * 8 / 17  # 8 mm at 17 pt
    if page_no > 1:
        page.text(LEFT, y, f"（续，第 {page_no} 页 共 {pages} 页）", 12)
        return PAGE_H - 58
    y -= 3
    page.text(LEFT, y, f"受访对象：{place}", 14)
    y -= 9
    page.text(LEFT, y, "请在每题您认为合适的选项下的方框内打“√”，每题只选一项。", 12)
    return min(y - 7, PAGE_H - 58)


AGE_START = LEFT + 28  # mm: the age bands' boxes start after 您的年龄：
AGE_ROW = 10.0  # mm between two rows of age bands


def _age_rows(labels: list[str]) -> tuple[int, float]:
    """How many age bands go on a row, and at what size (pt): all on one row at 14 pt where each
    box and label fits its share of the row, else at 12 pt, else on as few rows as they fit. Six
    bands on one row left each 27 mm, and "18–24岁" ran into the next band's box."""
    room = RIGHT - AGE_START
    for rows in range(1, len(labels) + 1):
        per_row = -(-len(labels) // rows)
        for size in (14.0, 12.0):
            if all(BOX + GAP + _width(label, size) + 2 * GAP <= room / per_row for label in labels):
                return per_row, size
    return 1, 12.0


def _age_bands_height(layout: SheetLayout) -> float:
    """The mm the age bands take above the table (their last row and the space below it)."""
    per_row, _size = _age_rows(layout.age_bands)
    return 12 + AGE_ROW * (-(-len(layout.age_bands) // per_row) - 1)


def _age_bands(page: _Page, layout: SheetLayout, y: float) -> float:
    page.text(LEFT, y, "您的年龄：", 14, weight="bold")
    per_row, size = _age_rows(layout.age_bands)
    slot = (RIGHT - AGE_START) / per_row
    for i, label in enumerate(layout.age_bands):
        x, row_y = AGE_START + (i % per_row) * slot, y - (i // per_row) * AGE_ROW
        page.box(x + BOX / 2, row_y)
        page.text(x + BOX + GAP, row_y, label, size)
    return y - _age_bands_height(layout)


HEADING_SIZE = 12.0  # pt, an option's heading on one line
WRAPPED_SIZE = 11.0  # pt at most, a heading made smaller or put on two lines
SHORT_LEAST = 8.0  # pt: a heading of three characters or fewer shrinks to this before it breaks


def _units(text: str) -> float:
    """Full-width characters' worth of `text`, as `_wrap` counts them."""
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def _option_heading(label: str, room: float) -> tuple[list[str], float]:
    """The lines and the size (pt) of an option's heading in a column `room` mm wide.

    Six options of four characters (很满意 … 不太满意, 不了解) leave each column 14 mm, less
    than 基本满意 takes at 12 pt: the headings ran into each other. One that does not fit goes
    a little smaller (很满意 at 11 pt), else on two lines, smaller still if a line is wider
    than the column. A heading of three characters or fewer shrinks to SHORT_LEAST before it
    breaks: twelve options (0–10分 and 不了解) printed 不了 over 解, two words that are not."""
    for size in (HEADING_SIZE, WRAPPED_SIZE):
        if _units(label) * size * PT <= room:
            return [label], size
    if _units(label) <= 3 and _units(label) * SHORT_LEAST * PT <= room:
        return [label], room / (_units(label) * PT)
    for word in ("不满意", "满意"):  # 非常/不满意, not 非常不/满意 (the half widths' split)
        if label.endswith(word) and len(label) > len(word):
            lines = [label[: -len(word)], word]
            size = min(WRAPPED_SIZE, room / (max(_units(line) for line in lines) * PT))
            if size >= SHORT_LEAST:
                return lines, size
    first, *rest = _wrap(label, -(-_units(label) // 2))
    lines = [first, "".join(rest)] if rest else [first]
    widest = max(_units(line) for line in lines)
    return lines, min(WRAPPED_SIZE, room / (widest * PT))


def _table_header(page: _Page, layout: SheetLayout, y: float) -> float:
    column = layout.column
    headings = [_option_heading(label, column - 1.5) for label in layout.options]
    wrapped = any(len(lines) > 1 for lines, _size in headings)
    keys = option_keys(len(layout.options))  # what the entry page takes for each (paper/keys.py)
    page.text(LEFT, y, "题　目", 13, weight="bold")
    for i, (lines, size) in enumerate(headings):
        cx = layout.text_right + column * (i + 0.5)
        if len(lines) == 1:
            page.text(cx, y + (0.2 if wrapped else 1.2), lines[0], size, weight="bold", ha="center")
        else:  # two lines between the instructions above and the key's digit below
            page.text(cx, y + 2.6, lines[0], size, weight="bold", ha="center")
            page.text(cx, y - 1.7, lines[1], size, weight="bold", ha="center")
        page.text(cx, y - (5.4 if wrapped else 4.2), keys[i], 7, ha="center", color="#888")
    page.line(LEFT, RIGHT, y - 7, width=1.2)
    return y - 7


def _table_rows(page: _Page, layout: SheetLayout, rows: list[_Row], top: float, unit: float) -> float:
    column = layout.column
    box = _option_box(column)
    y = top
    for row in rows:
        height = unit * row.units
        middle = y - height / 2
        if row.kind == "dimension":
            page.band(y, height)
            page.text(LEFT + 2, middle, row.text, 13, weight="bold")
        else:
            lines = row.lines
            for k, line in enumerate(lines):
                offset = (len(lines) - 1) * 2.9 - k * 5.8
                page.text(LEFT + 2, middle + offset, line, row.size)
            for i in range(len(layout.options)):
                page.box(layout.text_right + column * (i + 0.5), middle, box)
        y -= height
        page.line(LEFT, RIGHT, y, width=0.4, color="#999")
    return y


def _comments(page: _Page, y: float) -> None:
    page.text(LEFT, y, "您的意见和建议：", 14, weight="bold")
    for k in range(3):
        page.line(LEFT, RIGHT, y - 11 - k * 10, width=0.5)


def _footer(page: _Page, layout: SheetLayout, sheet: PaperSheet, page_no: int, pages: int) -> None:
    page.text(LEFT, 10, f"{layout.organisation} · 感谢您的支持！", 11, color="#333")
    page.text(RIGHT, 10, f"编号 {sheet.number} · 第 {page_no} 页 共 {pages} 页", 11, ha="right", color="#333")


COMMENTS_HEIGHT = 48.0
FOOTER_HEIGHT = 18.0


def _pages_for(layout: SheetLayout, first_top: float) -> list[list[_Row]]:
    """Rows per page at the smallest row height; the comments need room on the last page.

    The questionnaires here (a dozen items) fit on one page; a long one continues on more.
    """
    header = 7.0
    rows, pages, top = list(layout.rows), [], first_top
    while True:
        room = top - header - FOOTER_HEIGHT
        if sum(r.units for r in rows) * ROW_MIN <= room - COMMENTS_HEIGHT:
            return [*pages, rows]
        used, split = 0.0, 0
        while split < len(rows) and (used + rows[split].units) * ROW_MIN <= room:
            used += rows[split].units
            split += 1
        if split == len(rows):  # the rows fit but the comments do not: carry the last two over
            split -= min(2, split)
        while split > 1 and rows[split - 1].kind == "dimension":  # a dimension's heading goes
            split -= 1  # over with its items, not left alone at the foot of a page
        split = max(split, 1)
        pages.append(rows[:split])
        rows, top = rows[split:], PAGE_H - 58


def sheet_pages(layout: SheetLayout, sheet: PaperSheet, place: str, family: list[str]) -> list[_Page]:
    """One sheet's pages, drawn."""
    pages = []
    by_village = sheet.invitation.group.by_village
    first_top_guess = PAGE_H - 58 - (_age_bands_height(layout) if by_village and layout.age_bands else 0)
    chunks = _pages_for(layout, first_top_guess)
    for page_no, rows in enumerate(chunks, start=1):
        page = _Page(family)
        y = _header(page, layout, sheet, place, page_no, len(chunks))
        if page_no == 1 and by_village and layout.age_bands:
            y = _age_bands(page, layout, y)
        y = _table_header(page, layout, y)
        last = page_no == len(chunks)
        room = y - FOOTER_HEIGHT - (COMMENTS_HEIGHT if last else 0)
        unit = max(ROW_MIN, min(ROW_MAX, room / max(sum(r.units for r in rows), 1)))
        y = _table_rows(page, layout, rows, y, unit)
        if last:
            _comments(page, y - 10)
        _footer(page, layout, sheet, page_no, len(chunks))
        pages.append(page)
    return pages


def paper_form_pdf(sheets: list[PaperSheet]) -> bytes:
    """One PDF with every sheet in number order (all of one survey)."""
    if not sheets:
        raise ValueError("no sheets to print")
    sheets = sorted(sheets, key=lambda s: sheet_sequence(s.number))
    survey = sheets[0].survey
    family = print_families()
    layout = sheet_layout(survey)
    buffer = io.BytesIO()
    places = [printed_place(sheet.invitation) for sheet in sheets]  # Chinese: the sheets go to the village
    texts = [
        layout.title,
        layout.organisation,
        *layout.options,
        *layout.age_bands,
        *(r.text for r in layout.rows),
    ]
    # The glyphs' font type as for the posters (Type 3 unless a character beyond U+FFFF needs 42).
    with (
        rc_context({"pdf.fonttype": pdf_font_type(*texts, *places)}),
        PdfPages(buffer, metadata={"Title": survey.title}) as pdf,
    ):
        for sheet, place in zip(sheets, places, strict=True):
            for page in sheet_pages(layout, sheet, place, family):
                pdf.savefig(page.figure, facecolor="white")
    return buffer.getvalue()
