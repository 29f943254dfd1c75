"""The evaluator's downloads carry the score document's numbers: XLSX, CSV, SPSS and PDF."""

import csv
import io
import itertools
import shutil
import subprocess

import pyreadstat
import pytest
from openpyxl import load_workbook

from stats.text import rounded
from surveys.models import Response, SurveyMembership
from surveys.reports import render_report
from surveys.reports.data import report_data
from surveys.reports.paragraph import report_paragraph
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(survey):
    answer(survey, 12)
    answer(survey, 6, village="", group="staff", age_band="")
    return report_data(survey)


def _sheet_rows(workbook, name):
    sheet = workbook[name]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    return rows[0], rows[1:]


def test_the_xlsx_has_every_sheet_and_the_score_documents_numbers(data):
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    assert workbook.sheetnames == [
        "汇总",
        "维度",
        "题目",
        "村",
        "群体",
        "年龄段",
        "信度",
        "原始数据",
        "计算方法",
        "复算",
    ]
    doc = data.document
    summary = {row[0]: row[1] for row in _sheet_rows(workbook, "汇总")[1]}
    assert summary["综合满意度"] == pytest.approx(doc["composite"]["score"])
    assert summary["数据摘要（SHA-256）"] == data.data_hash
    headers, rows = _sheet_rows(workbook, "维度")
    by_code = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    for dimension in doc["dimensions"]:
        assert by_code[dimension["code"]]["得分"] == pytest.approx(dimension["score"])
        assert by_code[dimension["code"]]["95%置信区间下限"] == pytest.approx(dimension["ci95"][0])
    headers, rows = _sheet_rows(workbook, "题目")
    items = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    for item in doc["items"]:
        assert items[item["code"]]["得分"] == pytest.approx(item["score"])
        assert items[item["code"]]["满意（人）"] == item["distribution"]["satisfied"]


def test_the_reliability_sheet_gives_alpha_of_all_items_and_of_each_dimension_with_intervals(data):
    """Chinese survey reports give 总量表及各维度的 Cronbach's α; the report gave the whole's only."""
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    headers, rows = _sheet_rows(workbook, "信度")
    assert headers == (
        "代码",
        "量表",
        "题数",
        "全部题目都计分的受访者",
        "克朗巴赫 α",
        "α 的 95%置信区间下限（Feldt 法）",
        "α 的 95%置信区间上限（Feldt 法）",
    )
    reliability = data.document["reliability"]
    expected = [(None, "全部题目", reliability)] + [
        (d["code"], d["name"], reliability["dimensions"][d["code"]]) for d in data.document["dimensions"]
    ]
    assert len(rows) == len(expected) == 1 + len(data.document["dimensions"])
    for row, (code, name, entry) in zip(rows, expected, strict=True):
        assert row[:4] == (code, name, entry["k"], entry["n"])
        if entry["cronbach_alpha"] is None:
            assert row[4:] == (None, None, None)
        else:
            assert row[4:] == pytest.approx((entry["cronbach_alpha"], *entry["ci95"]))


def test_xlsx_numbers_are_numbers_shown_with_two_decimals(data):
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    sheet = workbook["维度"]
    cell = sheet.cell(row=4, column=5)
    assert isinstance(cell.value, float)
    assert cell.number_format == "0.00"


def test_every_sheet_states_survey_scheme_and_data_hash(data):
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    for sheet in workbook.worksheets:
        stamp = sheet.cell(row=1, column=1).value
        assert "hill-2024" in stamp and data.data_hash in stamp and data.scheme_digest in stamp, sheet.title


def test_the_raw_data_sheet_is_anonymised(data, survey):
    from surveys.models import Response

    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    headers, rows = _sheet_rows(workbook, "原始数据")
    assert headers[0] == "序号" and len(rows) == 18
    text = repr(rows)
    for response in Response.objects.filter(survey=survey):
        assert str(response.pk) not in text


def test_excluded_responses_are_left_out_and_their_reason_is_reported(survey):
    from surveys.models import Response
    from surveys.services.review import response_exclude

    answer(survey, 8)
    staff = member("zhang", survey, SurveyMembership.Role.STAFF)
    response_exclude(
        response=Response.objects.filter(survey=survey).first(), user=staff, reason="同一人重复作答"
    )
    data = report_data(survey)
    assert (data.sample.returned, data.sample.valid, data.sample.excluded) == (8, 7, 1)
    assert data.sample.excluded_reasons == [("同一人重复作答", 1)]
    assert len(data.responses) == 7


def test_the_csv_is_one_table_a_script_can_filter(data):
    body = render_report(data, "csv")
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {"table", "code", "score", "ci95_low"} <= set(rows[0])
    composite = next(r for r in rows if r["table"] == "composite")
    assert float(composite["score"]) == pytest.approx(data.document["composite"]["score"])
    dims = {r["code"]: float(r["score"]) for r in rows if r["table"] == "dimension"}
    assert dims == pytest.approx({d["code"]: d["score"] for d in data.document["dimensions"]})
    meta = {r["code"]: r["value"] for r in rows if r["table"] == "meta"}
    assert meta["data_hash_sha256"] == data.data_hash and meta["survey"] == "hill-2024"
    distribution = {
        (r["parent"], r["code"]): int(r["n"]) for r in rows if r["table"] == "distribution" and r["code"]
    }
    assert distribution[("income", "satisfied")] == data.document["items"][0]["distribution"]["satisfied"]
    # The paragraph for the 绩效评价报告, as the page, the PDF and the XLSX write it.
    (paragraph,) = [r for r in rows if r["table"] == "paragraph"]
    assert (paragraph["code"], paragraph["name"]) == ("report_paragraph", "写入评价报告的一段话")
    assert paragraph["value"] == report_paragraph(data.document, data.sample)
    assert f"综合满意度为 {rounded(data.document['composite']['score'])} 分" in paragraph["value"]
    assert "共回收问卷 18 份，有效 18 份" in paragraph["value"]


