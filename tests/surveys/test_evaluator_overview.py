"""/evaluate/ and its downloads: every survey an evaluator reads, side by side, with the figures
its own page shows (surveys/evaluate/overview.py, surveys/reports/overview.py)."""

import csv
import io
import re

import openpyxl
import pytest
from django.test import Client

from stats.compare import compare_documents
from stats.text import interval, rounded, signed
from surveys.evaluate.selectors import evaluator_document
from surveys.models import Response, Survey, SurveyMembership
from surveys.reports.overview import CSV_COLUMNS
from tests.factories import make_survey
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR


def _browser(user, lang: str = "zh"):
    client = Client()
    client.force_login(user)
    if lang == "en":
        client.get("/?lang=en")  # the choice is kept in the language cookie
    return client


def _card(html: str, slug: str) -> str:
    match = re.search(rf'<li class="card" data-survey="{slug}">(.*?)</li>', html, re.S)
    assert match, f"no card for {slug}"
    return match[1]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


@pytest.fixture
def county():
    """One evaluator of three surveys: 山村镇 2023 and 2024 (the same body, answered
    differently), and a survey saved before its questionnaire was written."""
    before = make_survey("hill-2023")
    Survey.objects.filter(pk=before.pk).update(year=2023, title="山村镇2023年度满意度调查")
    before.refresh_from_db()
    answer(answer(before, 4, village="east"), 5, village="west")
    this = answer(answer(make_survey("hill-2024"), 6, village="east"), 6, village="west")
    empty = Survey.objects.create(
        slug="new-2024", title="新镇2024年度满意度调查", organisation="新镇", year=2024
    )
    evaluator = member("pinggu", this, EVALUATOR)
    for survey in (before, empty):
        SurveyMembership.objects.create(survey=survey, user=evaluator, role=EVALUATOR)
    # A survey the evaluator does not evaluate: never listed, never downloaded.
    answer(make_survey("other-2024"), 3)
    return evaluator, before, this, empty


def test_each_survey_shows_the_composite_interval_and_sample_its_own_page_shows(county):
    evaluator, before, this, empty = county
    html = _browser(evaluator).get("/evaluate/").content.decode()
    for survey, valid in ((before, 9), (this, 12)):
        document = evaluator_document(survey)
        card = _text(_card(html, survey.slug))
        composite = document["composite"]
        assert f"{rounded(composite['score'])} 95% 置信区间 {interval(composite['ci95'])}" in card
        assert f"有效答卷 {valid} 份" in card
        assert "当前数据，随新答卷和审核变化" in card
        # The same figures as the survey's own page, which the card links to.
        page = _browser(evaluator).get(f"/evaluate/{survey.slug}/").content.decode()
        assert f'<p class="big">{rounded(composite["score"])}</p>' in page
    assert "other-2024" not in html
    # The survey that cannot be scored says why, as its page does, instead of a figure.
    card = _text(_card(html, "new-2024"))
    assert "问卷还缺少题目、答案选项、受访群体，还不能计算得分" in card
    assert "置信区间" not in card


def test_a_survey_without_responses_says_so(county):
    evaluator, *_ = county
    fresh = make_survey("quiet-2024")
    SurveyMembership.objects.create(survey=fresh, user=evaluator, role=EVALUATOR)
    card = _text(_card(_browser(evaluator).get("/evaluate/").content.decode(), "quiet-2024"))
    assert "尚无有效答卷" in card and "置信区间" not in card


def test_the_change_since_the_same_bodys_survey_of_the_year_before_is_the_comparisons(county):
    evaluator, before, this, _empty = county
    html = _browser(evaluator).get("/evaluate/").content.decode()
    composite = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    card = _card(html, "hill-2024")
    assert f"较 2023 年 {signed(composite.difference)} {interval(composite.ci95)}" in _text(card)
    significant = composite.ci95[0] > 0 or composite.ci95[1] < 0
    assert ('<span class="sig">显著</span>' in card) == significant
    assert ("区间含 0，不能认为有变化" in card) == (not significant)
    assert 'href="/evaluate/hill-2024/?compare=hill-2023#compare"' in card
    # The link's comparison gives the same difference.
    page = _browser(evaluator).get("/evaluate/hill-2024/?compare=hill-2023").content.decode()
    assert f'<b class="diff">{signed(composite.difference)}</b>' in page
    assert "较 " not in _text(_card(html, "hill-2023"))  # nothing of 2022 to compare with


