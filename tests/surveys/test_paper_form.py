"""The printed paper questionnaire: Chinese text, the sheet number, and a QR code that decodes to the response id.

The PDF is rendered to PNG with poppler's pdftoppm (Debian poppler-utils) and the QR code read
back with zxing-cpp, as a phone camera would; the text is read back with pdftotext.
"""

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from surveys.models import Invitation, PaperSheet
from surveys.paper.pdf import paper_form_pdf
from surveys.services.paper import paper_sheets_print
from tests.surveys.staff_factories import add_items

pytestmark = pytest.mark.django_db

zxingcpp = pytest.importorskip("zxingcpp")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is missing: run scripts/system-deps (poppler-utils)")
    return path


def pages_as_png(pdf: Path, tmp_path: Path, dpi: int = 150) -> list[Path]:
    subprocess.run([need("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def pdf_text(pdf: Path) -> str:
    """The PDF's text without white space (the layout spaces words out by their position)."""
    text = subprocess.run(
        [need("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return "".join(text.split())


def qr_codes(png: Path) -> list[str]:
    from PIL import Image

    return [
        r.text for r in zxingcpp.read_barcodes(Image.open(png)) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.fixture
def invitation(survey):
    return Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")


def test_the_command_numbers_sheets_and_writes_one_page_each(survey, invitation, tmp_path):
    out = tmp_path / "sheets.pdf"
    call_command("paper_forms", survey.slug, "--invitation", invitation.token, "--count", "3", "-o", str(out))
    sheets = list(PaperSheet.objects.order_by("number"))
    assert len(sheets) == 3
    pngs = pages_as_png(out, tmp_path, dpi=100)
    assert len(pngs) == 3


def test_a_printed_sheet_shows_the_questionnaire_in_chinese_and_its_number(survey, invitation, tmp_path):
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    out = tmp_path / "sheet.pdf"
    out.write_bytes(paper_form_pdf([sheet]))
    text = pdf_text(out)
    assert f"编号{sheet.number}" in text
    for expected in [
        "山村镇2024年度满意度调查",
        "东村",
        "村民群众",
        "您的年龄",
        "18–44岁",
        "收入",
        "道路",
        "饮水",
        "满意",
        "基本满意",
        "不满意",
        "不了解",
        "意见和建议",
    ]:
        assert expected in text, expected


def test_the_qr_code_of_each_printed_sheet_decodes_to_its_response_id(survey, invitation, tmp_path):
    sheets = paper_sheets_print(invitation=invitation, count=2)
    out = tmp_path / "sheets.pdf"
    out.write_bytes(paper_form_pdf(sheets))
    decoded = [qr_codes(png) for png in pages_as_png(out, tmp_path)]
    assert [[uuid.UUID(t) for t in codes] for codes in decoded] == [[s.response_id] for s in sheets]


def test_a_group_not_sampled_by_village_has_no_age_boxes(survey, tmp_path):
    staff = Invitation.objects.create(
        survey=survey, token="hill-staff", group=survey.group_set.get(code="staff")
    )
    out = tmp_path / "staff.pdf"
    out.write_bytes(paper_form_pdf(paper_sheets_print(invitation=staff, count=1)))
    text = pdf_text(out)
    assert "政府工作人员" in text
    assert "您的年龄" not in text


def test_a_long_questionnaire_continues_on_a_second_page_with_the_number_and_qr_code(
    survey, invitation, tmp_path
):
    add_items(survey, 22)
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    out = tmp_path / "long.pdf"
    out.write_bytes(paper_form_pdf([sheet]))
    pngs = pages_as_png(out, tmp_path, dpi=120)
    assert len(pngs) == 2
    assert [qr_codes(p) for p in pngs] == [[str(sheet.response_id).upper()]] * 2
    text = pdf_text(out)
    assert "附加题21" in text
    assert text.count(sheet.number) == 4  # under the QR code and in the footer, on both pages


def test_the_command_refuses_an_unknown_invitation(survey, tmp_path):
    with pytest.raises(CommandError, match="没有邀请码"):
        call_command(
            "paper_forms", survey.slug, "--invitation", "nope", "--count", "1", "-o", str(tmp_path / "x.pdf")
        )
    assert not PaperSheet.objects.exists()


def test_a_sheet_printed_from_an_english_page_stays_chinese(survey, invitation, tmp_path):
    """The sheet goes to the village: the names of its parts are Chinese whatever the language of
    the staff member's page (their str() follows the page)."""
    from django.utils import translation

    from surveys.models import Group, Survey, Village

    Village.objects.filter(survey=survey).update(name_en="East Village")
    Group.objects.filter(survey=survey).update(name_en="Villagers")
    Survey.objects.filter(pk=survey.pk).update(title_en="Hill Town 2024")
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    out = tmp_path / "sheet.pdf"
    with translation.override("en"):
        assert str(sheet.invitation) == "East Village · Villagers"
        out.write_bytes(paper_form_pdf([PaperSheet.objects.get(pk=sheet.pk)]))
    text = pdf_text(out)
    assert "东村·村民群众" in text and "山村镇2024年度满意度调查" in text
    assert "East" not in text and "Villagers" not in text


def test_the_headings_of_six_options_of_four_characters_do_not_run_into_each_other(survey):
    """A five-level scale and 不了解 (很满意 满意 基本满意 不太满意 不满意 不了解) printed
    基本满意不太满意不满意 as one run of text: at 12 pt each heading was wider than its column."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from surveys.models import Option
    from surveys.paper.pdf import _Page, _table_header, sheet_layout
    from surveys.respond.posters import print_families

    Option.objects.filter(survey=survey).delete()
    for order, label in enumerate(["很满意", "满意", "基本满意", "不太满意", "不满意", "不了解"], start=1):
        Option.objects.create(survey=survey, code=f"o{order}", label=label, points=None, order=order)
    layout = sheet_layout(survey)
    page = _Page(print_families())
    _table_header(page, layout, 200.0)
    renderer = FigureCanvasAgg(page.figure).get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in page.ax.texts]
    assert "".join(text for text, _box in boxes if not text.isdigit()).count("满意") == 5
    overlapping = [
        (a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)
    ]
    assert overlapping == []


AUDIT_ITEMS = {  # a survey of another shape than the demo's: six dimensions, 22 items, six options
    "产业发展与就业增收": [
        "农业生产收入（种养殖、经济作物）的增长情况",
        "外出务工与本地就业岗位",
        "农民专业合作社带动作用",
    ],
    "人居环境整治与生态保护成效": [
        "河道水质与河长制落实",
        "生活垃圾分类收集与转运",
        "农村改厕",
        "森林防火与植树造林",
    ],
    "基础设施": ["通村通组道路硬化与养护", "安全饮水", "电网改造与供电稳定", "宽带网络与移动信号覆盖"],
    "教育医疗养老等公共服务均等化水平": [
        "义务教育学校办学条件",
        "村卫生室与乡镇卫生院服务",
        "居家养老与特困供养",
    ],
    "平安建设": ["社会治安与扫黑除恶", "消防安全", "食品药品安全监管"],
    "政务服务与作风建设": [
        "“一窗受理”与“最多跑一次”办事效率",
        "信访问题处理",
        "政务、村务、财务公开",
        "干部廉洁自律与作风，以及村（社区）“两委”班子成员在群众身边的不正之风和腐败问题整治情况",
    ],
}


def _shaped_like_the_audit(survey):
    from surveys.models import AgeBand, Dimension, Item, Option

    Item.objects.filter(survey=survey).delete()
    Dimension.objects.filter(survey=survey).delete()
    for d, (name, texts) in enumerate(AUDIT_ITEMS.items(), start=1):
        dimension = Dimension.objects.create(survey=survey, code=f"d{d}", name=name, order=d)
        for i, text in enumerate(texts, start=1):
            Item.objects.create(survey=survey, dimension=dimension, code=f"d{d}i{i}", text=text, order=i)
    Option.objects.filter(survey=survey).delete()
    for order, label in enumerate(["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"], start=1):
        Option.objects.create(survey=survey, code=f"o{order}", label=label, points=None, order=order)
    AgeBand.objects.filter(survey=survey).delete()
    for order, label in enumerate(
        ["18–24岁", "25–34岁", "35–44岁", "45–54岁", "55–64岁", "65岁及以上"], start=1
    ):
        AgeBand.objects.create(survey=survey, code=f"a{order}", label=label, order=order)


def test_on_a_sheet_of_another_shape_no_text_runs_into_another_or_into_a_box(survey, invitation):
    """Six age bands on one row ran "18–24岁" into the next band's box; an item with four curly
    quotes (counted half width, drawn full) ran into its first box; the checks are on the drawn
    pages, text by text and box by box."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import Rectangle

    from surveys.paper.pdf import sheet_layout, sheet_pages
    from surveys.respond.posters import print_families

    _shaped_like_the_audit(survey)
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    pages = sheet_pages(sheet_layout(survey), sheet, "东村 · 村民群众", print_families())
    assert len(pages) == 2
    drawn = ""
    for page in pages:
        renderer = FigureCanvasAgg(page.figure).get_renderer()
        texts = [(t.get_text(), t.get_window_extent(renderer)) for t in page.ax.texts]
        boxes = [
            p.get_window_extent(renderer)
            for p in page.ax.patches
            if isinstance(p, Rectangle) and not p.get_fill()
        ]
        drawn += "".join(text for text, _box in texts)
        crossing = [
            (a, b)
            for i, (a, box_a) in enumerate(texts)
            for b, box_b in texts[i + 1 :]
            if box_a.overlaps(box_b)
        ]
        assert crossing == []
        assert [text for text, box in texts if any(box.overlaps(tick) for tick in boxes)] == []
    assert "65岁及以上" in drawn and "“一窗受理”与“最多跑一次”办事效率" in drawn
    assert "治情况" not in drawn and "…" in drawn  # three lines' worth cut short on the second


@pytest.mark.parametrize("count", [4, 7, 8, 12, 16])
def test_the_boxes_of_many_options_stand_apart_and_their_headings_clear_of_each_other(
    survey, invitation, count
):
    """A 0–10 scale and 不了解: twelve 6 mm boxes in 84 mm stood 1 mm apart (a tick in one
    touched the next) and "10分" ran over "9分". More options take room from the item column."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import Rectangle

    from surveys.models import Option
    from surveys.paper.pdf import sheet_layout, sheet_pages
    from surveys.respond.posters import print_families

    Option.objects.filter(survey=survey).delete()
    labels = [f"{k}分" for k in range(count - 2, -1, -1)] + ["不了解"]
    for order, label in enumerate(labels, start=1):
        Option.objects.create(survey=survey, code=f"o{order}", label=label, points=None, order=order)
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    layout = sheet_layout(survey)
    [page] = sheet_pages(layout, sheet, "东村 · 村民群众", print_families())
    renderer = FigureCanvasAgg(page.figure).get_renderer()
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in page.ax.texts]
    assert [(a, b) for i, (a, x) in enumerate(texts) for b, y in texts[i + 1 :] if x.overlaps(y)] == []
    boxes = [p for p in page.ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    first_row = min(box.get_y() for box in boxes[-count:])  # the last item's boxes, left to right
    row = sorted((box for box in boxes if box.get_y() == first_row), key=Rectangle.get_x)
    assert len(row) == count
    gaps = [b.get_x() - (a.get_x() + a.get_width()) for a, b in zip(row, row[1:], strict=False)]
    assert min(gaps) >= 4.0, gaps  # mm, the page's units
    assert min(box.get_width() for box in row) >= 4.0
    assert layout.text_right - 14.0 >= 50.0  # the items keep 50 mm
    # Under each heading the key the entry page takes for it: two digits each beyond nine.
    drawn = [text for text, _box in texts]
    keys = [str(n).zfill(2 if count > 9 else 1) for n in range(1, count + 1)]
    assert all(key in drawn for key in keys), drawn
    if count <= 12:  # 不了 over 解 read as two words; three characters shrink before they break
        assert "不了解" in drawn, drawn


def test_an_item_on_two_lines_is_broken_evenly_and_within_its_column():
    from surveys.paper.pdf import ITEM_SIZE_WRAPPED, _item_lines, _width

    lines, size = _item_lines("1. 农业生产收入（种养殖、经济作物）的增长情况", 90.0)
    assert size == ITEM_SIZE_WRAPPED and len(lines) == 2
    assert abs(len(lines[0]) - len(lines[1])) <= 3  # not 况 alone on the second line
    assert all(_width(line, size) <= 90.0 for line in lines)
    assert not lines[1].startswith(("，", "）", "、"))


def test_a_dimensions_heading_goes_over_to_the_next_page_with_its_items():
    """A long questionnaire broke its page after 平安建设's heading, leaving it alone at the foot of
    the first page and its items on the second."""
    from surveys.paper.pdf import SheetLayout, _pages_for, _Row

    for per_dimension in (2, 3, 4, 5):
        for dimensions in range(3, 12):
            rows = []
            for d in range(dimensions):
                rows.append(_Row("dimension", f"维度{d}"))
                rows += [_Row("item", f"{d}.{i}", (f"{d}.{i}",)) for i in range(per_dimension)]
            layout = SheetLayout(title="", organisation="", options=[], age_bands=[], rows=rows)
            for top in (200.0, 215.0, 227.0, 239.0):
                pages = _pages_for(layout, top)
                assert [row for page in pages for row in page] == rows
                assert all(page and page[-1].kind == "item" for page in pages), (
                    per_dimension,
                    dimensions,
                    top,
                )


def test_bold_text_does_not_warn_that_symbola_has_no_bold(caplog):
    """matplotlib warned "findfont: Failed to find font weight bold for Symbola" for every size of
    a sheet's bold text, on the terminal of the staff printing them."""
    import logging

    import surveys.respond.posters  # noqa: F401  (where the filter is installed)

    fonts = logging.getLogger("matplotlib.font_manager")
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        fonts.warning("findfont: Failed to find font weight %s for %s, now using %s.", "bold", "Symbola", 400)
        fonts.warning("findfont: Font family %s not found.", "Nonesuch")
    assert [r.getMessage() for r in caplog.records] == ["findfont: Font family Nonesuch not found."]


def test_a_heading_on_two_lines_breaks_before_its_satisfaction_word():
    """非常不满意 printed 非常不 over 满意, a break inside 不满意."""
    from surveys.paper.pdf import _option_heading

    assert _option_heading("非常不满意", 12.5)[0] == ["非常", "不满意"]
    assert _option_heading("非常满意", 12.5)[0] == ["非常", "满意"]
    assert _option_heading("很不满意", 9.5)[0] == ["很", "不满意"]
    assert _option_heading("不了解", 9.5)[0] == ["不了解"]
    assert _option_heading("一般", 9.5)[0] == ["一般"]


@pytest.mark.parametrize(
    "title",
    [
        "某县人力资源和社会保障局 2024 年度政务服务满意度调查",
        "关于某某县某某镇人民政府2020年度部门整体支出绩效评价工作中社会公众满意度情况的问卷调查"
        "（第二轮补充调查，含各村社区及企业代表）",
        "清水河街道" * 40,
    ],
)
def test_a_long_title_prints_whole_beside_the_qr_code_and_clear_of_the_lines_under_it(
    survey, invitation, title
):
    """Cut into lines of 24 characters at its spaces, a title printed 2024 alone on a line, and
    one of more than three lines lost its end."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from surveys.models import Survey
    from surveys.paper.pdf import TITLE_SIZES, sheet_layout, sheet_pages
    from surveys.respond.posters import print_families, title_lines

    Survey.objects.filter(pk=survey.pk).update(title=title)
    survey.refresh_from_db()
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    [page] = sheet_pages(sheet_layout(survey), sheet, "东村 · 村民群众", print_families())
    renderer = FigureCanvasAgg(page.figure).get_renderer()
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in page.ax.texts]
    qr = page.ax.collections[0].get_window_extent(renderer)
    overlapping = [
        (a, b) for i, (a, box_a) in enumerate(texts) for b, box_b in texts[i + 1 :] if box_a.overlaps(box_b)
    ]
    assert overlapping == []
    lines, _size = title_lines(title, 196.0 - 30 - 4 - 14, TITLE_SIZES)  # left of the QR code
    drawn = [(text, box) for text, box in texts if text in lines]
    assert [text for text, _box in drawn] == lines and all(box.x1 < qr.x0 for _text, box in drawn)
    printed = "".join(lines).replace(" ", "")
    assert printed == title.replace(" ", "") or (len(title) == 200 and printed.endswith("…"))
    assert "2024" not in lines