def test_the_sav_has_value_labels_and_gives_the_same_item_scores(data, tmp_path):
    path = tmp_path / "report.sav"
    path.write_bytes(render_report(data, "sav"))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=False)
    assert len(frame) == 18
    assert meta.variable_value_labels["income"] == {
        1.0: "满意",
        2.0: "基本满意",
        3.0: "不满意",
        4.0: "不了解",
    }
    assert meta.column_names_to_labels["income"] == "收入"
    assert meta.variable_value_labels["village"][1.0] == "东村"
    for item in data.document["items"]:
        assert frame[f"{item['code']}_pts"].mean() == pytest.approx(item["score"])
        assert frame[item["code"]].count() == item["n"]  # 不了解 is user-missing, like the score
    assert data.data_hash[:16] in meta.file_label


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing: run scripts/system-deps")
def test_the_pdf_is_an_a4_report_in_chinese_that_renders_to_non_blank_pages(data, tmp_path):
    from PIL import Image, ImageStat

    body = render_report(data, "pdf")
    assert body.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 4
    assert "595.28 x 841.89" in info  # A4 in points
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "综合满意度" in text and f"{data.document['composite']['score']:.2f}" in text
    assert data.data_hash in text.replace("\n", "")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        stat = ImageStat.Stat(Image.open(image).convert("L"))
        assert stat.stddev[0] > 5, f"{image.name} is blank"


def test_a_block_kept_on_one_page_shares_the_reports_data_rather_than_copying_it(data):
    """fpdf2 tries a block kept on one page on a deep copy of the whole document, two copies per
    block; the report's data holds every included response: at 50,000 responses those copies
    took 7 s of the PDF's 9.5 s (BENCHMARKS.md, the evaluator downloads)."""
    from surveys.reports.pdf import _Report

    pdf = _Report(data)
    pdf.add_page()
    pdf.kept_together(lambda: pdf.paragraph(data.survey.title))
    assert pdf.data is data
    assert pdf.get_y() > pdf.t_margin  # the block was drawn, on the document itself


def test_the_pdf_embeds_the_chinese_font(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data, "pdf"))
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils missing")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKSC" in fonts and " yes yes yes " in fonts


def test_the_data_hash_is_the_sha256_of_the_sorted_export_lines(data, survey):
    import hashlib

    from surveys.exports import responses_csv_lines

    header, *lines = list(responses_csv_lines(survey))
    expected = hashlib.sha256((header + "".join(sorted(lines))).encode()).hexdigest()
    assert data.data_hash == expected


