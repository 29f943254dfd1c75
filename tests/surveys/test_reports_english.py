"""The evaluator's report in English: same figures, English headings and names, frozen at publication.

Chinese stays the default everywhere (the API, the command, the page); English is asked for
with ?lang=en or --lang en, or by choosing English on the evaluator's page.
"""

import csv
import io
import re
import shutil
import subprocess

import pyreadstat
import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from surveys.models import Dimension, Item, Option, Response, Survey, SurveyMembership
from surveys.reports import render_report
from surveys.reports.data import report_data
from surveys.services.publish import report_publish
from surveys.services.review import response_exclude
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
OPTIONS_EN = {
    "satisfied": "Satisfied",
    "basically_satisfied": "Fairly satisfied",
    "dissatisfied": "Dissatisfied",
    "dont_know": "Don't know",
}


@pytest.fixture
def english(survey):
    """The test survey with English names for its title, dimensions, items and options (villages, groups
    and age bands keep only their Chinese names, as many real surveys will)."""
    Survey.objects.filter(pk=survey.pk).update(
        title_en="Hill Town 2024 satisfaction survey", organisation_en="Hill Town People's Government"
    )
    for code, text in (("income", "Income"), ("roads", "Roads"), ("water", "Drinking water")):
        Item.objects.filter(survey=survey, code=code).update(text_en=text)
    for code, label in OPTIONS_EN.items():
        Option.objects.filter(survey=survey, code=code).update(label_en=label)
    for code, name in (("economy", "Economy"), ("services", "Public services")):
        Dimension.objects.filter(survey=survey, code=code).update(name_en=name)
    survey.refresh_from_db()
    answer(survey, 12)
    answer(survey, 6, village="", group="staff", age_band="")
    return survey


def _without_names(text: str, data) -> str:
    """The text with the survey's own Chinese names (which have no English) taken out."""
    for kind in ("village", "group", "age_band"):
        for name in data.names[kind].values():
            text = text.replace(name, "")
    return text


def test_the_english_report_has_the_same_figures_and_hash_as_the_chinese(english):
    zh, en = report_data(english), report_data(english, language="en")
    assert (zh.language, en.language) == ("zh", "en")
    assert en.data_hash == zh.data_hash
    assert en.document["composite"] == zh.document["composite"]
    assert [d["score"] for d in en.document["dimensions"]] == [d["score"] for d in zh.document["dimensions"]]
    assert en.document["language"] == "en" and zh.document["language"] == "zh"
    assert en.names["item"]["water"] == "Drinking water" and zh.names["item"]["water"] == "饮水"
    assert en.names["village"]["east"] == "东村"  # no English name: the Chinese one


def test_the_english_xlsx_is_in_english_with_the_same_numbers(english):
    data = report_data(english, language="en")
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    assert workbook.sheetnames == [
        "Summary",
        "Dimensions",
        "Items",
        "Villages",
        "Groups",
        "Age bands",
        "Reliability",
        "Raw data",
        "Method",
        "Recompute",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=4, values_only=True)}
    assert summary["Survey"] == "Hill Town 2024 satisfaction survey"
    assert summary["Organisation evaluated"] == "Hill Town People's Government"
    assert summary["Composite satisfaction"] == pytest.approx(data.document["composite"]["score"])
    assert summary["Data hash (SHA-256)"] == data.data_hash
    rows = list(workbook["Items"].iter_rows(min_row=3, values_only=True))
    headers = rows[0]
    assert "Satisfied (people)" in headers and "Score" in headers
    items = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    for item in data.document["items"]:
        assert items[item["code"]]["Score"] == pytest.approx(item["score"])
        assert items[item["code"]]["Satisfied (people)"] == item["distribution"]["satisfied"]
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=3, values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not CJK.search(_without_names(value, data)), (sheet.title, value)
    raw = list(workbook["Raw data"].iter_rows(min_row=4, values_only=True))
    assert {value for row in raw for value in row[5:]} <= {*OPTIONS_EN.values(), None}


