"""The PDF download: an A4 report laid out like the 统计结果 appendix of a 绩效评价报告.

Chinese, or English when the report's language is English (every text goes through gettext;
names come from the report data in its language).

fpdf2 writes it: it embeds Noto Sans CJK (a CFF-outlined OpenType font, which reportlab cannot
embed) as a subset, so the text stays selectable and searchable. Charts come from
`stats.charts` as PNG at 200 dpi. Every page's footer states survey, scheme, time and data hash.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.util import Padding

from stats import charts
from stats.explain import alpha_caution, sentence, warning_shown
from stats.text import ELLIPSIS, fitting_start, interval, rounded
from surveys.reports import tables
from surveys.reports.data import ReportData, flagged_sentence, report_language
from surveys.reports.fonts import report_faces, symbol_face
from surveys.reports.linebreak import fits, wrapped
from surveys.reports.paragraph import not_scored, report_paragraph
from surveys.reports.tables import method_name, uncertainty_note

FONT = "NotoSansSC"
SYMBOL_FONT = "Symbola"
INK = (34, 34, 34)
MUTED = (102, 102, 102)
RULE = (160, 160, 160)
SHADE = (232, 236, 241)
CHART_DPI = 150
PAGE_HEADER = 6  # mm the running header takes below the top margin from page 2 on
NUMERALS = "一二三四五六七八九十"


def _report_title(data: ReportData) -> str:
    return _("%(title)s · 满意度调查统计结果") % {"title": data.title}


def _joined(parts) -> str:
    """Parts of a sentence, joined the way the active language lists them."""
    return _("；").join(parts)


def _f(value, digits: int = 2) -> str:
    return "—" if value is None else rounded(value, digits)


def _sentences(*sentences: str) -> str:
    """Sentences translated apart, run together as the report's language writes them: Chinese
    with nothing between (。 ends each), English with a space."""
    return (" " if report_language() == "en" else "").join(s for s in sentences if s)


def _ci(cell: dict, digits: int = 2) -> str:
    return interval(cell.get("ci95"), digits)


STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


class _Widths(dict):
    """Text widths by font and size. Shared, not copied, by the trial copies of the document that
    `kept_together` makes (fpdf2 deep-copies the whole document for each)."""

    def __deepcopy__(self, memo):
        return self


class _Shared:
    """A value that nothing changes while the document is drawn, shared by the trial copies of
    the document (`kept_together`) rather than deep-copied twice for each block kept on one page:
    a report's data holds every included response (at 50,000 responses those copies took 7 s of
    the PDF's 9.5 s, and grew with the survey)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __deepcopy__(self, memo):
        return self