def test_with_excluded_responses_the_data_hash_is_recomputed_from_the_included_only_export(survey, tmp_path):
    """The report says how to check its digest: `export_responses SLUG --included-only`, the
    lines after the header sorted, SHA-256 — also once staff have excluded responses (the plain
    export holds them too, with nothing to tell them apart)."""
    import hashlib

    from django.core.management import call_command

    from surveys.models import Response

    answer(survey, 12)
    Response.objects.filter(pk__in=Response.objects.values("pk")[:3]).update(excluded=True)
    data = report_data(survey)
    out = tmp_path / "included.csv"
    call_command("export_responses", survey.slug, "--included-only", "-o", str(out))
    header, *lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 9
    assert hashlib.sha256((header + "".join(sorted(lines))).encode()).hexdigest() == data.data_hash
    call_command("export_responses", survey.slug, "-o", str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 12, (
        "the plain export keeps every response"
    )
    assert f"export_responses {survey.slug} --included-only" in _pdf_text(
        render_report(data, "pdf"), tmp_path
    )


def _pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_report_fonts_cached_cut_holds_the_common_characters_and_the_surveys_own(survey):
    """GB2312 (6,763 common characters, a quarter of GBK: the cut takes a quarter of the time)
    and any rarer character a survey's names use, as 洑 in 黄栗洑村."""
    from surveys.models import Village
    from surveys.reports import fonts

    Village.objects.filter(survey=survey, code="east").update(name="黄栗洑村", name_en="Huanglifu")
    codes = fonts._charset()
    assert {ord(c) for c in "满意度调查黄栗洑村Huanglifu（）、。"} <= codes
    assert len(codes) < 10_000


def test_the_pdf_tables_never_break_a_heading_inside_a_word(data, tmp_path):
    """Each column is at least as wide as its longest word: "基本满意", not "基本满" over "意"."""
    lines = _pdf_lines(render_report(data, "pdf"), tmp_path)
    assert "基本满意" in lines and "基本满" not in lines


def test_no_line_of_the_chinese_pdf_begins_with_a_closing_mark(data, tmp_path):
    """fpdf2 broke Chinese text at its last space or wherever the line was full: lines began with
    "；" or "。" (计分方法, 方法说明), and a line ended early at "用 t", half of it empty."""
    from surveys.reports.linebreak import CLOSING

    lines = [line for line in _pdf_lines(render_report(data, "pdf"), tmp_path) if line]
    assert [line for line in lines if line[0] in CLOSING] == []
    assert not any(line.endswith("置信区间用 t") for line in lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdfs_own_line_breaks_are_the_ones_fpdf2_draws(survey, lang):
    """The report measures each piece of a line once and adds the widths up (spaces included,
    which fpdf2 measures as 0 alone): were the sum short, fpdf2 would break the line again at its
    last space, leaving a short line and half of one."""
    from fpdf import FPDF

    from surveys.reports.linebreak import wrapped
    from surveys.reports.pdf import _Report

    answer(survey, 6)
    report = _Report(report_data(survey, language=lang))
    report.add_page()
    text = (
        "标准误按泰勒线性化计算，综合满意度的标准误把各题的比率均值一并线性化。95% 置信区间用 t 分布，"
        "自由度为计入该数字的初级抽样单元数减层数（群体、年龄段和各题各按计入自己的答卷数）；"
        "用 manage.py export_responses hill-2024 --included-only 导出的文件可以复算。"
        "Scores leave out “Don't know” and unanswered questions; the composite must not be used alone. "
    ) * 3
    for size in (7, 8.5, 10):
        report.set_font(report.font_family, size=size)
        ours = wrapped(report.normalize_text(text), report.epw - 2 * report.c_margin - 0.01, report._measure)
        drawn = FPDF.multi_cell(report, 0, 5, "\n".join(ours), dry_run=True, output="LINES")
        assert drawn == ours


def _pdf_lines(pdf: bytes, tmp_path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in text.splitlines()]


def test_the_xlsx_draws_a_native_chart_beside_each_breakdown(data):
    """Excel/WPS/LibreOffice charts on the dimension, item, village, group and age-band sheets,
    drawn from the sheet's own cells (the score column; the item sheet's answer counts)."""
    import re
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(render_report(data, "xlsx")))
    charts = [archive.read(n).decode() for n in sorted(archive.namelist()) if n.startswith("xl/charts/chart")]
    ranges = [set(re.findall(r"<f>([^<]+)</f>", chart)) for chart in charts]
    sheets = [{r.split("!")[0].strip("'") for r in refs} for refs in ranges]
    assert sheets == [{"维度"}, {"题目"}, {"村"}, {"群体"}, {"年龄段"}]
    dimensions = len(data.document["dimensions"])
    assert f"'维度'!$E$4:$E${3 + dimensions}" in ranges[0], "the score column, one bar per dimension"
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    assert workbook["维度"]["E3"].value == "得分"
    assert '<showCatName val="0" />' in charts[0], "the value alone on each bar"


@pytest.mark.parametrize(
    ("language", "sheet", "label", "taylor", "bootstrap"),
    [
        ("zh", "汇总", "标准误方法", "泰勒线性化", "自助法（Rao–Wu，R=500）"),
        ("en", "Summary", "Standard error method", "Taylor linearisation", "bootstrap (Rao–Wu, R=500)"),
    ],
)
def test_the_summary_names_the_se_method_in_the_reports_language_as_the_derivation_does(
    survey, language, sheet, label, taylor, bootstrap
):
    answer(survey, 12)
    for method, expected in (("taylor", taylor), ("bootstrap", bootstrap)):
        workbook = load_workbook(
            io.BytesIO(render_report(report_data(survey, method=method, language=language), "xlsx"))
        )
        summary = {row[0]: row[1] for row in workbook[sheet].iter_rows(min_row=4, values_only=True)}
        assert summary[label] == expected, method


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_survey_without_a_counted_answer_still_gets_every_download_and_chart(survey, language):
    """Before the first response (or with every one excluded) the PDF was a TypeError: its
    dimensions chart drew bars of no score. Each chart now says there is nothing to show yet."""
    from stats.charts import CHARTS, render

    answer(survey, 3, group="staff", village="", age_band="")
    Response.objects.filter(survey=survey).update(excluded=True)
    data = report_data(survey, language=language)
    assert data.document["composite"]["score"] is None
    for fmt in ("pdf", "xlsx", "csv"):
        assert render_report(data, fmt)
    for name, chart in CHARTS.items():
        assert render(chart(data.document), "png").startswith(b"\x89PNG"), name
    # No empty chart frames in the XLSX: no score to draw, no answer to share out.
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    assert sum(len(sheet._charts) for sheet in workbook.worksheets) == 0


def test_the_summary_tells_valid_responses_from_those_the_scores_count(survey):
    """A respondent who answered 不了解 throughout is valid (not excluded) but counts in no score:
    "有效答卷（计入得分）" said 13 while the composite's n was 12."""
    answer(survey, 12)
    responses_import_text(
        survey=survey, text=csv_text(csv_row(answers=("dont_know",) * 3, village="east", age_band="18-44"))
    )
    workbook = load_workbook(io.BytesIO(render_report(report_data(survey), "xlsx")))
    summary = {row[0]: row[1] for row in workbook["汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["有效答卷（未剔除）"] == 13
    assert summary["计入得分的答卷（至少一题有计分答案）"] == 12


def test_a_chinese_report_gives_its_warnings_in_chinese_only(data, tmp_path, client):
    """The score document keeps each warning "中文（English）" for scripts; a reader of the Chinese
    PDF, XLSX and score page gets the Chinese sentence, not both languages run together."""
    (warning,) = [w for w in data.document["warnings"] if "初级抽样单元" in w]
    assert "single PSU" in warning, "the document itself keeps both languages"
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    shown = [row[1] for row in workbook["计算方法"].iter_rows(values_only=True) if row[0] == "提示"]
    assert "群体“村民群众”只有 1 个初级抽样单元，方差按确定单元计为 0" in shown, "named, not coded"
    assert not any("single PSU" in text for text in shown)
    pdf = _pdf_text(render_report(data, "pdf"), tmp_path)
    assert "只有1个初级抽样单元" in pdf.replace(" ", "") and "single PSU" not in pdf
    # The cover, where the composite is copied from, says there are caveats and where.
    count = len(data.document["warnings"])
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"本报告有{count}条计算提示（如样本过少的分组），见“方法说明”一节末尾。" in "".join(cover.split())
    client.force_login(member("reader", data.survey, "evaluator"))
    page = client.get(f"/evaluate/{data.survey.slug}/").content.decode()
    assert "只有 1 个初级抽样单元" in page and "single PSU" not in page
    assert "群体“村民群众”" in page and "“villager”" not in page
    english = client.get(f"/evaluate/{data.survey.slug}/?lang=en").content.decode()
    # This survey's groups have no English names: the English page names them as its tables do,
    # marked as Chinese for a screen reader.
    assert 'group “<span lang="zh-Hans">村民群众</span>” has a single PSU' in english
    assert "'villager'" not in english and "&#x27;villager&#x27;" not in english


def test_the_sources_note_stays_on_the_page_of_the_groups_table(data, tmp_path):
    """Wherever the sample section starts on a page, "答卷来源…" is never left alone at the top of
    the next page, away from the table it annotates (it was, in an English report)."""
    from surveys.reports.pdf import _Report, _sample

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    assert data.sample.by_source, data.sample
    for start in range(150, 262, 3):  # mm from the top of an A4 page (297 mm, 18 mm margins)
        pdf = _Report(data)
        pdf.add_page()
        pdf.set_y(start)
        _sample(pdf)
        path = tmp_path / "sample.pdf"
        path.write_bytes(bytes(pdf.output()))
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages = text.split("\f")
        noted = [page for page in pages if "答卷来源" in page]
        assert len(noted) == 1 and "受访群体" in noted[0], f"starting at {start} mm"


FORMULAS = {
    "east": '=HYPERLINK("http://evil.example/","东村")',
    "west": "+1+1西村",
}


def test_the_csvs_sample_reads_back_as_it_was_written_reasons_that_look_like_formulas_too(survey):
    """What a published page shows of its sample is read back from its frozen CSV."""
    from dataclasses import replace

    from surveys.reports.csv import report_csv_sample
    from surveys.services.review import response_exclude

    answer(survey, 5)
    staff = member("zhang", survey, SurveyMembership.Role.STAFF)
    first, second, *_rest = Response.objects.filter(survey=survey)
    response_exclude(response=first, user=staff, reason="=1+1 重复作答")
    response_exclude(response=second, user=staff, reason="-1")
    data = report_data(survey)
    assert data.sample.excluded == 2 and data.sample.planned == 3
    assert report_csv_sample(render_report(data, "csv")) == replace(data.sample, by_source=[])
    assert (
        report_csv_sample(
            b"\xef\xbb\xbftable,code,name,parent,weight,n,score,se,ci95_low,ci95_high,deff,suppressed,value\n"
        )
        is None
    )


def test_names_that_look_like_formulas_stay_text_in_the_xlsx_and_the_csv(survey):
    """A village, group or title starting with = + - @ is a name, not a formula: the XLSX stored
    '=HYPERLINK(…)' as a live formula (openpyxl takes any string starting with "=" for one) and
    '=1+2人大代表' as a broken one; the CSV, made to be opened in Excel, handed both to Excel."""
    from surveys.models import Group, Village

    for code, name in FORMULAS.items():
        Village.objects.filter(survey=survey, code=code).update(name=name)
    Group.objects.filter(survey=survey, code="staff").update(name="=1+2工作人员")
    survey.title = "@SUM(1+1)调查"
    survey.save(update_fields=["title"])
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    answer(survey, 6, village="", group="staff", age_band="")
    data = report_data(survey)

    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    texts = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if sheet.title == "复算" and cell.data_type == "f":  # its own formulas: no name in them
                    assert not any(name in cell.value for name in [*FORMULAS.values(), "=1+2工作人员"])
                    continue
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert FORMULAS["east"] in texts and "=1+2工作人员" in texts  # the names kept as they are
    # Each response's own row in 原始数据 names its village and group (a name cell written once
    # and appended again on every row took the value of the cell after it from the second on).
    raw = list(workbook["原始数据"].iter_rows(min_row=4, max_col=3, values_only=True))
    assert sorted((village or "", group) for _n, village, group in raw) == sorted(
        [(FORMULAS["east"], "村民群众")] * 6
        + [(FORMULAS["west"], "村民群众")] * 6
        + [("", "=1+2工作人员")] * 6
    )

    body = render_report(data, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    for row in rows:
        for column in ("name", "value", "code", "parent"):
            text = row[column]
            if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(text)  # only a number may start so (a negative α-if-deleted)
    villages = {r["code"]: r["name"] for r in rows if r["table"] == "village"}
    assert villages == {"east": "'" + FORMULAS["east"], "west": "'" + FORMULAS["west"]}


def test_the_scoring_method_states_the_schemes_dimension_weights_not_those_left_after_renormalising(survey):
    """Every answer 不了解 (or none yet): the PDF's 计分方法 and the XLSX's 计算方法 said each dimension
    weighs 0 — the weights left once dimensions without a score drop out — while the scheme (and the
    CSV's scheme_dimension lines) said 0.5."""
    from surveys.reports import tables

    rows = [csv_row(answers=("dont_know", "dont_know", "dont_know"), age_band="18-44") for _ in range(6)]
    responses_import_text(survey=survey, text=csv_text(*rows))
    data = report_data(survey)
    assert [d["weight"] for d in data.document["dimensions"]] == [0, 0]  # used: none
    stated = [text for heading, text in tables.method_lines(data) if heading == "维度权重"]
    assert stated == ["经济发展（economy）：0.5", "公共服务（services）：0.5"]
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    method = [
        row[1] for row in workbook["计算方法"].iter_rows(min_row=4, values_only=True) if row[0] == "维度权重"
    ]
    assert method == stated
    pdf = render_report(data, "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    method_section = text.decode().split("计分方法")[1].split("综合满意度与各维度得分")[0]
    assert [
        line.split()[-1]
        for line in method_section.splitlines()
        if line.strip().startswith(("经济发展", "公共服务"))
    ] == ["0.5", "0.5"]


def test_the_pdf_names_the_answers_its_scheme_leaves_out_not_always_dont_know(survey, tmp_path):
    """A scheme that scores 不了解 (50 points) and leaves 不满意 out: the PDF's 计分方法 and the note
    under the items' table said, whatever the scheme, that 不了解 and blanks are left out."""
    survey.scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": None, "dont_know": 50},
        "dimension_weights": {"economy": 0.5, "services": 0.5},
    }
    survey.save()
    answer(survey, 6)
    text = _pdf_text(render_report(report_data(survey), "pdf"), tmp_path)
    assert "平均数（“不满意”、未作答不计入）" in text
    assert "得分不计“不满意”、未作答。" in text
    assert "“不了解”与未作答" not in text and "不了解、未作答" not in text
    english = _pdf_text(render_report(report_data(survey, language="en"), "pdf"), tmp_path)
    assert '(left out: "不满意" and unanswered)' in english  # straight quotes: the English report's
    assert 'scores leave out "不满意" and unanswered.' in english
    assert "don't know" not in english.lower()


@pytest.mark.parametrize("start", [40, 150, 250])
def test_a_chart_taller_than_a_page_is_shrunk_onto_one_page_not_left_a_blank_page_before_it(data, start):
    """The village ranking of a town with many villages (or long, wrapped names) is taller than a
    page: the PDF turned to a new page for it, the image still did not fit, and fpdf2 turned again —
    a blank page, then a chart running into the footer."""
    from matplotlib.figure import Figure

    from surveys.reports.pdf import _Report

    pdf = _Report(data)
    pdf.add_page()
    pdf.set_y(start)
    pdf.chart(Figure(figsize=(7.0, 20.0)), width=160)
    assert pdf.page_no() <= 2
    image = pdf.pages[pdf.page_no()]
    assert pdf.get_y() <= pdf.h - pdf.b_margin + 0.01, (pdf.get_y(), image)


def test_a_long_title_is_shortened_in_the_running_header_not_run_off_the_page(survey):
    """The header of pages 2… is one line: a title of 100 characters ran past the right edge of
    the page (cut at "满意度" by the paper's end); it now ends in "…" within the margins."""
    from surveys.reports.pdf import FONT, _Report

    survey.title = "桃江县大栗港镇人民政府" * 9
    survey.save(update_fields=["title"])
    answer(survey, 6)
    pdf = _Report(report_data(survey))
    pdf.add_page()
    pdf.add_page()  # draws the header
    pdf.set_font(FONT, size=8)
    line = pdf.header_line()
    assert line.endswith("…") and pdf.get_string_width(line) <= pdf.epw
    survey.title = "山村镇2024年度满意度调查"
    assert not _Report(report_data(survey)).header_line().endswith("…")


def _stored_as_typed(row, **names):
    """Names written to the database as they were before names were kept on one line (the
    model's field cleans anything saved or updated through it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for field, value in names.items():
            cursor.execute(f"UPDATE {row._meta.db_table} SET {field} = %s WHERE id = %s", [value, row.pk])


def test_names_with_tabs_line_breaks_and_emoji_are_drawn_in_the_pdf_without_a_box(survey, tmp_path, caplog):
    """A tab, a line break, a zero-width space or an emoji in a stored name: the fonts have no
    glyph for them, and the PDF drew each as an empty space or box. Now names are drawn on one
    line, emoji from Symbola (fonts-symbola), and what no font has (🥰) is left out."""
    import logging

    from surveys.models import Dimension, Survey, Village

    _stored_as_typed(survey, title="山村镇\t2024年度\n满意度调查😀", organisation="山村镇\u200b人民政府")
    _stored_as_typed(Village.objects.get(survey=survey, code="east"), name="东\t村🌾🥰")
    _stored_as_typed(Dimension.objects.get(survey=survey, code="economy"), name="经济\n发展⭐\x07")
    answer(survey, 12)
    answer(survey, 6, village="", group="staff", age_band="")
    survey = Survey.objects.get(pk=survey.pk)
    assert survey.title == "山村镇\t2024年度\n满意度调查😀", "stored as it was typed"
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        pdf = render_report(report_data(survey), "pdf")
    assert not [r.getMessage() for r in caplog.records if "missing" in r.getMessage()]
    lines = _pdf_lines(pdf, tmp_path)
    assert "山村镇 2024年度 满意度调查😀" in lines, "the title on one line"
    text = " ".join(lines)
    assert "山村镇人民政府" in text and "经济 发展⭐" in text
    assert "东 村🌾" in lines, "the village's row"
    assert not {"\t", "\x07", "\u200b", "🥰"} & set(text)
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert "Symbola" in fonts


def test_a_score_on_a_tie_shows_rounded_half_up_in_every_output(survey, tmp_path):
    """90.625 (every answer worth 90.625): the page and the XLSX showed 90.63, the PDF, the charts'
    labels and `score --format text` 90.62 (Python's format rounds ties to even on the binary
    value); the page's intervals too."""
    import re

    from django.core.management import call_command
    from django.test import Client

    from stats.charts import village_ranking
    from surveys.scoring import score_document
    from surveys.templatetags.report_tags import ci

    def shows_half_up(text: str) -> bool:
        return "90.63" in text and not re.search(r"90\.62(?!5)", text)  # 90.625 is the points

    survey.scheme = {
        "option_points": {
            "satisfied": 90.625,
            "basically_satisfied": 90.625,
            "dissatisfied": 90.625,
            "dont_know": None,
        },
        "dimension_weights": {"economy": 0.5, "services": 0.5},
    }
    survey.save()
    answer(survey, 6)
    assert score_document(survey)["composite"]["score"] == 90.625

    assert shows_half_up(_pdf_text(render_report(report_data(survey), "pdf"), tmp_path))
    out = io.StringIO()
    call_command("score", survey.slug, "--format", "text", stdout=out)
    assert shows_half_up(out.getvalue())
    client = Client()
    client.force_login(member("li", survey, SurveyMembership.Role.EVALUATOR))
    assert shows_half_up(client.get(f"/evaluate/{survey.slug}/").content.decode())
    labels = " ".join(
        t.get_text()
        for t in village_ranking(score_document(survey)).findobj(match=lambda a: hasattr(a, "get_text"))
    )
    assert shows_half_up(labels)
    assert ci({"ci95": [90.625, 92.615]}) == "[90.63, 92.62]"


def test_the_planned_sample_counts_a_quota_and_the_finer_ones_inside_it_once(survey):
    """东村 wants 5 villagers and 3 of them aged 18–44: the reports' 计划样本量 added the two
    (5 + 3 + the staff's 2 = 10) where the staff page's target, rightly, says 7."""
    from surveys.models import Group, Quota, Village
    from surveys.selectors_progress import survey_progress

    villager = Group.objects.get(survey=survey, code="villager")
    east = Village.objects.get(survey=survey, code="east")
    Quota.objects.create(survey=survey, group=villager, village=east, age_band=None, target=5)
    Quota.objects.create(survey=survey, group=Group.objects.get(survey=survey, code="staff"), target=2)
    data = report_data(survey)
    assert data.sample.planned == 5 + 2 == survey_progress(survey).target
    planned = next(
        r
        for r in csv.DictReader(io.StringIO(render_report(data, "csv").decode("utf-8-sig")))
        if r["code"] == "planned"
    )
    assert planned["n"] == "7"


def _footer_words(pdf: bytes, tmp_path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words below the body (the footer), as (x0, y0, x1, y1, word) in points."""
    import html
    import re

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    path = tmp_path / "footer.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [
            (float(x0), float(y0), float(x1), float(y1), html.unescape(word))
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
            )
        ]
        pages.append(sorted((w for w in words if w[1] > height - 18 / 25.4 * 72), key=lambda w: (w[1], w[0])))
    return pages


def test_the_footer_of_a_survey_with_a_short_code_is_one_line(survey, tmp_path):
    """The stamp wraps only when it must: "daligang-2020 · … · not published, figures may change"
    fits beside "Page 1 of 9" on one line, and was wrapped when the wrap kept 6 mm clear."""
    from surveys.models import Survey

    Survey.objects.filter(pk=survey.pk).update(slug="daligang-2020")
    survey.refresh_from_db()
    answer(survey, 12)
    for words in _footer_words(render_report(report_data(survey, language="en"), "pdf"), tmp_path):
        assert len({round(w[1]) for w in words}) == 1, words


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_footer_of_a_survey_with_a_long_code_does_not_run_into_the_page_number(
    survey, tmp_path, language
):
    """Every page's footer states the survey's code, scheme, data hash, time and whether the
    figures may still change, with the page number at its right. A code of 30 characters ran the
    English stamp under "Page 1 of 2" ("figures may change" unreadable); a longer one did the
    same in Chinese. The stamp now wraps before the page number."""
    from surveys.models import Survey

    Survey.objects.filter(pk=survey.pk).update(slug="taojiang-daligang-2024-bumen-zhengti-zhichu-jixiao")
    survey.refresh_from_db()
    answer(survey, 12)
    pdf = render_report(report_data(survey, language=language), "pdf")
    for words in _footer_words(pdf, tmp_path):
        assert words, "a footer on every page"
        text = " ".join(w[4] for w in words)
        assert survey.slug in text and ("figures may change" in text or "数字可能变化" in text), text
        margin = 20 / 25.4 * 72  # the page is A4, its margins 20 mm
        assert all(margin - 1 <= w[0] and w[2] <= 595.28 - margin + 1 for w in words), words
        for a, b in itertools.combinations(words, 2):
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)


@pytest.mark.parametrize(
    ("method", "named", "not_named"),
    [("taylor", "泰勒线性化", "自助法"), ("bootstrap", "自助法", "泰勒线性化")],
)
def test_the_pdfs_method_notes_name_the_se_method_its_figures_used(
    survey, tmp_path, method, named, not_named
):
    """The notes said 标准误按泰勒线性化（或自助法，见首页）计算, and the first page names no
    method: the reader could not tell which one the figures used. They now name it."""
    answer(survey, 12)
    answer(survey, 6, village="", group="staff", age_band="")
    data = report_data(survey, method=method)
    assert data.document["composite"]["method"].startswith(method)
    text = " ".join(_pdf_lines(render_report(data, "pdf"), tmp_path))
    notes = text[text.index("方法说明") :]
    assert f"标准误按{named}" in notes and "见首页" not in notes
    assert f"标准误按{not_named}" not in notes


def test_the_xlsx_summary_says_whether_its_figures_are_frozen_as_the_pdf_does(survey):
    """The PDF's cover and every footer say 尚未发布：数字会随答卷变化 or 已发布（…），数字已冻结;
    the XLSX's 汇总 said only 收集中 or 已截止, so a composite copied from it carried no word
    that it may still change. Its summary now says which."""
    from django.utils import timezone

    from surveys.models import Survey

    answer(survey, 12)

    def summary(language: str = "zh") -> dict:
        workbook = load_workbook(io.BytesIO(render_report(report_data(survey, language=language), "xlsx")))
        return {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=4, values_only=True)}

    assert summary()["发布状态"] == "尚未发布：数字会随答卷变化"
    assert summary("en")["Publication"] == "Not yet published: the figures change as responses arrive"
    when = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.PUBLISHED, published_at=when)
    survey.refresh_from_db()
    stamp = f"{timezone.localtime(when):%Y-%m-%d %H:%M}"
    assert summary()["发布状态"] == f"已发布（{stamp}），数字已冻结"
    assert summary("en")["Publication"] == f"Published ({stamp}); the figures are frozen"


def test_the_pdfs_village_and_item_tables_align_their_names_left(survey, tmp_path):
    """Text columns read from the left: the village table's 村（社区） and the item table's 维度
    were right-aligned like the numbers (a long name and a short one ended at the same place and
    began anywhere). Measured with pdftotext -bbox: both names of a column start at one x."""
    import re

    from surveys.models import Dimension, Village

    Village.objects.filter(survey=survey, code="west").update(name="西山坳第二村民小组联合社区")
    Dimension.objects.filter(survey=survey, code="services").update(name="公共服务满意度")
    answer(survey, 6)
    answer(survey, 6, village="west")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(report_data(survey), "pdf"))
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    starts: dict[str, list[float]] = {}
    for x0, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', out):
        starts.setdefault(word, []).append(float(x0))
    # 东村 and the long name each once in the village table (the chart's labels are an image).
    assert abs(starts["东村"][0] - starts["西山坳第二村民小组联合社区"][0]) < 1
    # The item table's dimension column: 经济发展 (income's) and the long one (roads').
    economy = [x for x in starts["经济发展"] if x > 100]
    services = [x for x in starts["公共服务满意度"] if x > 100]
    assert any(abs(e - s) < 1 for e in economy for s in services), (economy, services)


@pytest.mark.parametrize(
    ("staff", "zh", "en"),
    [
        (6, "其余 6 份答卷没有年龄段", "the other 6 responses have no age band"),
        (1, "其余 1 份答卷没有年龄段", "the other 1 response has no age band"),
    ],
)
def test_the_pdf_says_why_the_age_bands_add_up_to_fewer_responses_than_the_composite(
    survey, tmp_path, staff, zh, en
):
    """Staff and deputies give no age band: the demo's four age bands add up to 340 of the 400
    responses the composite counts, and nothing said why (the village table has its note). A note
    under the age-band table now says how many responses have none."""
    answer(survey, 12)
    answer(survey, staff, village="", group="staff", age_band="")
    for language, expected in (("zh", zh), ("en", en)):
        text = " ".join(
            " ".join(
                _pdf_lines(render_report(report_data(survey, language=language), "pdf"), tmp_path)
            ).split()
        )
        assert expected in text, language
    Response.objects.filter(survey=survey, group__code="staff").delete()
    text = " ".join(_pdf_lines(render_report(report_data(survey), "pdf"), tmp_path))
    assert "没有年龄段" not in text, "every response has its age band: no note"


def test_the_age_band_note_stays_on_the_page_of_the_age_band_table(survey, tmp_path):
    """Wherever the group section starts, the note on responses without an age band is never
    alone at the top of the next page (in the demo's English report it was, above the chart)."""
    from surveys.reports.pdf import _groups, _Report

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    answer(survey, 12)
    answer(survey, 6, village="", group="staff", age_band="")
    data = report_data(survey)
    for start in range(150, 262, 3):  # mm from the top of an A4 page (297 mm, 18 mm margins)
        pdf = _Report(data)
        pdf.add_page()
        pdf.set_y(start)
        _groups(pdf)
        path = tmp_path / "groups.pdf"
        path.write_bytes(bytes(pdf.output()))
        pages = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        noted = [page for page in pages.split("\f") if "没有年龄段" in page]
        assert len(noted) == 1 and "45岁及以上" in noted[0], f"starting at {start} mm"


def test_the_xlsx_columns_are_as_wide_as_what_they_show_not_the_stored_digits(data):
    """Scores are stored at full precision (92.54858244456827) and shown with two decimals: the
    columns were sized for the seventeen stored digits (19 wide for "92.55"), pushing the sheet
    off a screen. A score column is now sized for what it shows, or for its heading."""
    from openpyxl.utils import get_column_letter

    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    sheet = workbook["维度"]
    headers = [c.value for c in sheet[3]]
    for heading in ("得分", "标准误", "样本数"):
        column = get_column_letter(headers.index(heading) + 1)
        assert sheet.column_dimensions[column].width <= 10, (heading, sheet.column_dimensions[column].width)
    score = sheet.cell(row=4, column=headers.index("得分") + 1)
    assert isinstance(score.value, float) and len(str(score.value)) > 10, "stored at full precision"
    names = sheet.column_dimensions[get_column_letter(headers.index("维度") + 1)].width
    assert names >= 2 * max(len(c.value) for c in list(sheet.columns)[1][3:]), "Chinese names fit"


def test_a_pdf_cells_text_is_normalised_once(data, monkeypatch):
    """The report normalises a cell's text to measure it (names drawn as the charts draw them),
    then fpdf2's `multi_cell` normalised the result again: every character filtered twice."""
    from surveys.reports import pdf as report_pdf

    pdf = report_pdf._Report(data)
    pdf.add_page()
    pdf.set_font(report_pdf.FONT, size=10)
    seen = []
    drawable = report_pdf.charts.drawable
    monkeypatch.setattr(report_pdf.charts, "drawable", lambda line: seen.append(line) or drawable(line))
    pdf.multi_cell(40, 5, "个人（家庭）收入\t满意度", new_x="LMARGIN", new_y="NEXT")
    assert seen == ["个人（家庭）收入\t满意度"]


def _no_group_by_village(survey):
    """A survey of another shape: one group, not sampled by village, no age band asked (a county
    bureau's survey of the firms it serves)."""
    from surveys.models import Group

    Group.objects.filter(survey=survey).update(by_village=False)
    survey.quota_set.all().delete()
    survey.invitation_set.filter(village__isnull=False).delete()
    answer(survey, 12, village="", group="staff", age_band="")
    return survey


def test_a_survey_without_a_group_sampled_by_village_has_no_village_section(survey, tmp_path):
    """It had one, empty, with two charts saying the villages' samples were too small, and an
    age band table of headings alone; its method note named 村民群众 as sampled by village."""
    _no_group_by_village(survey)
    text = "\n".join(_pdf_lines(render_report(report_data(survey), "pdf"), tmp_path))
    assert "各村（社区）得分" not in text and "没有可公布的村级得分" not in text
    assert "年龄段\n样本数" not in text.replace(" ", "")
    assert "抽样设计：以受访群体为层，每个受访者为一个抽样单元。" in text.replace("\n", "")
    assert "按村抽样的群体（" not in text.replace("\n", "")


def test_the_village_notes_name_the_groups_sampled_by_village(data, tmp_path):
    text = "".join(_pdf_lines(render_report(data, "pdf"), tmp_path))
    assert "各村得分只计该村按村抽样的群体（村民群众）的答卷" in text
    assert "按村抽样的群体（村民群众）以村为初级抽样单元" in text


def test_the_pdfs_cover_and_the_xlsx_summary_carry_the_pages_paragraph_for_the_report(data, tmp_path):
    """Whoever has only the download writes the 绩效评价报告's survey paragraph from it, the same
    words as the evaluation page's, next to the composite it states."""
    from surveys.reports.paragraph import report_paragraph

    paragraph = report_paragraph(data.document, data.sample)
    assert "综合满意度为" in paragraph and "置信区间" in paragraph
    text = _pdf_text(render_report(data, "pdf"), tmp_path)
    cover = text.split("一、样本情况")[0]  # on the cover, before the first section
    assert "写入评价报告的一段话" in cover
    assert "".join(paragraph.split()) in "".join(cover.split())
    _header, rows = _sheet_rows(load_workbook(io.BytesIO(render_report(data, "xlsx"))), "汇总")
    assert ("写入评价报告的一段话", paragraph) in rows


def test_a_report_before_any_response_gives_no_degrees_of_freedom_either(survey, tmp_path):
    """Nothing to score: the cover's box gives no standard error, design effect or degrees of
    freedom (it said "自由度 0" beside "标准误 —")."""
    text = _pdf_text(render_report(report_data(survey), "pdf"), tmp_path)
    assert "标准误 —，设计效应 —，自由度 —" in text
    assert "综合满意度还无法计算" in text  # the paragraph says so too


def test_a_workbook_holds_whatever_text_reaches_a_cell():
    """Control characters (openpyxl refuses them: a 500) and U+FFFE / U+FFFF (written, they make a
    file Excel will not open) are left out of every text cell, in either kind of sheet."""
    import io

    from openpyxl import Workbook, load_workbook

    from surveys.reports.xlsx import _cell, put_cell

    normal = Workbook()
    put_cell(normal.active, 1, 1, "东\x01村\uffff\x0b")
    fast = Workbook(write_only=True)
    sheet = fast.create_sheet()
    sheet.append([_cell(sheet, "\ufffe西\x1f村\t"), _cell(sheet, 92.62)])
    for book, expected in ((normal, ["东村"]), (fast, ["西村\t", 92.62])):
        saved = io.BytesIO()
        book.save(saved)
        assert list(next(load_workbook(saved).worksheets[0].iter_rows(values_only=True))) == expected