def test_the_english_csv_keeps_its_machine_columns_and_translates_the_names(english):
    zh = list(csv.DictReader(io.StringIO(render_report(report_data(english), "csv").decode("utf-8-sig"))))
    en_data = report_data(english, language="en")
    en = list(csv.DictReader(io.StringIO(render_report(en_data, "csv").decode("utf-8-sig"))))
    assert [(r["table"], r["code"], r["parent"]) for r in en] == [
        (r["table"], r["code"], r["parent"]) for r in zh
    ]
    assert [r["score"] for r in en] == [r["score"] for r in zh]
    composite = next(r for r in en if r["table"] == "composite")
    assert composite["name"] == "Composite satisfaction"
    assert next(r for r in en if r["table"] == "meta" and r["code"] == "language")["value"] == "en"
    meta = {r["code"]: r["value"] for r in en if r["table"] == "meta"}
    assert meta["organisation"] == "Hill Town People's Government"
    assert {r["code"]: r["value"] for r in zh if r["table"] == "meta"}["organisation"] == "山村镇人民政府"
    (paragraph,) = [r for r in en if r["table"] == "paragraph"]
    assert paragraph["name"] == "A paragraph for the evaluation report"
    assert paragraph["value"].count("The composite satisfaction is ") == 1
    for row in en:
        if row["table"] in ("explain", "item", "distribution", "scheme_option", "paragraph"):
            assert not CJK.search(_without_names(row["name"] + row["value"], en_data)), row


def test_the_english_spss_file_labels_its_variables_in_english(english, tmp_path):
    path = tmp_path / "report.sav"
    path.write_bytes(render_report(report_data(english, language="en"), "sav"))
    _frame, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["seq"] == "No. (in order of submission)"
    assert labels["water"] == "Drinking water" and labels["water_pts"] == "Drinking water: points"
    assert meta.variable_value_labels["water"][1] == "Satisfied"


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils missing: run scripts/system-deps"
)
def test_the_english_pdf_reads_in_english(english, tmp_path):
    data = report_data(english, language="en")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Hill Town 2024 satisfaction survey" in flat and "Hill Town People's Government" in flat
    assert "Composite satisfaction" in flat and f"{data.document['composite']['score']:.2f}" in flat
    assert "1. Sample" in flat and "Page 1 of" in flat
    assert "Drinking water" in flat and "Fairly satisfied" in flat
    # Each source with its count in brackets ("Synthetic demo data 400" read as one name).
    assert re.search(r"Sources of the responses: [A-Za-z ]+ \(18\)\.", flat), flat[:2000]
    assert data.data_hash in text.replace("\n", "")
    # Apart from the survey's own Chinese names, nothing is left in Chinese.
    leftover = CJK.findall(_without_names(text, data))
    assert not leftover, "".join(leftover)[:200]


def test_the_english_pdfs_method_notes_leave_a_space_between_their_sentences(english, tmp_path):
    """The methods section joins sentences written apart ("…each respondent is one." and "This
    survey: …"); Chinese needs nothing between them, English a space: it read "is one.This survey"
    and "between one respondent's answers.95% confidence intervals"."""
    data = report_data(english, language="en")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "This survey:" in flat and "95% confidence intervals use" in flat
    assert not re.findall(r"[a-z)]\.[A-Z0-9]", flat)


def test_chinese_stays_the_default_of_the_api_and_the_command(english, tmp_path):
    user = member("li", english, EVALUATOR)
    client = APIClient()
    client.force_authenticate(user)
    default = client.get("/api/v1/surveys/hill-2024/report.xlsx")
    assert default["Content-Language"] == "zh-Hans"
    assert load_workbook(io.BytesIO(default.content)).sheetnames[0] == "汇总"
    asked = client.get("/api/v1/surveys/hill-2024/report.xlsx?lang=en")
    assert asked.status_code == 200 and asked["Content-Language"] == "en"
    assert load_workbook(io.BytesIO(asked.content)).sheetnames[0] == "Summary"
    assert asked["X-Data-Hash"] == default["X-Data-Hash"]
    assert "hill-2024-report-en.xlsx" in asked["Content-Disposition"]
    wrong = client.get("/api/v1/surveys/hill-2024/report.csv?lang=fr")
    assert wrong.status_code == 400 and list(wrong.json()["errors"]) == ["lang"]  # the API's 400 shape

    call_command("report", "hill-2024", "--format", "csv", "--lang", "en", "-o", str(tmp_path / "en.csv"))
    call_command("report", "hill-2024", "--format", "csv", "-o", str(tmp_path / "zh.csv"))
    assert "Composite satisfaction" in (tmp_path / "en.csv").read_text("utf-8-sig")
    assert "综合满意度" in (tmp_path / "zh.csv").read_text("utf-8-sig")


