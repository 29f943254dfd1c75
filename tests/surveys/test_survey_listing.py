"""Long lists of surveys (surveys/selectors_surveys.py): a county's people with a dozen towns over
several years narrow /staff/ and /evaluate/ to a year, a status or a name, and read them 20 at a
time; the evaluator's summary files hold what the list's choices keep, every page of it."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from stats.compare import compare_documents
from stats.text import interval, signed
from surveys.evaluate.selectors import evaluator_document
from surveys.models import Quota, Survey, SurveyMembership
from surveys.selectors_surveys import NARROW_FROM, SURVEYS_PER_PAGE
from tests.factories import make_survey
from tests.surveys.report_helpers import answer, member
from tests.surveys.staff_factories import make_response

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR
Status = Survey.Status


def _listed(html: str) -> list[str]:
    return re.findall(r'<li class="card" data-survey="([^"]+)"', html)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def county():
    """An administrator and 25 towns' surveys saved (no questionnaire): 2023 and 2024, some
    published, with titles, bodies and English names to search."""
    surveys = []
    for town in range(1, 26):
        year = 2023 if town % 2 else 2024
        surveys.append(
            Survey(
                slug=f"town{town:02d}-{year}",
                title=f"第{town}镇{year}年度满意度调查",
                organisation=f"第{town}镇人民政府" if town != 7 else "青山镇人民政府",
                organisation_en="Qingshan Town" if town == 7 else "",
                year=year,
                status=Status.PUBLISHED if town % 5 == 0 else Status.OPEN,
            )
        )
    Survey.objects.bulk_create(surveys)
    return get_user_model().objects.create_superuser("county", password="pw-long-enough-123")


def _newest_first(**kept) -> list[str]:
    return list(Survey.objects.filter(**kept).order_by("-year", "slug").values_list("slug", flat=True))


@pytest.mark.parametrize("address", ["/staff/", "/evaluate/"])
def test_a_long_list_is_read_twenty_at_a_time_newest_first(county, address):
    client = _client(county)
    every = _newest_first()
    first = client.get(address).content.decode()
    assert _listed(first) == every[:SURVEYS_PER_PAGE]
    assert "第 1 / 2 页" in first and 'href="?page=2"' in first and 'rel="prev"' not in first
    second = client.get(address, {"page": 2}).content.decode()
    assert _listed(second) == every[SURVEYS_PER_PAGE:]
    assert "第 2 / 2 页" in second and 'href="?page=1"' in second and 'rel="next"' not in second
    # A page past the end or not a number: the last page, the first; never an error.
    assert _listed(client.get(address, {"page": 9}).content.decode()) == every[SURVEYS_PER_PAGE:]
    assert _listed(client.get(address, {"page": "x"}).content.decode()) == every[:SURVEYS_PER_PAGE]


@pytest.mark.parametrize("address", ["/staff/", "/evaluate/"])
def test_a_year_a_status_and_words_narrow_the_list_and_the_page_links_keep_them(county, address):
    client = _client(county)
    html = client.get(address, {"year": "2023"}).content.decode()
    assert _listed(html) == _newest_first(year=2023)
    assert "25 项调查中符合条件的 13 项。" in _text(html)
    assert '<option value="2023" selected>2023</option>' in html
    published = client.get(address, {"status": "published", "year": "2024"}).content.decode()
    assert (
        _listed(published)
        == _newest_first(status=Status.PUBLISHED, year=2024)
        == ["town10-2024", "town20-2024"]
    )
    # The words: the title, the body (either language), the code or the year, case aside,
    # trimmed; words apart (by a space, a full-width one too) each found, in any order.
    for words, expected in (
        (" 青山镇 ", ["town07-2023"]),
        ("qingshan", ["town07-2023"]),
        ("第12镇2024", ["town12-2024"]),
        ("TOWN2", _newest_first(slug__startswith="town2")),
        ("青山镇 2023", ["town07-2023"]),
        ("2023\u3000Qingshan", ["town07-2023"]),
        ("青山镇 2024", []),
        ("人民政府  第12镇", ["town12-2024"]),
        ("第1镇 第12镇", []),
    ):
        assert _listed(client.get(address, {"q": words}).content.decode()) == expected, words
    nothing = client.get(address, {"q": "没有这个镇"}).content.decode()
    assert _listed(nothing) == [] and "25 项调查中符合条件的 0 项。" in _text(nothing)
    assert '<a href="?">显示全部</a>' in nothing
    # Page links carry the choices on: 2023's 13 surveys are one page, the 25 "town" ones two.
    assert 'rel="next"' not in html
    towns = client.get(address, {"q": "town"}).content.decode()
    assert 'href="?page=2&amp;q=town"' in towns
    assert (
        _listed(client.get(address, {"q": "town", "page": 2}).content.decode())
        == _newest_first()[SURVEYS_PER_PAGE:]
    )


@pytest.mark.parametrize("address", ["/staff/", "/evaluate/"])
def test_a_choice_the_list_does_not_have_narrows_nothing(county, address):
    client = _client(county)
    every = _newest_first()[:SURVEYS_PER_PAGE]
    for asked in (
        {"year": "1999"},
        {"year": "abc"},
        {"year": "２０２３"},
        {"status": "draft"},
        {"status": "x"},
    ):
        html = client.get(address, asked).content.decode()
        assert _listed(html) == every, asked
        assert "符合条件" not in html, asked
    # Words longer than the box takes are cut to its 50 characters.
    html = client.get(address, {"q": "第1镇" + "x" * 60}).content.decode()
    assert 'value="第1镇' + "x" * 47 + '"' in html


def test_a_short_list_offers_no_choices_until_some_are_made():
    survey = make_survey("hill-2024")
    user = member("town-staff", survey, SurveyMembership.Role.STAFF)
    for n in range(2, NARROW_FROM):
        Survey.objects.create(slug=f"s{n}", title=f"调查{n}", organisation="山村镇人民政府", year=2010 + n)
        SurveyMembership.objects.create(survey=Survey.objects.get(slug=f"s{n}"), user=user, role="staff")
    client = _client(user)
    assert 'id="survey-choices"' not in client.get("/staff/").content.decode()
    html = client.get("/staff/", {"year": "2024"}).content.decode()  # a link kept from elsewhere
    assert 'id="survey-choices"' in html and _listed(html) == ["hill-2024"]
    Survey.objects.create(slug="s9", title="调查9", organisation="山村镇人民政府", year=2030)
    SurveyMembership.objects.create(survey=Survey.objects.get(slug="s9"), user=user, role="staff")
    assert 'id="survey-choices"' in client.get("/staff/").content.decode()


@pytest.fixture
def two_years():
    """An evaluator of 山村镇 2023 and 2024, answered differently, and 24 more surveys to page."""
    before = make_survey("hill-2023")
    Survey.objects.filter(pk=before.pk).update(year=2023)
    before.refresh_from_db()
    answer(answer(before, 4, village="east"), 5, village="west")
    this = answer(answer(make_survey("hill-2024"), 6, village="east"), 6, village="west")
    evaluator = member("pinggu", this, EVALUATOR)
    SurveyMembership.objects.create(survey=before, user=evaluator, role=EVALUATOR)
    for n in range(24):
        extra = Survey.objects.create(slug=f"z{n:02d}", title=f"镇{n}", organisation=f"镇{n}", year=2022)
        SurveyMembership.objects.create(survey=extra, user=evaluator, role=EVALUATOR)
    return evaluator, before, this


def test_the_change_since_the_year_before_stays_when_that_year_is_not_shown(two_years):
    evaluator, before, this = two_years
    composite = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    change = f"较 2023 年 {signed(composite.difference)} {interval(composite.ci95)}"
    client = _client(evaluator)
    for asked in ({}, {"year": "2024"}, {"q": "hill-2024"}):
        html = client.get("/evaluate/", asked).content.decode()
        assert "hill-2023" not in _listed(html) or not asked
        card = re.search(r'data-survey="hill-2024">(.*?)</li>', html, re.S)[1]
        assert change in _text(card), asked
        assert 'href="/evaluate/hill-2024/?compare=hill-2023#compare"' in card


def test_the_year_before_is_the_same_body_whatever_the_width_of_its_characters_and_spaces(two_years):
    """Two years' clerks write the body's name each their way: full-width brackets and digits one
    year, half-width and a space the next. The same body: the change is given."""
    evaluator, before, this = two_years
    Survey.objects.filter(pk=before.pk).update(organisation="山村镇人民政府（第２片区）")
    Survey.objects.filter(pk=this.pk).update(organisation=" 山村镇 人民政府(第2片区)")
    client = _client(evaluator)
    listed = {item["slug"]: item for item in client.get("/api/v1/surveys/").json()}
    assert listed["hill-2024"]["figures"]["change"]["base"] == "hill-2023"
    # Another body's name is not matched.
    Survey.objects.filter(pk=this.pk).update(organisation="山村乡人民政府(第2片区)")
    listed = {item["slug"]: item for item in client.get("/api/v1/surveys/").json()}
    assert listed["hill-2024"]["figures"]["change"] is None


def test_the_summary_files_hold_what_the_choices_keep_on_every_page(two_years):
    evaluator, before, this = two_years
    client = _client(evaluator)
    # All 26, not the page's 20; the page's download links carry the choices.
    html = client.get("/evaluate/").content.decode()
    assert 'href="/evaluate/surveys.xlsx"' in html and "包括其他页上的" in html
    rows = list(csv.DictReader(io.StringIO(client.get("/evaluate/surveys.csv").content.decode("utf-8-sig"))))
    assert len({row["survey"] for row in rows}) == 26
    narrowed = client.get("/evaluate/", {"year": "2024"}).content.decode()
    assert 'href="/evaluate/surveys.xlsx?year=2024"' in narrowed
    assert 'href="/evaluate/surveys.csv?year=2024"' in narrowed
    text = client.get("/evaluate/surveys.csv", {"year": "2024"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["survey"] for row in rows} == {"hill-2024"}
    composite = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    line = next(row for row in rows if not row["dimension"])
    assert line["previous"] == "hill-2023" and float(line["change"]) == pytest.approx(composite.difference)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/evaluate/surveys.xlsx", {"q": "镇1"}).content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value.startswith("评价结果汇总：11 项调查，") and sheet["A1"].value.endswith(
        " 筛选：含“镇1”。"
    )
    # Words pasted with control characters (a workbook holds none): one line, each word found.
    for fmt in ("xlsx", "csv"):
        assert client.get(f"/evaluate/surveys.{fmt}", {"q": "\x0b镇1\x01hill\x1f"}).status_code == 200
    pasted = client.get("/evaluate/surveys.xlsx", {"q": "镇1\x01\t镇1"}).content
    assert (
        openpyxl.load_workbook(io.BytesIO(pasted)).worksheets[0]["A1"].value.endswith(" 筛选：含“镇1 镇1”。")
    )
    whole = openpyxl.load_workbook(io.BytesIO(client.get("/evaluate/surveys.xlsx").content)).worksheets[0]
    assert whole["A1"].value.startswith("评价结果汇总：26 项调查，") and "筛选" not in whole["A1"].value
    codes = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("z")]
    assert codes == [f"z{n:02d}" for n in [1] + list(range(10, 20))]
    # In English the links say so, with the choices.
    client.get("/?lang=en")
    english = client.get("/evaluate/", {"year": "2024"}).content.decode()
    assert 'href="/evaluate/surveys.csv?year=2024&amp;lang=en"' in english
    book = client.get("/evaluate/surveys.xlsx", {"year": "2024", "status": "open", "q": "hill", "lang": "en"})
    stamp = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets[0]["A1"].value
    assert stamp.endswith(" Narrowed to: Year 2024, Collecting, with “hill”."), stamp


def test_the_api_list_takes_the_same_choices_and_refuses_what_it_cannot_read(two_years):
    evaluator, before, this = two_years
    client = _client(evaluator)
    listed = client.get("/api/v1/surveys/", {"year": "2024"}).json()
    assert [item["slug"] for item in listed] == ["hill-2024"]
    composite = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    change = listed[0]["figures"]["change"]
    assert change["base"] == "hill-2023" and change["difference"] == pytest.approx(composite.difference)
    assert [i["slug"] for i in client.get("/api/v1/surveys/", {"q": " 镇1 ", "status": "draft"}).json()] == [
        f"z{n:02d}" for n in (1, *range(10, 20))
    ]
    assert [i["slug"] for i in client.get("/api/v1/surveys/", {"q": "hill\x01 2023"}).json()] == ["hill-2023"]
    # Words apart each found: the year among them.
    assert [i["slug"] for i in client.get("/api/v1/surveys/", {"q": "hill 2023"}).json()] == ["hill-2023"]
    assert client.get("/api/v1/surveys/", {"year": "1999"}).json() == []  # nobody's year: none
    assert len(client.get("/api/v1/surveys/", {"year": "", "q": ""}).json()) == 26  # empty: not asked
    for asked, field in (
        ({"year": "abc"}, "year"),
        ({"year": "20240"}, "year"),
        ({"status": "gone"}, "status"),
    ):
        response = client.get("/api/v1/surveys/", asked)
        assert response.status_code == 400 and field in response.json()["errors"], asked


def test_the_evaluator_ranks_by_the_composite_and_the_files_follow(two_years):
    evaluator, before, this = two_years
    client = _client(evaluator)
    scores = {s.slug: evaluator_document(s)["composite"]["score"] for s in (before, this)}
    low, high = sorted(scores, key=scores.get)
    unscored = [f"z{n:02d}" for n in range(24)]  # newest first, then by code: as the list was
    assert scores[low] < scores[high]
    for order, ranked in (("score-asc", [low, high]), ("score-desc", [high, low])):
        html = client.get("/evaluate/", {"order": order}).content.decode()
        assert _listed(html) == ranked + unscored[:18], order  # without a composite: last
        assert f'<option value="{order}" selected>' in html
        assert f'href="?page=2&amp;order={order}"' in html
        assert (
            _listed(client.get("/evaluate/", {"order": order, "page": 2}).content.decode()) == unscored[18:]
        )
        assert f'href="/evaluate/surveys.csv?order={order}"' in html
        rows = csv.DictReader(
            io.StringIO(client.get("/evaluate/surveys.csv", {"order": order}).content.decode("utf-8-sig"))
        )
        assert [row["survey"] for row in rows if not row["dimension"]] == ranked + unscored, order
        # The API's list too, every survey kept.
        listed = client.get("/api/v1/surveys/", {"order": order}).json()
        assert [item["slug"] for item in listed] == ranked + unscored, order
    assert [
        i["slug"] for i in client.get("/api/v1/surveys/", {"order": "score-asc", "year": 2024}).json()
    ] == ["hill-2024"]
    # Ranked within a year: the year before still compared though not shown.
    html = client.get("/evaluate/", {"order": "score-asc", "year": "2024"}).content.decode()
    assert _listed(html) == ["hill-2024"] and "较 2023 年" in _text(html)
    # An order it does not offer: newest first; the staff list does not rank by the composite.
    assert _listed(client.get("/evaluate/", {"order": "x"}).content.decode())[:2] == [
        "hill-2024",
        "hill-2023",
    ]
    assert 'value="progress-asc"' not in client.get("/evaluate/").content.decode()
    staff = client.get("/staff/", {"order": "score-asc"}).content.decode()
    assert 'value="score-asc"' not in staff and _listed(staff)[:2] == ["hill-2024", "hill-2023"]


def test_staff_put_the_collections_that_lag_first(county):
    """Six towns collecting against the same quota (3 villagers of 东村 aged 18–44): the one with
    nothing yet first, then one of three, then those that met it; a town over its quota is not
    ahead of one that met it (a cell over its quota makes up for none); a draft and a survey
    without a quota have no progress to rank: last, newest first as the list was."""
    Survey.objects.all().delete()
    towns = {slug: make_survey(slug) for slug in ("a-met", "b-none", "c-one", "d-over", "e-two", "f-draft")}
    for slug, n in (("a-met", 3), ("c-one", 1), ("d-over", 5), ("e-two", 2)):
        for _ in range(n):
            make_response(towns[slug])
    Survey.objects.filter(slug="f-draft").update(status=Status.DRAFT)
    Quota.objects.filter(survey=make_survey("g-no-quota")).delete()
    client = _client(county)
    html = client.get("/staff/", {"order": "progress-asc"}).content.decode()
    assert _listed(html) == ["b-none", "c-one", "e-two", "a-met", "d-over", "f-draft", "g-no-quota"]
    assert '<option value="progress-asc" selected>收集进度从低到高</option>' in html
    # Within the choices, and the words narrow as before.
    assert _listed(client.get("/staff/", {"order": "progress-asc", "q": "e-"}).content.decode()) == ["e-two"]
    assert _listed(client.get("/staff/").content.decode()) == sorted(towns) + ["g-no-quota"]


def test_the_api_list_gives_each_collections_progress_and_puts_those_that_lag_first(county):
    """A county's script reads every town's progress in one request, ranked as /staff/ ranks
    them, and a staff member's token reads it too (staff see no scores)."""
    Survey.objects.all().delete()
    towns = {slug: make_survey(slug) for slug in ("a-met", "b-none", "c-one", "d-over", "f-draft")}
    for slug, n in (("a-met", 3), ("c-one", 1), ("d-over", 5)):
        for _ in range(n):
            make_response(towns[slug])
    make_response(towns["c-one"], excluded=True)
    Survey.objects.filter(slug="f-draft").update(status=Status.DRAFT)
    client = _client(county)
    listed = client.get("/api/v1/surveys/", {"order": "progress-asc"}).json()
    assert [item["slug"] for item in listed] == ["b-none", "c-one", "a-met", "d-over", "f-draft"]
    progress = {item["slug"]: item["progress"] for item in listed}
    assert progress["f-draft"] is None  # nothing is collected in a draft, as /staff/ shows none
    one = progress["c-one"]
    assert (one["target"], one["received"], one["responses"], one["excluded"], one["still_needed"]) == (
        3,
        1,
        2,
        1,
        2,
    )
    assert (one["percent"], one["status"], one["status_label"]) == (
        pytest.approx(100 / 3, abs=0.05),
        "behind",
        "未完成",
    )
    assert one["last_response_at"] is not None and progress["b-none"]["last_response_at"] is None
    over = progress["d-over"]
    assert (over["received"], over["towards_target"], over["still_needed"], over["status"]) == (
        5,
        3,
        0,
        "over",
    )
    # The same totals as each survey's progress endpoint.
    totals = client.get("/api/v1/surveys/c-one/progress/").json()["totals"]
    assert {key: one[key] for key in totals} == totals
    # Staff: the progress without the scores; an order by the composite leaves the list as it was.
    staff = member("town-staff", towns["a-met"], SurveyMembership.Role.STAFF)
    for town in towns.values():
        SurveyMembership.objects.get_or_create(survey=town, user=staff, role=SurveyMembership.Role.STAFF)
    as_staff = _client(staff).get("/api/v1/surveys/", {"order": "score-asc"}).json()
    assert [item["slug"] for item in as_staff] == sorted(towns)
    assert all(item["figures"] is None for item in as_staff)
    assert {item["slug"]: item["progress"] for item in as_staff} == progress