class Document(FPDF):
    """An A4 page in the report's style: its fonts (the subset that `text` needs), line breaking,
    sections, tables and charts, a running header from page 2 on and a footer (`footer_line`)."""

    def __init__(self, *, language: str, text: str, title: str, subject: str, author: str, created):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.language = language
        self.title_text = title
        self.section_number = 0
        self._widths = _Widths()
        self._normalized: str | None = None  # the text `multi_cell` last normalised
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        regular, bold = report_faces(text)
        self.add_font(FONT, fname=regular.path, collection_font_number=regular.index)
        self.add_font(FONT, style="B", fname=bold.path, collection_font_number=bold.index)
        symbols = symbol_face(text)
        if symbols is not None:  # the emoji of a name, in regular and bold text alike
            self.add_font(SYMBOL_FONT, fname=symbols.path)
            self.set_fallback_fonts([SYMBOL_FONT], exact_match=False)
        for font in self.fonts.values():
            # Recomputing every glyph's bounding box when the subset is saved costs seconds
            # and changes nothing a PDF viewer uses (the font's own bounding box stays).
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.recalcBBoxes = False
        self.set_font(FONT, size=10)
        self.set_text_color(*INK)
        self.set_title(title)
        self.set_subject(subject)
        self.set_creator(_("满意度"))
        self.set_author(author)
        self.set_creation_date(created)
        self.set_lang("en" if language == "en" else "zh-CN")

    def footer_line(self) -> str:
        """What the footer states left of the page number."""
        raise NotImplementedError

    def multi_cell(self, w, h=None, text="", *args, padding=0, markdown=False, **kwargs):
        """Every paragraph and table cell, its lines broken as Chinese and English break them
        (surveys/reports/linebreak.py) before fpdf2 lays them out: fpdf2 only breaks at spaces.
        The room is fpdf2's own: the width less the padding, or the cell margin where none."""
        if text and not markdown and kwargs.get("wrapmode", WrapMode.WORD) == WrapMode.WORD:
            pad = Padding.new(padding)
            room = (w or self.w - self.r_margin - self.x) - pad.left - pad.right
            room -= (0 if pad.left else self.c_margin) + (0 if pad.right else self.c_margin)
            text = self.normalize_text(text)
            chinese, room = self.language != "en", room - 0.01
            if not fits(text, room, self._measure, chinese=chinese):  # most cells fit as they are
                text = "\n".join(wrapped(text, room, self._measure, chinese=chinese))
            self._normalized = text  # fpdf2's multi_cell normalises what it is given again
        return super().multi_cell(w, h, text, *args, padding=padding, markdown=markdown, **kwargs)

    def _measure(self, text: str) -> float:
        """`get_string_width` of a normalised text (`multi_cell`'s), kept per font and size: a
        paragraph's characters repeat."""
        key = (self.font_family, self.font_style, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            if text.isspace():  # fpdf2 gives a string of spaces no width (0): measured between two letters
                width = self.get_string_width(f"x{text}x", normalized=True) - self.get_string_width(
                    "xx", normalized=True
                )
            else:
                width = self.get_string_width(text, normalized=True)
            self._widths[key] = width
        return width

    def normalize_text(self, text: str) -> str:
        # Every text is drawn through here: each line as the charts draw names (stats.charts.drawable),
        # so a tab, a zero-width space or an emoji no font has is not drawn as an empty box.
        # The report's font (Noto Sans CJK SC) draws curly quotes full width, as Chinese sets them:
        # English read “ Don't know ” with a gap either side; it gets straight ones.
        # `multi_cell` normalises a text to measure it and hands the result to fpdf2, which calls
        # this again: that very string is normalised already (normalising twice changes nothing).
        if text is self._normalized:
            return text
        if self.language == "en":
            text = text.translate(STRAIGHT_QUOTES)
        return super().normalize_text("\n".join(charts.drawable(line) for line in text.split("\n")))

    # Page furniture -------------------------------------------------------------------------
    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.header_line(), align="L")
        self.ln(6)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y() - 1, self.w - self.r_margin, self.get_y() - 1)
        self.set_text_color(*INK)
        self.set_font(FONT, size=10)

    def header_line(self) -> str:
        """The running header: the report's title, shortened with "…" to the width of the page
        (a long survey title ran off its right edge)."""
        self.set_font(FONT, size=8)
        text = self.title_text
        if self.get_string_width(text) <= self.epw:
            return text
        return fitting_start(text, self.epw, self.get_string_width, end=ELLIPSIS).rstrip() + ELLIPSIS

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT, size=7)
        self.set_text_color(*MUTED)
        line = self.footer_line()
        page = _("第 %(page)s 页，共 %(pages)s 页") % {"page": self.page_no(), "pages": "{nb}"}
        # The stamp wraps before the page number: a long survey code ran it under "Page 1 of 9"
        # (the total is filled in later: measured as "99"; each cell keeps its inner margin, so
        # 2 mm here leave at least 2 mm between them).
        room = self.epw - self.get_string_width(page.replace("{nb}", "99")) - 2
        lines = self.multi_cell(room, 3.5, line, align="L", dry_run=True, output="LINES")
        self.set_y(-13 - 3.5 * (len(lines) - 1))
        top = self.get_y()
        self.multi_cell(room, 3.5, line, align="L")
        self.set_xy(self.l_margin, top)
        self.cell(0, 3.5, page, align="R")
        self.set_text_color(*INK)

    # Building blocks -------------------------------------------------------------------------
    def section(self, title: str) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(3)
        if self.language == "en":
            label = f"{self.section_number + 1}. {title}"
        else:
            label = f"{NUMERALS[self.section_number]}、{title}"
        self.section_number += 1
        self.set_font(FONT, "B", 13)
        self.cell(0, 8, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*INK)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.l_margin + 22, self.get_y())
        self.set_line_width(0.2)
        self.ln(2.5)
        self.set_font(FONT, size=10)

    def kept_together(self, draw: Callable[[], None]) -> None:
        """What `draw` draws, on this page if it fits there whole, else from the top of the next
        (tried first on a copy of the document: fpdf2's offset_rendering)."""
        with self.offset_rendering() as trial:
            draw()
        if trial.page_break_triggered:
            self.add_page()
        draw()

    def paragraph(self, text: str, *, size: float = 10, color=INK, height: float = 5.6) -> None:
        self.set_font(FONT, size=size)
        self.set_text_color(*color)
        self.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1)

    def alert(self, text: str) -> None:
        """A bold sentence on a pink band, said before any figure: the data are synthetic."""
        self.set_fill_color(253, 236, 236)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, 6, text, fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def table(
        self, headers: list[str], rows: list[list[str]], widths: list[float], *, align=None, size: float = 8.5
    ):
        widths = self._fitted(headers, rows, widths, size)
        self.set_font(FONT, size=size)
        self.set_draw_color(*RULE)
        # fpdf2 (2.8.9) fills the rows it carries onto the next page with the fill colour of the
        # moment: a village table continued on page 5 came out grey (the cover's box), a
        # comparison's items pink (its synthetic-data warning). White, as the first page's rows.
        self.set_fill_color(255, 255, 255)
        align = align or ["LEFT"] + ["RIGHT"] * (len(headers) - 1)
        with super().table(
            col_widths=widths,
            text_align=align,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=SHADE),
            line_height=size * 0.55,
            padding=(1.0, 1.2),
            width=self.epw,
            repeat_headings=1,
        ) as table:
            heading = table.row()
            for text in headers:
                heading.cell(text)
            for row in rows:
                cells = table.row()
                for text in row:
                    cells.cell(str(text))
        self.ln(2)
        self.set_font(FONT, size=10)

    def _fitted(
        self, headers: list[str], rows: list[list[str]], widths: list[float], size: float
    ) -> list[float]:
        """`widths` (mm, or proportions) made wide enough that no word is broken inside a column
        ("Satisfie/d", "基本满/意"): each column at least its longest unbreakable piece (a word, or
        a Chinese label of up to six characters) in the bold heading font; what that adds is taken
        from the columns with room to spare, in proportion."""
        scale = self.epw / sum(widths)
        widths = [w * scale for w in widths]
        padding = 2 * 1.2 + 0.8
        need = []
        for column, heading in enumerate(headers):
            texts = [(heading, "B")] + [(str(row[column]), "") for row in rows]
            longest = 0.0
            for text, style in texts:
                self.set_font(FONT, style, size=size)
                for piece in text.split():
                    if len(piece) > 6 and not piece.isascii():
                        piece = piece[:2]  # Chinese wraps between any two characters
                    longest = max(longest, self.get_string_width(piece))
            need.append(longest + padding)
        fitted = [max(w, n) for w, n in zip(widths, need, strict=True)]
        excess = sum(fitted) - self.epw
        room = [max(0.0, f - n) for f, n in zip(fitted, need, strict=True)]
        if excess > 0 and sum(room) > 0:
            share = min(1.0, excess / sum(room))
            fitted = [f - r * share for f, r in zip(fitted, room, strict=True)]
        return fitted

    def chart(self, figure, *, width: float | None = None) -> None:
        image = charts.rasterise(figure, dpi=CHART_DPI)
        width = width or self.epw
        inches = figure.get_size_inches()
        height = width * inches[1] / inches[0]
        # A chart taller than a page (the ranking of many villages) is shrunk onto one: else the
        # new page would not hold it either, and fpdf2 would turn again, leaving that page blank.
        room = self.h - self.b_margin - (self.t_margin + PAGE_HEADER) - 2  # 2: the space after it
        if height > room:
            width, height = width * room / height, room
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        self.image(image, x=self.l_margin + (self.epw - width) / 2, w=width, h=height)
        self.ln(2)