def test_a_change_without_an_interval_is_not_called_within_it(county):
    """A year whose composite has no standard error (every response from one village: one
    cluster) gives a difference without an interval: the card says it cannot tell."""
    evaluator, before, _this, _empty = county
    Response.objects.filter(survey=before, village__code="west").delete()
    card = _text(_card(_browser(evaluator).get("/evaluate/").content.decode(), "hill-2024"))
    assert "较 2023 年" in card and "— 没有置信区间，不能判断是否有变化" in card
    assert "区间含 0" not in card


def test_no_change_is_given_when_the_year_before_has_two_surveys_of_that_body(county):
    evaluator, *_ = county
    twin = answer(make_survey("hill-2023b"), 4)
    Survey.objects.filter(pk=twin.pk).update(year=2023)
    SurveyMembership.objects.create(survey=twin, user=evaluator, role=EVALUATOR)
    card = _text(_card(_browser(evaluator).get("/evaluate/").content.decode(), "hill-2024"))
    assert "较 2023 年" not in card


def test_a_published_survey_shows_its_frozen_figures_and_says_when_the_data_changed(county):
    evaluator, _before, this, _empty = county
    Survey.objects.filter(pk=this.pk).update(status=Survey.Status.CLOSED)
    client = _browser(evaluator)
    client.post("/evaluate/hill-2024/publish/")
    frozen = evaluator_document(Survey.objects.get(pk=this.pk))["composite"]
    card = _text(_card(client.get("/evaluate/").content.decode(), "hill-2024"))
    assert "发布的数字" in card and "发布后答卷有变化" not in card
    # Later answers change today's score, not the published one the card shows.
    answer(this, 6, village="west", age_band="45+")
    card = _text(_card(client.get("/evaluate/").content.decode(), "hill-2024"))
    assert f"{rounded(frozen['score'])} 95% 置信区间 {interval(frozen['ci95'])}" in card
    assert "有效答卷 12 份" in card and "发布后答卷有变化" in card


def _sheet_rows(workbook, title: str) -> list[dict]:
    rows = list(workbook[title].iter_rows(values_only=True))
    headers = rows[2]  # row 1: what the file is and when it was made; row 2 blank
    return [dict(zip(headers, row, strict=True)) for row in rows[3:] if row[0] is not None]


def test_the_workbook_holds_every_listed_survey_with_its_figures_and_dimensions(county):
    evaluator, before, this, empty = county
    reply = _browser(evaluator).get("/evaluate/surveys.xlsx")
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="surveys-\d{8}\.xlsx"', reply["Content-Disposition"])
    workbook = openpyxl.load_workbook(io.BytesIO(reply.content))
    assert workbook.sheetnames == ["汇总", "各维度"]
    assert "评价结果汇总：3 项调查" in workbook["汇总"]["A1"].value
    summary = {row["调查代码"]: row for row in _sheet_rows(workbook, "汇总")}
    assert set(summary) == {"hill-2023", "hill-2024", "new-2024"}
    for survey in (before, this):
        document = evaluator_document(survey)
        row = summary[survey.slug]
        # Full precision (as far as a spreadsheet keeps it: 15 significant digits).
        assert row["综合满意度"] == pytest.approx(document["composite"]["score"], rel=1e-14)
        assert [row["95% 置信区间下限"], row["95% 置信区间上限"]] == pytest.approx(
            document["composite"]["ci95"], rel=1e-14
        )
        assert row["有效答卷"] == document["sample"]["responses"] and row["数字来源"] == "当前数据"
    change = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    assert summary["hill-2024"]["上年度调查"] == "hill-2023"
    assert summary["hill-2024"]["较上年"] == pytest.approx(change.difference, abs=1e-12)
    assert summary["hill-2023"]["较上年"] is None
    assert summary["new-2024"]["综合满意度"] is None
    assert "还不能计算得分" in summary["new-2024"]["说明"]
    cell = workbook["汇总"].cell(row=4, column=7)
    assert cell.number_format == "0.00"
    dimensions = _sheet_rows(workbook, "各维度")
    shown = {(d["调查代码"], d["维度代码"]): d["得分"] for d in dimensions}
    expected = {
        (s.slug, d["code"]): d["score"] for s in (before, this) for d in evaluator_document(s)["dimensions"]
    }
    assert shown == pytest.approx(expected, rel=1e-14)


