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