class _Report(Document):
    """The report of one survey (`ReportData`): every page's footer states survey, scheme, time
    and data hash."""

    def __init__(self, data: ReportData):
        self._data = _Shared(data)
        super().__init__(
            language=data.language,
            text=_all_text(data),
            title=_report_title(data),
            subject=data.stamp,
            author=data.organisation,
            created=data.generated_at,
        )

    @property
    def data(self) -> ReportData:
        return self._data.value

    def footer_line(self) -> str:
        data = self.data
        when = timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")
        state = _("已发布") if data.published else _("未发布，数字可能变化")
        return _("%(slug)s · 计分方案 %(scheme)s · 数据摘要 %(hash)s… · %(when)s · %(state)s") % {
            "slug": data.survey.slug,
            "scheme": data.scheme_digest,
            "hash": data.data_hash[:12],  # as the scheme's: the whole one is on the cover
            "when": when,
            "state": state,
        }


def _all_text(data: ReportData) -> str:
    """Every piece of text the report may draw that does not come from this module."""
    reasons = "".join(reason for reason, _count in data.sample.excluded_reasons)
    return data.title + data.organisation + reasons + json.dumps(data.document, ensure_ascii=False)


def _cover(pdf: _Report) -> None:
    data, survey, composite = pdf.data, pdf.data.survey, pdf.data.document["composite"]
    pdf.add_page()
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, _("附件"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(4)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, data.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=13)
    pdf.cell(0, 9, _("社会公众满意度调查统计结果"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    published = (
        _("已发布（%(when)s），数字已冻结")
        % {"when": f"{timezone.localtime(survey.published_at):%Y-%m-%d %H:%M}"}
        if data.published and survey.published_at
        else _("%(status)s，尚未发布：数字会随答卷变化") % {"status": survey.get_status_display()}
    )
    rows = [
        [_("被评价单位"), data.organisation],
        [_("评价年度"), _("%(year)s 年度") % {"year": survey.year}],
        [_("调查代码"), survey.slug],
        [_("状态"), published],
        [_("计分方案摘要"), data.scheme_digest],
        [_("数据摘要 SHA-256"), data.data_hash],
        [_("生成时间"), timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M:%S")],
    ]
    pdf.table([_("项目"), _("内容")], rows, [28, 142], align=["LEFT", "LEFT"], size=8.5)
    if data.sample.synthetic:
        pdf.alert(
            ngettext(
                "注意：本报告所用 %(n)s 份答卷为合成演示数据，并非真实调查结果，不能用于绩效评价。",
                "注意：本报告所用 %(n)s 份答卷为合成演示数据，并非真实调查结果，不能用于绩效评价。",
                data.sample.synthetic,
            )
            % {"n": data.sample.synthetic}
        )
    warnings = len(data.document.get("warnings") or [])
    if warnings:
        # The caveats are at the end of the report (方法说明): a reader copying the composite from
        # the cover is told there are some.
        pdf.set_font(FONT, "B", 9.5)
        pdf.multi_cell(
            0,
            5.5,
            ngettext(
                "本报告有 %(n)s 条计算提示（如样本过少的分组），见“方法说明”一节末尾。",
                "本报告有 %(n)s 条计算提示（如样本过少的分组），见“方法说明”一节末尾。",
                warnings,
            )
            % {"n": warnings},
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    # The headline figure in a box.
    pdf.ln(2)
    top = pdf.get_y()
    pdf.set_fill_color(*SHADE)
    pdf.rect(pdf.l_margin, top, pdf.epw, 30, style="F")
    pdf.set_xy(pdf.l_margin + 6, top + 3)
    pdf.set_font(FONT, size=11)
    pdf.cell(60, 7, _("综合满意度"))
    pdf.set_xy(pdf.l_margin + 6, top + 11)
    pdf.set_font(FONT, "B", 26)
    pdf.cell(60, 14, _f(composite["score"]))
    pdf.set_xy(pdf.l_margin + 70, top + 5)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(
        pdf.epw - 76,
        6,
        ngettext(
            "95%% 置信区间 %(ci)s\n标准误 %(se)s，设计效应 %(deff)s，自由度 %(df)s\n有效答卷 %(valid)s 份（满分 100 分）",
            "95%% 置信区间 %(ci)s\n标准误 %(se)s，设计效应 %(deff)s，自由度 %(df)s\n有效答卷 %(valid)s 份（满分 100 分）",
            data.sample.valid,
        )
        % {
            "ci": _ci(composite),
            "se": _f(composite.get("se")),
            "deff": _f(composite.get("deff")),
            "df": "—" if composite.get("score") is None or composite.get("df") is None else composite["df"],
            "valid": data.sample.valid,
        },
        align="L",
    )
    pdf.set_y(top + 34)

    def paragraph() -> None:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, _("写入评价报告的一段话"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.paragraph(report_paragraph(data.document, data.sample), size=9.5, height=5.4)

    # The paragraph for the 绩效评价报告, as the evaluation page writes it: who was asked, how
    # many answered, how the answers were scored, the composite and its interval.
    pdf.kept_together(paragraph)


def _sample(pdf: _Report) -> None:
    sample, doc = pdf.data.sample, pdf.data.document
    pdf.section(_("样本情况"))
    rows = [
        [_("计划样本量（各配额合计；细分配额与其所属配额不重复计）"), str(sample.planned)],
        [_("发出的邀请链接"), str(sample.invitations)],
        [_("回收答卷"), str(sample.returned)],
        [_("有效答卷（未剔除）"), str(sample.valid)],
        [_("计入得分的答卷（至少一题有计分答案）"), str(doc["composite"].get("n") or 0)],
        [_("剔除答卷"), str(sample.excluded)],
    ]
    pdf.table([_("项目"), _("答卷数")], rows, [120, 50])
    if sample.excluded_reasons:
        reasons = _joined(
            _("%(reason)s（%(n)s 份）") % {"reason": reason, "n": count}
            for reason, count in sample.excluded_reasons
        )
        pdf.paragraph(
            _("剔除原因：%(reasons)s。剔除的答卷保留在系统中，剔除人、时间与原因记入审计日志。")
            % {"reasons": reasons},
            size=9,
        )
    else:
        pdf.paragraph(_("没有剔除的答卷。"), size=9)
    pdf.paragraph(flagged_sentence(sample), size=9)
    group_rows = [[g["name"], str(g.get("responses", g.get("n")))] for g in doc["by_group"]]

    # The groups' table and the sources under it on one page: the note alone at the top of the
    # next page reads as if it belonged to whatever follows.
    def groups_and_sources() -> None:
        pdf.table([_("受访群体"), _("有效答卷")], group_rows, [120, 50])
        if sample.by_source:
            sources = _joined(
                _("%(source)s %(n)s 份") % {"source": label, "n": n} for label, n in sample.by_source
            )
            pdf.paragraph(_("答卷来源：%(sources)s。") % {"sources": sources}, size=9)

    pdf.kept_together(groups_and_sources)


def _method(pdf: _Report) -> None:
    data, doc = pdf.data, pdf.data.document
    scheme = doc["scheme"]
    pdf.section(_("计分方法"))
    pdf.paragraph(
        _(
            "每道题的得分为计分答案分值的平均数（%(left_out)s不计入）；维度得分为其各题得分的加权平均；"
            "综合满意度为各维度得分按维度权重的加权平均。所有得分为 0–100 分。"
        )
        % {"left_out": not_scored(data.options)}
    )
    option_rows = [
        [o["name"], _("不计分") if o["points"] is None else f"{o['points']:g}"] for o in data.options
    ]
    pdf.table([_("答案选项"), _("分值")], option_rows, [120, 50])
    # The scheme's weights (the table of scores below gives those used: a dimension without a
    # score weighs 0 there, and the others more).
    weights = [
        [d["name"], f"{scheme['dimension_weights'].get(d['code'], d['weight']):g}"] for d in doc["dimensions"]
    ]
    pdf.table([_("维度"), _("权重")], weights, [120, 50])
    if scheme.get("item_weights"):
        weights = _joined(f"{data.names['item'].get(c, c)} {w:g}" for c, w in scheme["item_weights"].items())
        pdf.paragraph(_("题目权重：%(weights)s；其余题目权重为 1。") % {"weights": weights}, size=9)
    if scheme.get("group_weights"):
        weights = _joined(
            f"{data.names['group'].get(c, c)} {w:g}" for c, w in scheme["group_weights"].items()
        )
        pdf.paragraph(
            _("群体权重：先在各群体内计算题目得分，再按群体权重加权：%(weights)s。") % {"weights": weights},
            size=9,
        )
    pdf.paragraph(
        _("分组（村、群体、年龄段）样本少于 %(n)s 份时不公布该组得分，以免识别个人。")
        % {"n": scheme.get("min_cell", 5)},
        size=9,
    )


def _dimensions(pdf: _Report) -> None:
    doc = pdf.data.document
    pdf.section(_("综合满意度与各维度得分"))
    rows = [
        [
            _("综合满意度"),
            "1",
            str(doc["composite"]["n"]),
            _f(doc["composite"]["score"]),
            _f(doc["composite"].get("se")),
            _ci(doc["composite"]),
        ]
    ]
    rows += [
        [d["name"], f"{d['weight']:g}", str(d.get("n")), _f(d.get("score")), _f(d.get("se")), _ci(d)]
        for d in doc["dimensions"]
    ]
    pdf.table(
        ["", _("权重"), _("样本数"), _("得分"), _("标准误"), _("95% 置信区间")],
        rows,
        [52, 18, 20, 22, 22, 36],
    )
    pdf.chart(charts.dimension_bars(doc), width=150)


def _items(pdf: _Report) -> None:
    data, doc = pdf.data, pdf.data.document
    dims = {d["code"]: d["name"] for d in doc["dimensions"]}
    pdf.section(_("各题得分与答案分布"))
    headers = (
        [_("题目"), _("维度"), _("得分"), _("95% 置信区间")] + [o["name"] for o in data.options] + [_("未答")]
    )
    rows = [
        [i["name"], dims.get(i["dimension"], i["dimension"]), _f(i.get("score")), _ci(i)]
        + [str(i["distribution"].get(o["code"], 0)) for o in data.options]
        + [str(i.get("blank", 0))]
        for i in doc["items"]
    ]
    rest = 170 - 34 - 28 - 14 - 28
    each = rest / (len(data.options) + 1)
    widths = [34, 28, 14, 28] + [each] * (len(data.options) + 1)
    pdf.table(headers, rows, widths, align=["LEFT", "LEFT"] + ["RIGHT"] * (len(widths) - 2), size=8)
    pdf.paragraph(
        _("各选项下为选择该项的人数；得分不计%(left_out)s。") % {"left_out": not_scored(data.options)},
        size=8,
        color=MUTED,
    )
    pdf.chart(charts.item_distribution(doc), width=160)


def _breakdown_rows(cells: list[dict], *, ranked: bool = False) -> list[list[str]]:
    rows = []
    for position, cell in enumerate(cells, start=1):
        if cell.get("suppressed"):
            row = [cell["name"], str(cell.get("n")), _("样本不足"), "—", "—"]
        else:
            row = [cell["name"], str(cell.get("n")), _f(cell.get("score")), _f(cell.get("se")), _ci(cell)]
        rows.append(([str(position) if not cell.get("suppressed") else "—"] if ranked else []) + row)
    return rows


def _villages(pdf: _Report) -> None:
    doc = pdf.data.document
    if not pdf.data.village_groups:  # no group sampled by village: no village to score
        return
    pdf.section(_("各村（社区）得分"))
    cells = sorted(
        doc["by_village"],
        key=lambda c: (c.get("suppressed") or c.get("score") is None, -(c.get("score") or 0), c["code"]),
    )
    pdf.table(
        [_("排名"), _("村（社区）"), _("样本数"), _("得分"), _("标准误"), _("95% 置信区间")],
        _breakdown_rows(cells, ranked=True),
        [14, 56, 20, 22, 22, 36],
        align=["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],  # names read from the left
    )
    pdf.paragraph(
        _("各村得分只计该村按村抽样的群体（%(groups)s）的答卷，置信区间把村内受访者视为简单随机样本。")
        % {"groups": _("、").join(pdf.data.village_groups)},
        size=8,
        color=MUTED,
    )
    pdf.chart(charts.village_ranking(doc), width=160)
    pdf.chart(charts.village_dimension_heatmap(doc), width=160)


def _groups(pdf: _Report) -> None:
    doc = pdf.data.document
    pdf.section(_("按受访群体与年龄段") if doc["by_age_band"] else _("按受访群体"))
    pdf.table(
        [_("受访群体"), _("样本数"), _("得分"), _("标准误"), _("95% 置信区间")],
        _breakdown_rows(doc["by_group"]),
        [60, 24, 26, 24, 36],
    )
    # The age bands add up to fewer responses than the composite counts where a group is not
    # sampled by age (staff, deputies): say so, as the village table's note does for villages,
    # on the table's page (alone at the top of the next it reads as if about what follows).
    unbanded = (doc["composite"].get("n") or 0) - sum(c.get("n") or 0 for c in doc["by_age_band"])

    def age_bands() -> None:
        pdf.table(
            [_("年龄段"), _("样本数"), _("得分"), _("标准误"), _("95% 置信区间")],
            _breakdown_rows(doc["by_age_band"]),
            [60, 24, 26, 24, 36],
        )
        if doc["by_age_band"] and unbanded > 0:
            pdf.paragraph(
                ngettext(
                    "年龄段只计填了年龄段的答卷；其余 %(n)s 份答卷没有年龄段（例如不按年龄段抽样的群体），不在此表中。",
                    "年龄段只计填了年龄段的答卷；其余 %(n)s 份答卷没有年龄段（例如不按年龄段抽样的群体），不在此表中。",
                    unbanded,
                )
                % {"n": unbanded},
                size=8,
                color=MUTED,
            )

    if doc["by_age_band"]:  # else a table of headings alone (no age band asked, or none answered)
        pdf.kept_together(age_bands)
    pdf.chart(charts.group_comparison(doc), width=165)


def _reliability(pdf: _Report) -> None:
    data, doc = pdf.data, pdf.data.document
    reliability = doc["reliability"]
    pdf.section(_("信度分析"))
    alpha = reliability.get("cronbach_alpha")
    if alpha is None:  # the derivation's sentence says why, and a table of dashes adds nothing
        pdf.paragraph(sentence(doc, "reliability") or "—")
        return
    low, high = reliability.get("ci95") or (None, None)
    text = _(
        "克朗巴赫 α 系数为 %(alpha)s（%(k)s 道题，%(n)s 名全部题目都计分的受访者；95%% 置信区间 %(low)s 至 %(high)s，"
        "Feldt 法）。α 衡量各题是否测量同一倾向；满意度各题涉及不同工作，α 偏低并不说明数据有误。"
    ) % {
        "alpha": _f(alpha, 3),
        "k": reliability.get("k", len(doc["items"])),
        "n": reliability.get("n", "—"),
        "low": _f(low, 3),
        "high": _f(high, 3),
    }
    pdf.paragraph(text)
    caution = alpha_caution(reliability)
    if caution == "few":
        pdf.paragraph(_("区间下限低于 0：受访者太少，α 说明不了各题的回答是否一致。"))
    elif caution == "weak":
        pdf.paragraph(_("区间下限低于 0、上限低于 0.7：各题的回答几乎不一致（α 与 0 没有显著差别）。"))
    by_dimension = tables.reliability(data)
    if len(by_dimension.rows) > 2:  # the whole and two or more dimensions
        pdf.table(
            [_("量表"), _("题数"), _("受访者"), _("克朗巴赫 α"), _("95% 置信区间")],
            [
                [name, k, "—" if n is None else n, _f(a, 3), _ci({"ci95": interval}, 3)]
                for _code, name, k, n, a, *interval in by_dimension.rows
            ],
            [70, 20, 25, 25, 40],
        )
        cautions = tables.dimension_alpha_cautions(doc)
        if cautions:
            pdf.paragraph(cautions, size=8)
        if any(k is not None and k < 2 for _code, _name, k, *_rest in by_dimension.rows):
            pdf.paragraph(_("只有 1 道题的维度没有 α（α 比较各题的回答）。"), size=8, color=MUTED)
    rows = [
        [
            data.names["item"].get(r["code"], r["code"]),
            _f(r.get("corrected_item_total"), 3),
            _f(r.get("alpha_if_deleted"), 3),
        ]
        for r in reliability.get("items") or []
    ]
    if rows:
        pdf.table([_("题目"), _("校正题总相关"), _("删除该题后 α")], rows, [90, 40, 40])


def _derivation(pdf: _Report) -> None:
    pdf.section(_("计算过程"))
    pdf.paragraph(_("以下逐项列出每个数字的来历，可用原始数据复核。"), size=9, color=MUTED)
    for entry in pdf.data.document.get("explain") or []:
        if entry["figure"].startswith("by_village_group:"):
            continue
        pdf.paragraph(entry["text"], size=8.5, height=4.8)


def _methods_note(pdf: _Report) -> None:
    data, doc = pdf.data, pdf.data.document
    pdf.section(_("方法说明"))
    strata = doc.get("design", {}).get("strata") or []
    design = _joined(_stratum(data, s) for s in strata)
    notes = [
        _sentences(
            _(
                "抽样设计：以受访群体为层；按村抽样的群体（%(groups)s）以村为初级抽样单元，其他群体以受访者为单元。"
            )
            % {"groups": _("、").join(data.village_groups)}
            if data.village_groups
            else _("抽样设计：以受访群体为层，每个受访者为一个抽样单元。"),
            _("本次：%(design)s。") % {"design": design} if design else "",
        ),
        _sentences(_se_method_note(doc["composite"].get("method")), uncertainty_note()),
        _("设计效应为按本设计计算的方差与同样本量简单随机抽样方差之比。"),
        _(
            "分组结果（村、群体、年龄段）只用该组答卷按同一规则计算；样本不足的组不公布得分，"
            "分组中计分人数不足的维度得分、群体权重下人数不足的群体题目均分同样不公布。"
        ),
        _(
            "数据摘要：对所有计入得分的答卷（按答卷导出 CSV 的格式、按 response_id 排序）计算 SHA-256，得 %(hash)s。"
            "用 manage.py export_responses %(slug)s --included-only 导出的文件（表头之后各行按 response_id 排序）"
            "可以复算，确认本报告所依据的数据未被改动。"
        )
        % {"hash": data.data_hash, "slug": data.survey.slug},
    ]
    for warning in doc.get("warnings") or []:
        notes.append(_("提示：%(warning)s") % {"warning": warning_shown(str(warning), report_language())})
    for note in notes:
        pdf.paragraph(note, size=9, height=5)


def _se_method_note(method: str | None) -> str:
    """How this report's standard errors were computed: the method its figures used, by name
    (the note said "Taylor linearisation (or the bootstrap, see the first page)", and the first
    page names no method)."""
    if method and method.startswith("bootstrap"):
        return _(
            "标准误按%(method)s计算：各层有放回地重抽初级抽样单元，同一受访者的各题答案一起抽取，"
            "因此考虑了同一受访者各题之间的相关。"
        ) % {"method": method_name(method)}
    return _(
        "标准误按泰勒线性化计算，综合满意度的标准误把各题的比率均值一并线性化，"
        "因此考虑了同一受访者各题之间的相关。"
    )


def _stratum(data: ReportData, stratum: dict) -> str:
    """One stratum of the design in words: its group, its PSUs, its population and sampling fraction."""
    group = data.names["group"].get(stratum["group"], stratum["group"])
    if stratum.get("psu_is") == "village":
        text = ngettext("%(group)s：%(n)s 个村", "%(group)s：%(n)s 个村", stratum["psu"]) % {
            "group": group,
            "n": stratum["psu"],
        }
    else:
        text = ngettext("%(group)s：%(n)s 个受访者", "%(group)s：%(n)s 个受访者", stratum["psu"]) % {
            "group": group,
            "n": stratum["psu"],
        }
    if stratum.get("population"):
        text += _("，总体 %(population)s 人，抽样比 %(fraction)s") % {
            "population": stratum["population"],
            "fraction": rounded(stratum["fraction"]),
        }
    return text


def _names_drawable(data: ReportData) -> ReportData:
    """The report's names as the PDF draws them: on one line, without what no font has (a name
    stored with a line break would break a table's row, one of nothing but emoji shows its code)."""
    return dataclasses.replace(
        data,
        document=charts.names_drawable(data.document),
        options=charts.names_drawable(data.options),
        names={
            kind: {code: charts.drawable(name) or code for code, name in names.items()}
            for kind, names in data.names.items()
        },
    )


def report_pdf(data: ReportData) -> bytes:
    pdf = _Report(_names_drawable(data))
    _cover(pdf)
    _sample(pdf)
    _method(pdf)
    _dimensions(pdf)
    _items(pdf)
    _villages(pdf)
    _groups(pdf)
    _reliability(pdf)
    _derivation(pdf)
    _methods_note(pdf)
    return bytes(pdf.output())