@pytest.mark.parametrize(
    ("address", "asked"),
    [
        ("/staff/", {}),
        ("/staff/", {"order": "progress-asc"}),
        ("/api/v1/surveys/", {"order": "progress-asc", "status": "open"}),
    ],
)
def test_the_lists_read_every_towns_progress_in_the_same_queries_for_three_towns_or_nine(
    county, address, asked
):
    """A county's list reads each town's collection (and, for those who review, its flagged
    responses left to check) in one go: nine towns take no more queries than three. (The API
    is read by the towns' staff member: an evaluator's list scores each survey besides.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Survey.objects.all().delete()
    staff = get_user_model().objects.create_user("county-staff")
    client = _client(staff if address.startswith("/api/") else county)
    counted = []
    for towns in (range(3), range(3, 9)):
        for town in towns:
            survey = make_survey(f"t{town}")
            SurveyMembership.objects.create(survey=survey, user=staff, role=SurveyMembership.Role.STAFF)
            make_response(survey)
            make_response(survey, flags=[{"code": "speeder", "reason": "快"}])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address, asked)
        assert response.status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1], counted
    if address.startswith("/api/"):
        assert [item["progress"]["responses"] for item in response.json()] == [2] * 9
    else:
        assert "1 份标记答卷待核查" in response.content.decode()