def test_the_workbook_is_in_english_on_an_english_page(county):
    evaluator, *_ = county
    workbook = openpyxl.load_workbook(
        io.BytesIO(_browser(evaluator, "en").get("/evaluate/surveys.xlsx").content)
    )
    assert workbook.sheetnames == ["Summary", "Dimensions"]
    headers = next(workbook["Summary"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert "Composite satisfaction" in headers and "Change since the year before" in headers
    assert not [h for h in headers if h and re.search(r"[\u4e00-\u9fff]", h)]


def test_the_csv_has_a_line_per_survey_then_one_per_dimension_with_the_same_columns_in_every_language(
    county,
):
    evaluator, before, this, empty = county
    for lang in ("zh", "en"):
        reply = _browser(evaluator, lang).get("/evaluate/surveys.csv")
        assert reply.status_code == 200 and reply["Content-Type"] == "text/csv; charset=utf-8"
        assert reply.content.startswith("\ufeff".encode())
        lines = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
        assert tuple(lines[0]) == CSV_COLUMNS
        composites = {line["survey"]: line for line in lines if line["dimension"] == ""}
        assert set(composites) == {"hill-2023", "hill-2024", "new-2024"}
        document = evaluator_document(this)
        assert float(composites["hill-2024"]["score"]) == document["composite"]["score"]
        assert composites["hill-2024"]["previous"] == "hill-2023"
        assert composites["new-2024"]["score"] == "" and composites["new-2024"]["responses"] == ""
        dimension_lines = [line for line in lines if line["survey"] == "hill-2024" and line["dimension"]]
        assert [line["dimension"] for line in dimension_lines] == [d["code"] for d in document["dimensions"]]
        assert [float(line["score"]) for line in dimension_lines] == [
            d["score"] for d in document["dimensions"]
        ]


def test_a_title_a_spreadsheet_would_run_as_a_formula_is_text_in_both_files(county):
    evaluator, _before, this, _empty = county
    Survey.objects.filter(pk=this.pk).update(title='=HYPERLINK("http://x","点此")')
    client = _browser(evaluator)
    lines = list(csv.DictReader(io.StringIO(client.get("/evaluate/surveys.csv").content.decode("utf-8-sig"))))
    assert {line["title"] for line in lines if line["survey"] == "hill-2024"} == {
        '\'=HYPERLINK("http://x","点此")'
    }
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/evaluate/surveys.xlsx").content))
    cells = [
        c for row in workbook["汇总"].iter_rows() for c in row if c.value == '=HYPERLINK("http://x","点此")'
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_someone_who_evaluates_nothing_downloads_an_empty_table(county):
    _evaluator, _before, this, _empty = county
    staff = member("wang", this, SurveyMembership.Role.STAFF)
    lines = _browser(staff).get("/evaluate/surveys.csv").content.decode("utf-8-sig").splitlines()
    assert lines == [",".join(CSV_COLUMNS)]
    assert "/evaluate/surveys.xlsx" not in _browser(staff).get("/evaluate/").content.decode()


def _token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_api_lists_an_evaluators_surveys_with_the_figures_the_list_page_shows(county):
    evaluator, before, this, empty = county
    api = _token_client(evaluator)
    reply = api.get("/api/v1/surveys/")
    assert reply.status_code == 200 and reply["Content-Language"] == "zh-Hans"
    listed = {s["slug"]: s for s in reply.json()}
    assert list(listed) == ["hill-2024", "new-2024", "hill-2023"]  # newest first, as the page
    for survey in (before, this):
        figures = listed[survey.slug]["figures"]
        score = api.get(listed[survey.slug]["links"]["score"]).json()
        assert figures["composite"] == score["composite"] and figures["source"] == "today"
        assert [d["score"] for d in figures["dimensions"]] == [d["score"] for d in score["dimensions"]]
        assert figures["sample"] == score["sample"]
    change = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    assert listed["hill-2024"]["figures"]["change"]["base"] == "hill-2023"
    assert listed["hill-2024"]["figures"]["change"]["difference"] == pytest.approx(
        change.difference, abs=1e-12
    )
    assert listed["hill-2023"]["figures"]["change"] is None
    assert listed["hill-2024"]["links"]["progress"] == "/api/v1/surveys/hill-2024/progress/"
    cannot = listed["new-2024"]["figures"]
    assert cannot["source"] == "none" and cannot["composite"] is None
    assert "还不能计算得分" in cannot["problem"]
    english = api.get("/api/v1/surveys/?lang=en").json()
    assert "nothing can be scored" in {s["slug"]: s for s in english}["new-2024"]["figures"]["problem"]
    assert api.get("/api/v1/surveys/?lang=fr").status_code == 400


def test_the_api_gives_staff_their_surveys_without_a_figure_and_a_published_survey_its_frozen_ones(county):
    evaluator, _before, this, _empty = county
    staff = member("wang", this, SurveyMembership.Role.STAFF)
    listed = _token_client(staff).get("/api/v1/surveys/").json()
    # The collection's totals, as its progress endpoint gives them (staff watch collection).
    progress = listed[0].pop("progress")
    totals = _token_client(staff).get("/api/v1/surveys/hill-2024/progress/").json()["totals"]
    assert {key: progress[key] for key in totals} == totals and totals["received"] == 12
    assert progress["still_needed"] == totals["target"] - totals["towards_target"]
    assert listed == [
        {
            "slug": "hill-2024",
            "title": "山村镇2024年度满意度调查",
            "organisation": "山村镇人民政府",
            "year": 2024,
            "status": "open",
            "figures": None,
            "links": {"score": None, "progress": "/api/v1/surveys/hill-2024/progress/"},
        }
    ]
    Survey.objects.filter(pk=this.pk).update(status=Survey.Status.CLOSED)
    _browser(evaluator).post("/evaluate/hill-2024/publish/")
    frozen = evaluator_document(Survey.objects.get(pk=this.pk))["composite"]
    answer(this, 4, village="west")
    figures = {s["slug"]: s for s in _token_client(evaluator).get("/api/v1/surveys/").json()}["hill-2024"][
        "figures"
    ]
    assert figures["source"] == "published" and figures["published_at"]
    assert figures["composite"] == frozen and figures["changed_since_publication"] is True
    assert figures["sample"]["responses"] == 12


def test_a_change_without_an_interval_is_neither_significant_nor_not_in_the_files(county):
    evaluator, before, _this, _empty = county
    Response.objects.filter(survey=before, village__code="west").delete()
    client = _browser(evaluator)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/evaluate/surveys.xlsx").content))
    row = {r["调查代码"]: r for r in _sheet_rows(workbook, "汇总")}["hill-2024"]
    assert row["较上年"] is not None and row["较上年 95% 置信区间下限"] is None and row["变化显著"] is None
    lines = csv.DictReader(io.StringIO(client.get("/evaluate/surveys.csv").content.decode("utf-8-sig")))
    line = next(line for line in lines if line["survey"] == "hill-2024" and not line["dimension"])
    assert line["change"] and line["change_ci95_low"] == "" and line["change_significant"] == ""
