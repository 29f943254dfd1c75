"""Printable A4 posters for invitations: village and group in Chinese, the QR code and the link.

Drawn with matplotlib's object API (no pyplot state, so safe in a web process) and segno's
QR matrix drawn as vector rectangles, so the PDF prints sharp at any size. Chinese needs a CJK
font: Noto Sans CJK SC from Debian's fonts-noto-cjk (scripts/system-deps); without one the
text would print as empty boxes, so rendering refuses instead.
"""

import io
import textwrap
from dataclasses import dataclass

import segno
from matplotlib import font_manager, rc_context
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from surveys import localized

CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC"]
A4_INCHES = (8.27, 11.69)


class PosterFontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class PosterText:
    title: str  # the survey's title
    place: str  # 五羊坪村 · 村民群众
    url: str
    organisation: str
    one_per_phone: bool


def cjk_family() -> str:
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    raise PosterFontMissing(
        "没有找到中文字体（如 Noto Sans CJK SC）。请运行 scripts/system-deps 安装 fonts-noto-cjk。"
    )


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
    family = cjk_family()
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

    lines = -(-len(text.title) // 22)  # as few lines as fit 22 characters, evenly filled
    for i, line in enumerate(textwrap.wrap(text.title, -(-len(text.title) // max(lines, 1)))[:3]):
        write(0.94 - i * 0.033, line, 19, "bold")
    write(0.80, text.place, 38, "bold", "#b3261e")
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


def poster_png(text: PosterText, *, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    _figure(text).savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def poster_pdf(text: PosterText) -> bytes:
    buffer = io.BytesIO()
    # Glyphs go in as vector Type 3 fonts (matplotlib's default): sharp in print, searchable,
    # and ten times faster than subsetting the CID font as Type 42, which poppler also warns about.
    with rc_context({"pdf.fonttype": 3}):
        _figure(text).savefig(buffer, format="pdf", facecolor="white", metadata={"Title": text.place})
    return buffer.getvalue()


def poster_text(invitation) -> PosterText:
    """The texts of an Invitation's poster (names in Chinese: posters hang in the village)."""
    place = localized.place(invitation, english=False)
    survey = invitation.survey
    return PosterText(
        title=survey.title,
        place=place,
        url=invitation.url,
        organisation=survey.organisation,
        one_per_phone=not survey.allow_shared_device,
    )


def poster_filename(invitation, extension: str) -> str:
    parts = [
        invitation.survey.slug,
        invitation.village.code if invitation.village_id else "",
        invitation.group.code,
    ]
    return "-".join(p for p in parts if p) + f"-{invitation.token}.{extension}"