def test_publishing_freezes_the_english_report_too(english):
    Survey.objects.filter(pk=english.pk).update(status=Survey.Status.CLOSED)
    english.refresh_from_db()
    user = member("li", english, EVALUATOR)
    published = report_publish(survey=english, user=user)
    assert published.score_en["language"] == "en"
    assert published.score_en["composite"] == published.score["composite"]
    for fmt in ("xlsx", "pdf", "csv", "sav"):
        assert len(published.file(fmt, "en")) > 100 and published.file(fmt, "en") != published.file(fmt), fmt
    client = APIClient()
    client.force_authenticate(user)
    before = client.get("/api/v1/surveys/hill-2024/report.pdf?lang=en").content
    staff = member("zhang", english, SurveyMembership.Role.STAFF)
    response_exclude(response=Response.objects.filter(survey=english).first(), user=staff, reason="重复作答")
    after = client.get("/api/v1/surveys/hill-2024/report.pdf?lang=en")
    assert after.content == before == published.file("pdf", "en")
    assert after["X-Report-Published"] == "1"


def test_the_evaluator_page_in_english_shows_english_derivations_and_links_english_files(english):
    user = member("li", english, EVALUATOR)
    browser = Client()
    browser.force_login(user)
    html = browser.get("/evaluate/hill-2024/?lang=en").content.decode()
    assert "Hill Town 2024 satisfaction survey" in html
    assert "Composite satisfaction = " in html and "Drinking water (water) = " in html
    assert "/api/v1/surveys/hill-2024/report.pdf?lang=en" in html
    zh_chart = browser.get("/evaluate/hill-2024/charts/dimensions.png?lang=zh").content
    en_chart = browser.get("/evaluate/hill-2024/charts/dimensions.png?lang=en").content
    assert zh_chart.startswith(b"\x89PNG") and en_chart.startswith(b"\x89PNG") and zh_chart != en_chart
    chinese = browser.get("/evaluate/hill-2024/?lang=zh").content.decode()
    assert "综合满意度 = " in chinese and "report.pdf?lang=en" not in chinese


def test_a_title_with_a_colon_makes_a_file_name_without_one(english):
    """Windows takes no ':' (nor / \\ * ? " < > |) in a file name; browsers put '_' in its place."""
    from urllib.parse import unquote

    from surveys.models import Survey

    Survey.objects.filter(slug="hill-2024").update(title_en="Hill Town: 2024 survey / results")
    client = APIClient()
    client.force_authenticate(member("li", english, EVALUATOR))
    disposition = client.get("/api/v1/surveys/hill-2024/report.csv?lang=en")["Content-Disposition"]
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name == "Hill Town - 2024 survey - results-report.csv"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_reports_do_not_send_the_reader_to_a_contract_they_do_not_have(english, tmp_path, language):
    """The data hash was said to be computed "in the CSV format of contract §3" (按合同 §3):
    the project's own specification, which an evaluator has never seen (合同 reads as a legal
    contract). The PDF and the XLSX now name the format by what writes it and by its header."""
    data = report_data(english, language=language)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data, "pdf"))
    pdf = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    xlsx = " ".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )
    for text in (pdf, xlsx):
        assert "合同" not in text and "contract" not in text.lower()
        assert "export_responses" in text
    assert "response_id,village,group,age_band,submitted_at" in xlsx


def test_the_english_pdf_sets_straight_quotes_not_the_chinese_fonts_full_width_ones(english, tmp_path):
    """Noto Sans CJK SC draws “ and ” full width: the English report read “ Don't know ” with a
    wide gap either side of the words."""
    data = report_data(english, language="en")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "“" not in text and "”" not in text
    assert re.search(r'"[A-Z][a-z]', text)  # the answer scores leave out, named in quotes
