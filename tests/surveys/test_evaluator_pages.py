"""Evaluators' pages, charts, downloads over the API, and read-only API tokens."""

import io
import re
from urllib.parse import unquote

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from stats.text import rounded
from surveys.models import Survey, SurveyMembership
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR
STAFF = SurveyMembership.Role.STAFF


@pytest.fixture
def answered(survey):
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    return survey


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _answer_patterns(survey, patterns: list[str]) -> None:
    """One response per pattern, a letter an item's answer: s 满意, b 基本满意, d 不满意."""
    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text

    option = {"s": "satisfied", "b": "basically_satisfied", "d": "dissatisfied"}
    rows = [csv_row(answers=tuple(option[c] for c in p)) for p in patterns]
    responses_import_text(survey=survey, text=csv_text(*rows))


def _reliability_section(html: str, lang: str = "zh") -> str:
    """The page's 信度 card, from its heading to its end."""
    section = html[html.index("<h2>" + ("信度" if lang == "zh" else "Reliability")) :]
    return section[: section.index("</section>")]


def _pdf_text(survey, lang: str, tmp_path) -> str:
    """The survey's PDF report as pdftotext reads it, its runs of white space made one space
    (the test is skipped without poppler-utils)."""
    import shutil
    import subprocess

    from surveys.reports import render_report
    from surveys.reports.data import report_data

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(report_data(survey, language=lang), "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_evaluator_page_shows_the_composite_its_interval_and_every_derivation(answered):
    from surveys.scoring import score_document

    user = member("li", answered, EVALUATOR)
    page = _browser(user).get("/evaluate/hill-2024/")
    assert page.status_code == 200
    doc = score_document(answered)
    html = page.content.decode()
    assert f"{doc['composite']['score']:.2f}" in html
    assert f"{doc['composite']['ci95'][0]:.2f}" in html
    for entry in doc["explain"]:
        if not entry["figure"].startswith("by_village_group:"):
            assert entry["text"].replace("“", "&ldquo;")[:12] in html or entry["text"][:12] in html
    for fmt in ("pdf", "xlsx", "csv", "sav"):
        assert f"/api/v1/surveys/hill-2024/report.{fmt}" in html
    assert "发布报告" not in html  # the survey is still open


def test_a_figure_the_data_cannot_give_is_a_dash_not_an_empty_cell(survey):
    """A pilot of one village: villagers are one primary sampling unit, so no standard error, no
    design effect and no interval. The headline card read "标准误  · 设计效应  · n = 6", its
    figures left out, and the dimension table's 标准误 column was empty."""
    answer(survey, 6, village="east")
    html = _browser(member("li", survey, EVALUATOR)).get("/evaluate/hill-2024/").content.decode()
    card = re.search(r'<div class="card headline">(.*?)</div>', html, re.S)[1]
    text = " ".join(re.sub(r"<[^>]+>", " ", card).replace("&nbsp;", " ").split())
    assert "95% 置信区间 — 标准误 — · 设计效应 — · n = 6" in text, text
    dimensions = re.search(r"<h2>各维度得分</h2>(.*?)</table>", html, re.S)[1]
    assert '<td class="num"></td>' not in dimensions and '<td class="num">—</td>' in dimensions


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_dimensions_alpha_whose_interval_reaches_below_0_is_cautioned_on_the_page_and_in_the_pdf(
    survey, lang, tmp_path
):
    """The whole α had its caution (too few respondents, or items that hardly agree); the table
    of α by dimension gave 0.35 [−0.2, 0.6] without a word. Each such dimension is now named
    under the table, with what its interval means."""
    import html as entities

    from stats.explain import ALPHA_ACCEPTABLE
    from surveys.scoring import score_document
    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text

    # 公共服务's two items (roads, water) pulling apart: its α −2.50, interval [−23.98, 0.51].
    code = {"s": "satisfied", "b": "basically_satisfied", "d": "dissatisfied"}
    patterns = ["ssd", "bds", "dsb", "sbb", "bsd", "dbs"]
    rows = [csv_row(answers=tuple(code[c] for c in p), village=v) for p in patterns for v in ("east", "west")]
    responses_import_text(survey=survey, text=csv_text(*rows))
    answered = survey
    doc = score_document(answered, lang=lang)
    per_dimension = doc["reliability"]["dimensions"]
    expected = []
    for d in doc["dimensions"]:
        low, high = per_dimension[d["code"]].get("ci95") or (None, None)
        if low is not None and low < 0:
            few = high >= ALPHA_ACCEPTABLE
            why = {
                ("zh", True): "受访者太少，α 说明不了",
                ("zh", False): "各题的回答几乎不一致",
                ("en", True): "too few respondents for alpha to tell",
                ("en", False): "the items' answers hardly agree",
            }[lang, few]
            expected.append(f"{d['name']}（{why}）" if lang == "zh" else f"{d['name']} ({why})")
    assert expected, "the fixture has a dimension whose interval reaches below 0"
    sentence = (
        f"区间下限低于 0 的维度：{'、'.join(expected)}。"
        if lang == "zh"
        else f"Dimensions whose interval reaches below 0: {', '.join(expected)}."
    )
    html = (
        _browser(member("li", answered, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    )
    shown = re.search(r'<p class="warn small" id="dimension-cautions">(.*?)</p>', html, re.S)[1]
    assert entities.unescape(re.sub(r"<[^>]+>", "", shown)) == sentence
    assert sentence.replace(" ", "") in _pdf_text(answered, lang, tmp_path).replace(" ", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_offers_a_paragraph_for_the_evaluation_report_in_its_own_figures(answered, lang):
    """The seed report's survey paragraph gave 92.62 without a margin of error and two counts of
    questionnaires; the page writes the paragraph from the figures it shows."""
    import html as entities

    from surveys.scoring import score_document

    doc = score_document(answered, lang=lang)
    low, high = doc["composite"]["ci95"]
    html = (
        _browser(member("li", answered, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    )
    shown = re.search(r'<blockquote id="report-paragraph">(.*?)</blockquote>', html, re.S)[1]
    paragraph = entities.unescape(re.sub(r"<[^>]+>", "", shown))
    if lang == "en":  # its Chinese names marked for a Chinese voice, the English words not
        assert '<span lang="zh-Hans">村民群众</span>' in shown and not shown.startswith("<span")
    score = f"{rounded(doc['composite']['score'])}"
    if lang == "zh":
        assert paragraph.startswith(
            "本次满意度调查的对象为 2 个村（社区）的“村民群众”，共回收问卷 12 份，有效 12 份。"
        )
        assert f"综合满意度为 {score} 分（95% 置信区间 {rounded(low)}–{rounded(high)} 分）。" in paragraph
    else:
        assert paragraph.startswith(
            "This satisfaction survey asked “村民群众” in 2 villages (communities); 12 questionnaires"
        )
        assert (
            f"The composite satisfaction is {score} (95% confidence interval {rounded(low)}–{rounded(high)})."
            in paragraph
        )
    for dimension in doc["dimensions"]:
        assert f"{dimension['name']} {rounded(dimension['score'])}" in paragraph


def test_staff_may_not_see_the_scores_page_and_outsiders_do_not_learn_it_exists(answered):
    assert _browser(member("zhang", answered, STAFF)).get("/evaluate/hill-2024/").status_code == 403
    assert _browser(member("wang", answered, None)).get("/evaluate/hill-2024/").status_code == 404


@pytest.mark.parametrize(("fmt", "kind"), [("png", "image/png"), ("svg", "image/svg+xml")])
def test_charts_are_served_as_png_and_svg(answered, fmt, kind):
    client = _browser(member("li", answered, EVALUATOR))
    for name in ("dimensions", "items", "villages", "heatmap", "groups"):
        response = client.get(f"/evaluate/hill-2024/charts/{name}.{fmt}")
        assert response.status_code == 200 and response["Content-Type"] == kind


def test_an_unknown_chart_is_not_found(answered):
    client = _browser(member("li", answered, EVALUATOR))
    assert client.get("/evaluate/hill-2024/charts/pie.png").status_code == 404
    assert client.get("/evaluate/hill-2024/charts/items.png?size=poster").status_code == 404


def test_a_release_that_draws_charts_differently_does_not_serve_the_cached_ones(answered, monkeypatch):
    from surveys.evaluate import views

    client = _browser(member("li", answered, EVALUATOR))
    first = client.get("/evaluate/hill-2024/charts/items.png").content
    assert (
        first.startswith(b"\x89PNG") and client.get("/evaluate/hill-2024/charts/items.png").content == first
    )
    monkeypatch.setattr(views, "CHART_CODE", "next-release")
    monkeypatch.setattr(views.charts, "render", lambda figure, fmt: b"drawn again")
    assert client.get("/evaluate/hill-2024/charts/items.png").content == b"drawn again"


def test_each_chart_has_a_phone_sized_image_which_the_page_offers_to_narrow_screens(answered):
    from PIL import Image

    client = _browser(member("li", answered, EVALUATOR))
    html = client.get("/evaluate/hill-2024/").content.decode()
    for name in ("dimensions", "items", "villages", "heatmap", "groups"):
        phone = re.search(
            rf'<source media="\(max-width: 40rem\)" srcset="([^"]*/charts/{name}\.png[^"]*)"', html
        )
        assert phone and "size=phone" in phone[1], name
        wide = Image.open(io.BytesIO(client.get(f"/evaluate/hill-2024/charts/{name}.png").content))
        narrow = Image.open(io.BytesIO(client.get(phone[1].replace("&amp;", "&")).content))
        assert (wide.width, narrow.width) == (1050, 540), name  # 7 and 3.6 inches at 150 dpi


def test_on_a_cache_miss_each_chart_is_built_once_for_the_page_and_its_image(answered, monkeypatch):
    """The page names each image's size, then the browser asks for the image: the page built every
    chart at both widths only to learn their sizes, and each image built its chart again (22–176 ms
    each); now only the image builds it, and an image already cached builds nothing."""
    from html import unescape

    from django.core.cache import cache

    from surveys.evaluate import views

    cache.clear()  # a miss, whatever earlier tests cached
    built = []
    figure = views.charts._figure

    def counted(width, height):
        made = figure(width, height)
        built.append(width)
        return made

    monkeypatch.setattr(views.charts, "_figure", counted)
    client = _browser(member("li", answered, EVALUATOR))
    html = client.get("/evaluate/hill-2024/").content.decode()
    assert built == []
    images = [unescape(a) for a in re.findall(r'(?:srcset|src)="([^"]*/charts/[^"]+\.png[^"]*)"', html)]
    assert len(images) == 10
    for image in images:
        assert client.get(image).content.startswith(b"\x89PNG")
    assert sorted(built) == [views.charts.PHONE] * 5 + [views.charts.WIDE] * 5  # one per image
    for image in images:
        client.get(image)
    assert len(built) == 10


def test_an_evaluator_publishes_a_closed_survey_from_the_page(answered):
    Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
    client = _browser(member("li", answered, EVALUATOR))
    assert "发布报告" in client.get("/evaluate/hill-2024/").content.decode()
    response = client.post("/evaluate/hill-2024/publish/", follow=True)
    assert "已发布" in response.content.decode()
    answered.refresh_from_db()
    assert answered.status == Survey.Status.PUBLISHED


def test_the_page_says_when_the_data_changed_after_publication(answered):
    Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
    client = _browser(member("li", answered, EVALUATOR))
    client.post("/evaluate/hill-2024/publish/")
    assert "发布后答卷有变化" not in client.get("/evaluate/hill-2024/").content.decode()
    answer(answered, 3)
    assert "发布后答卷有变化" in client.get("/evaluate/hill-2024/").content.decode()


def test_a_download_names_its_file_in_chinese_with_an_ascii_fallback(answered):
    client = APIClient()
    client.force_authenticate(member("li", answered, EVALUATOR))
    response = client.get("/api/v1/surveys/hill-2024/report.xlsx")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert 'filename="hill-2024-report.xlsx"' in disposition
    assert "山村镇2024年度满意度调查-统计结果.xlsx" in unquote(disposition.split("filename*=UTF-8''")[1])
    assert len(response["X-Data-Hash"]) == 64


def test_a_client_may_ask_for_the_files_own_type(answered):
    client = APIClient()
    client.force_authenticate(member("li", answered, EVALUATOR))
    response = client.get("/api/v1/surveys/hill-2024/report.pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_staff_cannot_download_the_evaluators_report(answered):
    client = APIClient()
    client.force_authenticate(member("zhang", answered, STAFF))
    assert client.get("/api/v1/surveys/hill-2024/report.csv").status_code == 403


def test_an_evaluator_token_reads_the_score_and_the_downloads(answered):
    client = _token_client(member("li", answered, EVALUATOR))
    assert client.get("/api/v1/surveys/hill-2024/score/").status_code == 200
    assert client.get("/api/v1/surveys/hill-2024/report.csv").status_code == 200


def test_an_evaluator_token_cannot_change_anything(answered):
    client = _token_client(member("li", answered, EVALUATOR))
    scheme = client.get("/api/v1/surveys/hill-2024/scheme/").json()
    scheme["option_points"]["basically_satisfied"] = 60
    response = client.put("/api/v1/surveys/hill-2024/scheme/", scheme, format="json")
    assert response.status_code in (401, 403)
    answered.refresh_from_db()
    assert answered.scheme is None


def test_the_token_page_issues_and_replaces_a_token(answered):
    user = member("li", answered, EVALUATOR)
    client = _browser(user)
    assert "生成令牌" in client.get("/evaluate/token/").content.decode()
    client.post("/evaluate/token/")
    first = Token.objects.get(user=user).key
    assert first in client.get("/evaluate/token/").content.decode()
    client.post("/evaluate/token/")
    assert Token.objects.get(user=user).key != first


def test_staff_get_a_token_for_the_progress_and_the_page_says_so(answered):
    """A staff member's tools (a county's screen, a script) read the progress with a token: the
    page lists their survey as readable for its progress, and its examples call only that."""
    user = member("zhang", answered, STAFF)
    client = _browser(user)
    page = client.get("/evaluate/token/").content.decode()
    reads = page[page.index('id="token-reads"') : page.index("</section>", page.index('id="token-reads"'))]
    assert 'href="/staff/hill-2024/"' in reads and "收集进度" in reads and "得分" not in reads
    assert "/api/v1/surveys/hill-2024/progress/" in page and "/score/" not in page
    client.post("/evaluate/token/")
    key = Token.objects.get(user=user).key
    assert key in client.get("/evaluate/token/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/surveys/hill-2024/progress/").status_code == 200
    assert api.get("/api/v1/surveys/hill-2024/score/").status_code == 403


def test_the_token_page_says_what_an_evaluators_token_reads_in_english_too(answered):
    client = _browser(member("li", answered, EVALUATOR))
    for lang, reads in (
        ("zh", "得分、对比、报告下载与收集进度"),
        ("en", "scores, comparisons, report downloads"),
    ):
        page = client.get(f"/evaluate/token/?lang={lang}").content.decode()
        assert 'href="/evaluate/hill-2024/"' in page and reads in page
        assert "/api/v1/surveys/hill-2024/score/" in page and "/api/v1/surveys/hill-2024/progress/" in page


def test_someone_in_no_survey_gets_no_api_token(survey):
    client = _browser(member("wang", survey, None))
    assert client.get("/evaluate/token/").status_code == 403
    assert client.post("/evaluate/token/").status_code == 403
    assert not Token.objects.exists()


def test_the_openapi_schema_lists_the_downloads_and_swagger_ui_is_served_locally(answered):
    client = _browser(member("li", answered, EVALUATOR))
    schema = client.get("/api/v1/schema/").content.decode()
    for fmt in ("xlsx", "pdf", "csv", "sav"):
        assert f"/api/v1/surveys/{{slug}}/report.{fmt}" in schema
    swagger = client.get("/api/v1/docs/swagger/").content.decode()
    assert "swagger-ui" in swagger and "cdn." not in swagger


def test_the_api_documentation_explains_the_scheme_instead_of_citing_a_contract_its_readers_lack(answered):
    """It said "计分方案（合同 §2）", "得分文档（合同 §5）": our contract document, which the
    people integrating with the API never see."""
    schema = _browser(member("li", answered, EVALUATOR)).get("/api/v1/schema/").content.decode()
    assert "合同" not in schema
    assert "{选项代码: 分值 0–100，null 为不计分}" in schema  # the Scheme component's option_points


def test_the_evaluate_page_lists_the_surveys_the_user_may_evaluate(answered):
    """/evaluate/ (the home page's 评价结果) lists the user's evaluator surveys, each linking on."""
    from tests.factories import make_survey

    other = make_survey("other-2024")
    staffed = make_survey("staffed-2024")
    user = member("li", answered, EVALUATOR)
    SurveyMembership.objects.create(survey=staffed, user=user, role=STAFF)  # staff there: no scores
    page = _browser(user).get("/evaluate/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/evaluate/hill-2024/"' in html
    assert "/evaluate/staffed-2024/" not in html and "/evaluate/other-2024/" not in html
    assert _browser(user).get("/evaluate/hill-2024/").status_code == 200  # and the link opens

    from surveys.permissions import can_read_scores

    for survey in (answered, other, staffed):  # the list follows the permission rule
        assert (f'href="/evaluate/{survey.slug}/"' in html) == can_read_scores(user, survey)


def test_administrators_see_every_survey_on_the_evaluate_page(answered):
    from django.contrib.auth.models import User

    from tests.factories import make_survey

    make_survey("other-2024")
    admin = User.objects.create_superuser("root", password="pw-long-enough-123")
    html = _browser(admin).get("/evaluate/?lang=en").content.decode()
    assert 'href="/evaluate/hill-2024/"' in html and 'href="/evaluate/other-2024/"' in html
    assert "<h1>Results</h1>" in html


def test_staff_are_told_the_evaluate_page_is_for_evaluators(answered):
    html = _browser(member("wang", answered, STAFF)).get("/evaluate/").content.decode()
    assert "您不是任何调查的评价人员" in html and "/evaluate/hill-2024/" not in html
    assert 'href="/staff/"' in html


def test_anonymous_visitors_of_the_evaluate_page_are_asked_to_log_in(client):
    reply = client.get("/evaluate/")
    assert reply.status_code == 302 and reply["Location"] == "/accounts/login/?next=/evaluate/"
    home = client.get("/").content.decode()
    assert 'href="/evaluate/"' in home  # the home page's link now leads somewhere


def test_the_charts_addresses_name_the_pages_language_and_its_figures(answered):
    """A browser keeps a chart for five minutes: after a switch to English, or new responses, the
    page must ask for another address, or it shows the old chart (Chinese, old figures)."""
    import re

    browser = _browser(member("li", answered, SurveyMembership.Role.EVALUATOR))
    chinese = re.findall(r'<img src="([^"]+)"', browser.get("/evaluate/hill-2024/").content.decode())
    english = re.findall(r'<img src="([^"]+)"', browser.get("/evaluate/hill-2024/?lang=en").content.decode())
    assert len(chinese) == len(english) == 5
    assert all("lang=zh" in src for src in chinese) and all("lang=en" in src for src in english)
    answer(answered, 1, village="west")
    again = re.findall(r'<img src="([^"]+)"', browser.get("/evaluate/hill-2024/?lang=en").content.decode())
    assert set(again).isdisjoint(english), "new figures, new addresses"
    assert browser.get(english[0].replace("&amp;", "&")).status_code == 200


def test_answer_shares_are_of_the_items_answers_as_in_the_charts(answered):
    """Blanks are counted beside the shares, not in them: the shares add up to 100 %."""
    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text

    responses_import_text(survey=answered, text=csv_text(csv_row(answers=("satisfied", "", "dont_know"))))
    page = _browser(member("li", answered, SurveyMembership.Role.EVALUATOR)).get("/evaluate/hill-2024/")
    roads = next(item for item in page.context["items"] if item["code"] == "roads")
    assert roads["blank"] == 1
    for item in page.context["items"]:
        assert sum(share for _name, _count, share, _look in item["shares"]) == pytest.approx(100.0)


def test_every_suppressed_cell_on_the_page_says_the_same_thing(answered):
    """One sentence with the threshold for villages, groups and age bands alike."""
    from surveys.cache import survey_data_changed
    from surveys.scoring import score_document

    scheme = {**score_document(answered)["scheme"], "min_cell": 100}
    answered.scheme = scheme
    answered.save(update_fields=["scheme", "updated_at"])
    survey_data_changed(answered)
    page = _browser(member("li", answered, SurveyMembership.Role.EVALUATOR)).get("/evaluate/hill-2024/")
    html = page.content.decode()
    cells = (
        2 * len(page.context["villages"])  # the ranking, and the heat map's table
        + len(page.context["doc"]["by_group"])
        + len(page.context["doc"]["by_age_band"])
    )
    assert html.count("样本不足 100 份，不公布") == cells and "样本不足，不公布" not in html


def test_a_new_survey_without_items_says_what_is_missing_instead_of_failing():
    survey = Survey.objects.create(
        slug="new-2023", title="新镇2023年度满意度调查", organisation="新镇", year=2023
    )
    evaluator = member("pinggu", survey, EVALUATOR)
    page = _browser(evaluator).get("/evaluate/new-2023/")
    assert page.status_code == 409
    assert "问卷还缺少题目、答案选项、受访群体，还不能计算得分" in page.content.decode()
    api = _token_client(evaluator)
    reply = api.get("/api/v1/surveys/new-2023/score/")
    assert reply.status_code == 409
    assert reply.json()["code"] == "questionnaire_incomplete"
    assert "问卷还缺少题目" in reply.json()["detail"]
    reply = api.get("/api/v1/surveys/new-2023/score/?lang=en")
    assert "The questionnaire has no items, answer options, respondent groups yet" in reply.json()["detail"]
    download = api.get("/api/v1/surveys/new-2023/report.csv")
    assert download.status_code == 409 and download.json()["code"] == "questionnaire_incomplete"
    # Both answers are in the OpenAPI schema, which the fuzzing checks every answer against.
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    assert "409" in paths["/api/v1/surveys/{slug}/score/"]["get"]["responses"]
    assert "409" in paths["/api/v1/surveys/{slug}/report.csv"]["get"]["responses"]


def test_every_row_of_the_evaluator_tables_is_named_by_a_row_header(answered):
    """A screen reader names a cell by its row header: the dimension, item, village or group."""
    import re

    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text

    # Totals that differ, so that there is an α and its table (the fixture's totals are all 180).
    varied = [("satisfied",) * 3, ("dissatisfied",) * 3, ("basically_satisfied",) * 3]
    responses_import_text(
        survey=answered, text=csv_text(*(csv_row(answers=a, village="east") for a in varied))
    )
    html = _browser(member("li", answered, EVALUATOR)).get("/evaluate/hill-2024/").content.decode()
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    assert len(bodies) == 8  # the reliability section has two: by dimension, by item
    for body in bodies:
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        assert rows
        for row in rows:
            assert len(re.findall(r'<th scope="row">', row)) == 1, row
    assert re.search(r'<th scope="row">经济发展</th>', html)
    assert re.search(r'<th scope="row">东村</th>', html)


def test_groups_and_age_bands_are_two_tables_each_named_for_what_it_lists(answered):
    """Not one table of groups and age bands run together under 分组: a reader (and a screen
    reader's table list) tells the respondent groups from the age bands by the table's title."""
    import re

    from surveys.scoring import score_document

    doc = score_document(answered)
    for lang, titles in (("zh", ("受访群体", "年龄段")), ("en", ("Respondent groups", "Age bands"))):
        html = _browser(member(f"li-{lang}", answered, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}")
        tables = re.findall(r"<table>\s*<caption>(.*?)</caption>(.*?)</table>", html.content.decode(), re.S)
        assert [caption for caption, _ in tables] == list(titles), lang
        (groups, _), (bands, _) = [(body, None) for _, body in tables]
        assert re.search(rf'<th scope="col">{titles[0]}</th>', groups)
        assert re.search(rf'<th scope="col">{titles[1]}</th>', bands)
        if lang == "zh":
            for cell in doc["by_group"]:
                assert f'<th scope="row">{cell["name"]}</th>' in groups
                assert f'<th scope="row">{cell["name"]}</th>' not in bands
            for cell in doc["by_age_band"]:
                assert f'<th scope="row">{cell["name"]}</th>' in bands
            assert doc["by_group"] and doc["by_age_band"]


def test_the_heatmaps_village_by_dimension_scores_are_also_a_table(answered):
    """The heat map's figures are on the page only in its image: a screen reader (and a phone,
    where the image is small) gets them as a table too."""
    import re

    from surveys.scoring import score_document

    html = _browser(member("li", answered, EVALUATOR)).get("/evaluate/hill-2024/").content.decode()
    table = re.search(r'<table id="village-dimensions".*?</table>', html, re.S).group(0)
    head = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
    assert "经济发展" in head and "公共服务" in head
    doc = score_document(answered)
    for village in doc["by_village"]:
        row = re.search(rf'<tr><th scope="row">{village["name"]}</th>(.*?)</tr>', table, re.S).group(1)
        for dimension in doc["dimensions"]:
            assert f"{village['dimensions'][dimension['code']]:.2f}" in row


def test_each_charts_svg_and_png_links_say_which_chart_they_are(answered):
    """Five SVG and five PNG links: in a screen reader's list of links each names its chart."""
    from django.utils.html import escape

    page = _browser(member("li", answered, EVALUATOR)).get("/evaluate/hill-2024/")
    html = page.content.decode()
    for chart in page.context["charts"]:
        assert f'<a href="{escape(chart.svg)}" aria-label="SVG · {chart.title}">SVG</a>' in html
        assert f'<a href="{escape(chart.png)}" aria-label="PNG · {chart.title}">PNG</a>' in html
    assert not re.search(r"<a href=\"[^\"]*\">(SVG|PNG)</a>", html)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_chart_image_names_the_size_of_the_png_it_gets_at_either_width(answered, lang):
    """<img> (the wide PNG) and <source> (the phone's) carry the pixels that arrive, so that the
    browser keeps each chart's place before its image loads (lazily, when scrolled to)."""
    from html import unescape

    from PIL import Image

    client = _browser(member("li", answered, EVALUATOR))
    html = client.get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    pictures = re.findall(r"<picture>(.*?)</picture>", html)
    assert len(pictures) == 5
    for picture in pictures:
        phone = re.search(r'<source [^>]*srcset="([^"]+)" width="(\d+)" height="(\d+)"', picture)
        wide = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)"', picture)
        assert phone and wide, picture
        for address, width, height in (phone.groups(), wide.groups()):
            png = Image.open(io.BytesIO(client.get(unescape(address)).content))
            assert png.size == (int(width), int(height)), address


@pytest.mark.parametrize("status", [Survey.Status.OPEN, Survey.Status.CLOSED])
def test_every_page_and_download_of_an_incomplete_questionnaire_answers_409_saying_what_is_missing(
    survey, status
):
    """Items deleted in the admin before anyone answered: nothing can be scored, and every page,
    chart and download says so (409) instead of failing (500)."""
    from surveys.models import Item

    Item.objects.filter(survey=survey).delete()
    Survey.objects.filter(pk=survey.pk).update(status=status)
    evaluator = member("pinggu", survey, EVALUATOR)
    browser = _browser(evaluator)
    pages = [
        f"/evaluate/hill-2024/{chart}?lang={lang}"
        for chart in [""]
        + [
            f"charts/{name}.{fmt}"
            for name in ("dimensions", "items", "villages", "heatmap", "groups")
            for fmt in ("png", "svg")
        ]
        for lang in ("zh", "en")
    ]
    for address in pages:
        page = browser.get(address)
        assert page.status_code == 409, address
        assert page["Content-Type"].startswith("text/html"), address
        html = page.content.decode()
        if "lang=en" in address:
            assert "The questionnaire has no items yet" in html, address
        else:
            assert "问卷还缺少题目，还不能计算得分" in html, address
    assert browser.get("/evaluate/").status_code == 200
    api = _token_client(evaluator)
    addresses = [f"/api/v1/surveys/hill-2024/report.{fmt}" for fmt in ("pdf", "xlsx", "csv", "sav")]
    addresses += ["/api/v1/surveys/hill-2024/score/", "/api/v1/surveys/hill-2024/scheme/"]
    for address in addresses:
        for query, text in (
            ("?lang=zh", "问卷还缺少题目"),
            ("?lang=en", "The questionnaire has no items yet"),
        ):
            reply = api.get(address + query)
            assert reply.status_code == 409, address
            assert reply.json()["code"] == "questionnaire_incomplete", address
            assert text in reply.json()["detail"], address + query
    signed_in = APIClient()
    signed_in.force_authenticate(evaluator)  # a token only reads: the what-if is a POST
    what_if = signed_in.post("/api/v1/surveys/hill-2024/score/", {"scheme": {}}, format="json")
    assert what_if.status_code == 409 and what_if.json()["code"] == "questionnaire_incomplete"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "未记录原因（导入时已标记剔除）：1"),
        ("en", "no reason recorded (marked excluded when imported): 1"),
    ],
)
def test_each_reason_for_exclusion_is_counted_with_the_languages_colon(answered, lang, line):
    """Chinese text takes the full-width colon (“测试：调查员误填: 1” mixed both), English ": "."""
    from tests.surveys.staff_factories import make_response

    make_response(answered, excluded=True)
    html = (
        _browser(member("li", answered, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    )
    assert f"<li>{line}</li>" in html


def test_on_the_english_page_the_surveys_chinese_names_are_marked_as_chinese(answered):
    """The survey has no English names: its title, dimensions, items and answer options stay
    Chinese on the English page, marked lang="zh-Hans" for a screen reader's Chinese voice (WCAG
    3.1.2), also inside the items' answer shares and the derivations, where only the names are
    marked, not the English sentence around them; the page's own English and the Chinese page
    carry no such mark."""
    client = _browser(member("li", answered, EVALUATOR))
    english = client.get(f"/evaluate/{answered.slug}/?lang=en").content.decode()
    marked = re.findall(r'<(h1|th)[^>]* lang="zh-Hans">([^<]*)<', english)
    names = {text for _tag, text in marked}
    assert answered.title in names
    assert {d.name for d in answered.dimension_set.all()} <= names
    assert {i.text for i in answered.item_set.all()} <= names
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in names)

    options = [o.label for o in answered.option_set.all()]
    shares = re.findall(r'<td class="shares">.*?</td>', english, re.S)
    assert len(shares) == answered.item_set.count()
    for cell in shares:
        for option in options:
            assert f'<span lang="zh-Hans">{option}</span> ' in cell  # "满意 8 (67%)": the name only
            assert re.search(rf'title="{option} \d+" lang="zh-Hans"', cell)  # its bar's title
    derivation = re.search(r'<ol class="derivation">(.*?)</ol>', english, re.S).group(1)
    water = re.search(r'<li id="item:water">(.*?)</li>', derivation).group(1)
    assert water.startswith('<span lang="zh-Hans">饮水</span> (water) = (')
    assert '(4 answered “<span lang="zh-Hans">不了解</span>”, left out)' in water
    spans = re.findall(r'<span lang="zh-Hans">([^<]*)</span>', derivation)
    assert {"东村", "村民群众", "经济发展", "18–44岁"} <= set(spans)
    assert not [text for text in spans if re.search("[A-Za-z ]", text)]  # no English inside
    outside = re.sub(r'<span lang="zh-Hans">[^<]*</span>', "", derivation)
    assert not re.search("[\u4e00-\u9fff]", outside)  # and no Chinese left outside

    chinese = client.get(f"/evaluate/{answered.slug}/?lang=zh").content.decode()
    assert 'lang="zh-Hans"' not in chinese.split("<body", 1)[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_alpha_the_page_and_the_pdf_say_why_instead_of_an_empty_alpha(survey, lang, tmp_path):
    """Everyone answered 不了解 on 饮水: nobody has every item counted. The page said
    "克朗巴赫 α = （0 名…）" over a table of empty cells, the PDF "α 系数为 —"."""

    from surveys.reports import render_report
    from surveys.reports.data import report_data
    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text

    rows = [
        csv_row(answers=("satisfied", "dissatisfied", "dont_know"), village=v)
        for v in ("east", "west")
        for _ in range(6)
    ]
    responses_import_text(survey=survey, text=csv_text(*rows))
    why = {"zh": "只有 0 名受访者全部题目都计分", "en": "only 0 respondents with every item counted"}[lang]
    client = _browser(member("li", survey, EVALUATOR))
    html = client.get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    section = _reliability_section(html, lang)
    assert why in section and "<table>" not in section
    assert "α = （" not in html and "alpha = (" not in html
    # The XLSX's summary too: its α cell was left empty, the reason only on the method sheet.
    summary = _summary_sheet(render_report(report_data(survey, language=lang), "xlsx"))
    assert why in summary["克朗巴赫 α" if lang == "zh" else "Cronbach's alpha"]
    text = _pdf_text(survey, lang, tmp_path)
    assert why in text
    assert "α 系数为 —" not in text and "alpha is —" not in text


@pytest.fixture
def two_years(answered):
    """hill-2024 (answered above) and the year before, hill-2023, with other answers: a year over
    year comparison an evaluator of both may draw on the 2024 page."""
    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text, make_survey

    base = make_survey("hill-2023")
    # Income far below 2024's (a change the interval shows), water about as 2024's (none).
    rows = [csv_row(answers=("dissatisfied", "dissatisfied", "satisfied"), village="east") for _ in range(4)]
    rows += [
        csv_row(answers=("dissatisfied", "basically_satisfied", "dissatisfied"), village="west")
        for _ in range(4)
    ]
    responses_import_text(survey=base, text=csv_text(*rows))
    return base, answered


def _compared(html: str) -> dict[str, list[str]]:
    """The comparison table's rows: name → its cells, as shown."""
    table = re.search(r'<table class="compare">(.*?)</table>', html, re.S)[1]
    rows = {}
    for name, cells in re.findall(
        r'<tr class="\w+"><th scope="row"[^>]*>([^<]*)</th>(.*?)</tr>', table, re.S
    ):
        rows[name] = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
    return rows


def test_an_evaluator_compares_this_year_with_the_year_before_on_the_page(two_years):
    """Year over year was only a command (compare_surveys). The page now sets the two years side by
    side: b − a, its standard error of two independent samples and its 95% interval, each figure
    worked out here again from the two score documents."""
    import math

    from stats.text import rounded
    from surveys.scoring import score_document

    base, current = two_years
    user = member("li", current, EVALUATOR)
    SurveyMembership.objects.create(survey=base, user=user, role=EVALUATOR)
    html = _browser(user).get("/evaluate/hill-2024/?compare=hill-2023").content.decode()
    assert '<option value="hill-2023" selected>' in html
    a, b = score_document(base), score_document(current)
    rows = _compared(html)
    pairs = [("综合满意度", a["composite"], b["composite"])]
    pairs += [(y["name"], x, y) for x, y in zip(a["dimensions"], b["dimensions"], strict=True)]
    pairs += [(y["name"], x, y) for x, y in zip(a["items"], b["items"], strict=True)]
    assert list(rows) == [name for name, _x, _y in pairs]
    for name, x, y in pairs:
        d = y["score"] - x["score"]
        se = math.sqrt(x["se"] ** 2 + y["se"] ** 2)
        low, high = d - 1.959963984540054 * se, d + 1.959963984540054 * se
        sign = "+" if rounded(d) != "0.00" and d > 0 else ""
        shown_d = sign + rounded(d)
        significant = "显著" if low > 0 or high < 0 else ""
        assert rows[name] == [
            rounded(x["score"]),
            rounded(y["score"]),
            f"{shown_d}[{rounded(low)}, {rounded(high)}]{significant}",
            rounded(se),
        ], name
    marks = [cells[2].endswith("]显著") for cells in rows.values()]
    assert any(marks) and not all(marks), "the demo of both: a change the interval shows, and none"
    assert "计分方案（选项分值或权重）不同" not in html


def _comparison_download(two_years, lang: str, link_id: str, fmt: str):
    """What an evaluator of both surveys gets from the comparison card's link `link_id` on the
    2024 page compared with 2023 (the link checked: this comparison, as `fmt`, in `lang`)."""
    base, current = two_years
    user = member("li", current, EVALUATOR)
    SurveyMembership.objects.create(survey=base, user=user, role=EVALUATOR)
    client = _browser(user)
    query = "&lang=en" if lang == "en" else ""
    html = client.get(f"/evaluate/hill-2024/?compare=hill-2023{query}").content.decode()
    link = re.search(rf'<a href="([^"]+)" id="{link_id}"', html)[1]
    assert link == f"/evaluate/hill-2024/compare/hill-2023.{fmt}" + ("?lang=en" if lang == "en" else "")
    return client.get(link)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_downloads_as_an_excel_sheet_with_the_pages_figures(two_years, lang):
    """The evaluator writing the report pasted the page's table by hand. The page now links to
    the same comparison as an Excel sheet: a row per figure, numbers as numbers, the note on how
    the differences are worked out, in the page's language."""
    from openpyxl import load_workbook

    from surveys.scoring import score_document

    base, current = two_years
    response = _comparison_download(two_years, lang, "compare-download", "xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert 'filename="hill-2024-vs-hill-2023.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(cells) if row[1] == ("Code" if lang == "en" else "代码"))
    notes = " ".join(str(row[0]) for row in cells[:header] if row[0])
    assert ("independent samples" if lang == "en" else "两期为独立样本") in notes
    rows = {row[1]: row for row in cells[header + 1 :]}
    a, b = score_document(base), score_document(current)
    pairs = [("composite", a["composite"], b["composite"])]
    pairs += [
        (y["code"], x, y)
        for x, y in zip(a["dimensions"] + a["items"], b["dimensions"] + b["items"], strict=True)
    ]
    assert list(rows) == [code for code, _x, _y in pairs]
    for code, x, y in pairs:
        _kind, _code, _name, base_score, score, difference, se, low, high, significant = rows[code]
        assert (base_score, score) == (pytest.approx(x["score"]), pytest.approx(y["score"]))
        assert difference == pytest.approx(y["score"] - x["score"])
        assert se == pytest.approx((x["se"] ** 2 + y["se"] ** 2) ** 0.5)
        assert (low, high) == (
            pytest.approx(difference - 1.959963984540054 * se),
            pytest.approx(difference + 1.959963984540054 * se),
        )
        assert bool(significant) == (low > 0 or high < 0)
    assert any(row[9] for row in rows.values()) and not all(row[9] for row in rows.values())
    shown = [c.number_format for line in sheet.iter_rows(min_row=header + 2) for c in line[3:9]]
    assert shown and all("0.00" in f for f in shown), "every figure shown with two decimals"
    # The page's chart of the differences stands under the table.
    (picture,) = sheet._images
    assert picture.anchor._from.row >= header + 1 + len(rows) and (picture.width, picture.height) > (600, 200)


def _pdf_bytes_text(body: bytes, tmp_path, *, layout: bool = False) -> str:
    """A PDF's text as pdftotext reads it, its runs of white space made one space; with `layout`,
    its lines as laid out (a table's row on one line), each line's runs of space made one."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    path = tmp_path / "download.pdf"
    path.write_bytes(body)
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if layout:
        return "\n".join(" ".join(line.split()) for line in text.splitlines())
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_downloads_as_a_pdf_report_that_says_what_changed(two_years, lang, tmp_path):
    """The comparison was a page, an Excel sheet and a chart: nothing to attach to the written
    report. The page now links to an A4 PDF in the report's style: the two surveys, the
    composite's change in a sentence (with its interval, and whether that interval shows a
    change), which dimensions and items changed beyond their intervals, the table and the chart,
    each figure worked out here again from the two score documents."""
    import math

    from stats.text import rounded
    from surveys.scoring import score_document

    base, current = two_years
    response = _comparison_download(two_years, lang, "compare-pdf", "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="hill-2024-vs-hill-2023.pdf"' in response["Content-Disposition"]
    text = _pdf_bytes_text(response.content, tmp_path)
    a, b = score_document(base, lang=lang), score_document(current, lang=lang)

    def change(x, y):
        d = y["score"] - x["score"]
        se = math.sqrt(x["se"] ** 2 + y["se"] ** 2)
        return d, se, d - 1.959963984540054 * se, d + 1.959963984540054 * se

    def shown(d):
        return ("+" if rounded(d) != "0.00" and d > 0 else "") + rounded(d)

    compact = text.replace(" ", "")  # pdftotext puts a space at each line break of a paragraph
    d, se, low, high = change(a["composite"], b["composite"])
    figures = {
        "a": rounded(a["composite"]["score"]),
        "b": rounded(b["composite"]["score"]),
        "base_year": base.year,
        "year": current.year,
        "d": shown(d),
        "low": rounded(low),
        "high": rounded(high),
    }
    headline = {
        "zh": "综合满意度：基期 {a} 分（{base_year}），本期 {b} 分（{year}），差值 {d} 分，95% 置信区间 {low} 至 {high}。",
        "en": "Composite satisfaction: {a} in the base survey ({base_year}), {b} in this one ({year}); "
        "difference {d}, 95% confidence interval {low} to {high}.",
    }[lang].format(**figures)
    assert headline.replace(" ", "") in compact
    significant = low > 0 or high < 0
    verdict = {
        ("zh", True): "区间不含 0：变化显著。",
        ("zh", False): "区间含 0：这一差值可能只是抽样误差",
        ("en", True): "The interval leaves out 0: the change is significant.",
        ("en", False): "The interval includes 0: the difference may be sampling error alone",
    }[lang, significant]
    assert verdict.replace(" ", "") in compact
    # Which dimensions and items changed beyond their intervals, named with their differences.
    parts = [(y["name"], *change(x, y)) for x, y in zip(a["dimensions"], b["dimensions"], strict=True)]
    parts += [(y["name"], *change(x, y)) for x, y in zip(a["items"], b["items"], strict=True)]
    changed = [(name, d) for name, d, _se, low, high in parts if low > 0 or high < 0]
    assert changed and len(changed) < len(parts), "the fixture has both"
    listed = ("、" if lang == "zh" else ", ").join(f"{name} {shown(d)}" for name, d in changed)
    assert listed.replace(" ", "") in compact
    # The table: each figure's row with its two scores, difference, standard error and interval.
    lines = _pdf_bytes_text(response.content, tmp_path, layout=True).splitlines()
    composite = ("综合满意度" if lang == "zh" else "Composite satisfaction", a["composite"], b["composite"])
    pairs = [composite, *((y["name"], x, y) for x, y in zip(a["dimensions"], b["dimensions"], strict=True))]
    pairs += [(y["name"], x, y) for x, y in zip(a["items"], b["items"], strict=True)]
    for name, x, y in pairs:
        d, se, low, high = change(x, y)
        mark = " 是" if lang == "zh" else " yes"
        row = (
            f"{name} {rounded(x['score'])} {rounded(y['score'])} {shown(d)} {rounded(se)} "
            f"[{rounded(low)}, {rounded(high)}]{mark if low > 0 or high < 0 else ''}"
        )
        assert row in lines, name
    assert ("与基期相比的变化" if lang == "zh" else "Change since the base survey") in text
    if lang == "en":  # the surveys have no English names: only those are in Chinese
        assert "综合" not in text and "差值" not in text and "区间" not in text


def test_a_comparison_with_synthetic_responses_says_so_in_both_downloads(two_years, tmp_path):
    """The report's cover warns of synthetic demo data; the comparison's downloads compared a
    synthetic year without a word."""
    from django.contrib.auth import get_user_model
    from openpyxl import load_workbook

    from surveys.models import Response

    base, _current = two_years
    Response.objects.filter(survey=base).update(source=Response.Source.SYNTHETIC)
    warning = (
        f"注意：{base.title}（{base.year}） 有 8 份答卷为合成演示数据，并非真实调查结果，不能用于绩效评价。"
    )
    pdf = _comparison_download(two_years, "zh", "compare-pdf", "pdf")
    assert warning.replace(" ", "") in _pdf_bytes_text(pdf.content, tmp_path).replace(" ", "")
    client = Client()
    client.force_login(get_user_model().objects.get(username="li"))
    workbook = client.get("/evaluate/hill-2024/compare/hill-2023.xlsx").content
    notes = [row[0] for row in load_workbook(io.BytesIO(workbook)).worksheets[0].iter_rows(values_only=True)]
    assert warning in notes
    assert sum("合成演示数据" in str(note) for note in notes) == 1, "the other side has none"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_is_drawn_beside_its_table_at_the_size_the_page_names(two_years, lang):
    """The differences and their intervals as a chart (stats.charts.score_changes), a wide one and
    one laid out for a phone, each image the size the page names, in the page's language."""
    from PIL import Image

    base, current = two_years
    user = member("li", current, EVALUATOR)
    SurveyMembership.objects.create(survey=base, user=user, role=EVALUATOR)
    client = _browser(user)
    html = client.get(f"/evaluate/hill-2024/?compare=hill-2023&lang={lang}").content.decode()
    figure = html[html.index('<table class="compare">') :]
    figure = figure[figure.index("<figure>") : figure.index("</figure>")]
    phone = re.search(
        r'<source media="\(max-width: 40rem\)" srcset="([^"]+)" width="(\d+)" height="(\d+)">', figure
    )
    wide = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"', figure)
    assert wide[1].startswith(f"/evaluate/hill-2024/compare/hill-2023.png?lang={lang}&amp;v=")
    assert phone[1] == wide[1] + "&amp;size=phone"
    assert (
        wide[4]
        == {
            "zh": "与基期相比的变化（差值与 95% 置信区间）",
            "en": "Change since the base survey (differences with 95% confidence intervals)",
        }[lang]
    )
    for address, width, height in (wide.groups()[:3], phone.groups()):
        response = client.get(address.replace("&amp;", "&"))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size == (int(width), int(height))
    svg = client.get(wide[1].replace("&amp;", "&").replace(".png", ".svg"))
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg")
    assert client.get("/evaluate/hill-2024/compare/hill-2023.gif").status_code == 404
    assert client.get("/evaluate/hill-2024/compare/hill-2023.png?size=huge").status_code == 404
    assert client.get("/evaluate/hill-2024/compare/hill-2024.png").status_code == 404  # itself


def test_a_comparison_download_whose_base_cannot_be_scored_names_the_base(two_years):
    from surveys.models import Item

    base, current = two_years
    Survey.objects.filter(pk=base.pk).update(title="上一年度的调查")
    Item.objects.filter(survey=base).delete()
    user = member("li", current, EVALUATOR)
    SurveyMembership.objects.create(survey=base, user=user, role=EVALUATOR)
    for download in ("xlsx", "pdf", "png"):
        response = _browser(user).get(f"/evaluate/hill-2024/compare/hill-2023.{download}")
        assert response.status_code == 409 and "上一年度的调查" in response.content.decode(), download


def test_the_comparisons_download_is_refused_as_the_page_is(two_years):
    base, current = two_years
    user = member("li", current, EVALUATOR)
    client = _browser(user)
    for download in ("xlsx", "pdf"):
        assert (
            client.get(f"/evaluate/hill-2024/compare/hill-2023.{download}").status_code == 404
        )  # not theirs
    SurveyMembership.objects.create(survey=base, user=user, role=STAFF)
    for download in ("xlsx", "pdf"):
        address = f"/evaluate/hill-2024/compare/hill-2023.{download}"
        assert client.get(address).status_code == 403  # staff see no scores
        assert client.get(f"/evaluate/hill-2024/compare/hill-2024.{download}").status_code == 404  # itself


def test_the_comparison_offers_only_surveys_the_user_may_evaluate_and_refuses_the_others(two_years):
    base, current = two_years
    user = member("li", current, EVALUATOR)
    client = _browser(user)
    assert "hill-2023" not in client.get("/evaluate/hill-2024/").content.decode()
    assert client.get("/evaluate/hill-2024/?compare=hill-2023").status_code == 404  # not theirs at all
    SurveyMembership.objects.create(survey=base, user=user, role=STAFF)
    assert client.get("/evaluate/hill-2024/?compare=hill-2023").status_code == 403  # staff see no scores
    assert 'id="compare"' not in client.get("/evaluate/hill-2024/").content.decode(), (
        "nothing to compare with"
    )


def test_a_comparison_across_different_scoring_schemes_says_so(two_years):
    from surveys.models import Option

    base, current = two_years
    Option.objects.filter(survey=base, code="basically_satisfied").update(points=60)
    Survey.objects.filter(pk=base.pk).update(updated_at=base.updated_at)
    user = member("li", current, EVALUATOR)
    SurveyMembership.objects.create(survey=base, user=user, role=EVALUATOR)
    html = _browser(user).get("/evaluate/hill-2024/?compare=hill-2023").content.decode()
    assert "两项调查的计分方案（选项分值或权重）不同" in html
    english = _browser(user).get("/evaluate/hill-2024/?compare=hill-2023&lang=en").content.decode()
    assert "The two surveys are scored differently" in english and "Compare with another survey" in english
    assert "Difference and 95% confidence interval" in english and "差值" not in english


def _sample_card(html: str) -> str:
    """The text of the page's 样本 card, tags taken out."""
    card = re.search(r"<h2>(?:样本|Sample)</h2>(.*?)</div>", html, re.S)
    assert card, "no sample card"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card.group(1)))


def _summary_sheet(body: bytes) -> dict:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}


PUBLISHED_SAMPLE = {
    "zh": (
        "回收 12 · 有效 12 · 剔除 0",
        "计划样本量 3 · 邀请链接 1",
        ("回收答卷", "有效答卷（未剔除）", "剔除答卷"),
    ),
    "en": (
        "Received 12 · valid 12 · excluded 0",
        "Planned sample size 3 · invitation links 1",
        ("Responses received", "Valid responses (not excluded)", "Excluded responses"),
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_published_pages_sample_card_shows_the_published_counts_after_the_data_changed(answered, lang):
    from surveys.models import Invitation, Response
    from surveys.services.review import response_exclude
    from tests.surveys.staff_factories import make_response

    counts, planned, labels = PUBLISHED_SAMPLE[lang]
    Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
    evaluator = member("li", answered, EVALUATOR)
    client = _browser(evaluator)
    client.post("/evaluate/hill-2024/publish/")
    assert counts in _sample_card(client.get(f"/evaluate/hill-2024/?lang={lang}").content.decode())
    # After publication: one response excluded, a late one and a synthetic one added, a link issued.
    response_exclude(
        response=Response.objects.filter(survey=answered).first(),
        user=member("zhang", answered, STAFF),
        reason="重复作答",
    )
    answer(answered, 1)
    synthetic = make_response(answered)
    Response.objects.filter(pk=synthetic.pk).update(source=Response.Source.SYNTHETIC)
    Invitation.objects.create(survey=answered, token="hill-2024-west", group=synthetic.group)
    html = client.get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    card = _sample_card(html)
    assert counts in card and planned in card, card
    assert "重复作答" not in card
    assert 'class="card warn"' not in html  # the synthetic-data warning: none were published
    # …the counts the published downloads state.
    api = APIClient()
    api.force_authenticate(evaluator)
    summary = _summary_sheet(api.get(f"/api/v1/surveys/hill-2024/report.xlsx?lang={lang}").content)
    assert [summary[label] for label in labels] == [12, 12, 0]


def test_a_published_page_names_the_scheme_it_was_scored_with_not_todays(answered):
    from surveys.models import Option
    from surveys.services.survey_modified import survey_mark_modified

    Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
    evaluator = member("li", answered, EVALUATOR)
    client = _browser(evaluator)
    client.post("/evaluate/hill-2024/publish/")
    api = APIClient()
    api.force_authenticate(evaluator)
    summary = _summary_sheet(api.get("/api/v1/surveys/hill-2024/report.xlsx").content)
    Option.objects.filter(survey=answered, code="basically_satisfied").update(points=60)
    survey_mark_modified(survey_ids=[answered.pk])
    html = client.get("/evaluate/hill-2024/").content.decode()
    assert (
        f"计分方案 {summary['计分方案摘要']} · 数据摘要 SHA-256 <code>{summary['数据摘要（SHA-256）']}</code>"
        in html
    )


def test_a_publication_whose_files_hold_no_sample_shows_todays_counts_saying_so(answered):
    from surveys.models import PublishedReport

    Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
    client = _browser(member("li", answered, EVALUATOR))
    client.post("/evaluate/hill-2024/publish/")
    PublishedReport.objects.filter(survey=answered).update(csv=b"", csv_en=b"")
    answer(answered, 2)
    card = _sample_card(client.get("/evaluate/hill-2024/").content.decode())
    assert "以下为今天的答卷数：这次发布的文件没有记下样本数。" in card
    assert "回收 14 · 有效 14" in card
    assert "These are today's counts" in _sample_card(
        client.get("/evaluate/hill-2024/?lang=en").content.decode()
    )


AFTER_CLOSE = {
    "zh": "收集截止后才能发布评分。截止收集由管理员在管理后台操作：在调查列表中勾选这项调查，从“动作”中选择“截止收集”。",
    "en": "The score can be published once collection has closed. An administrator closes collection in the admin: "
    "tick this survey in the list of surveys and choose “Close collection” under “Action”.",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_while_collecting_the_publisher_is_told_publishing_waits_for_the_administrator_to_close(
    answered, lang
):
    client = _browser(member("li", answered, EVALUATOR))

    def page() -> str:
        return " ".join(client.get(f"/evaluate/hill-2024/?lang={lang}").content.decode().split())

    html = page()
    assert AFTER_CLOSE[lang] in html
    assert "evaluate/hill-2024/publish/" not in html
    Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
    html = page()
    assert "evaluate/hill-2024/publish/" in html and AFTER_CLOSE[lang] not in html
    client.post("/evaluate/hill-2024/publish/")
    html = page()
    assert "evaluate/hill-2024/publish/" not in html and AFTER_CLOSE[lang] not in html


def test_the_line_about_closing_names_the_admin_action_as_the_admin_calls_it(answered):
    """The line's words are the admin's own: its action menu (动作) and the action's name."""
    from django.utils import translation

    from surveys.admin import SurveyAdmin

    for lang, django_lang in (("zh", "zh-hans"), ("en", "en")):
        with translation.override(django_lang):
            action = str(SurveyAdmin.close_survey.short_description)
            menu = translation.gettext("Action:").rstrip(":")
        assert f"“{action}”" in AFTER_CLOSE[lang] and f"“{menu}”" in AFTER_CLOSE[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_and_comparisons_draw_the_document_the_page_shows_without_the_rest_of_the_page(
    answered, lang, monkeypatch
):
    """A chart image (five a page) and a comparison need the shown score document only: not
    today's anonymised answers and data hash, nor the publication's CSV read back for the sample
    card. The document is the page's own, published or not."""
    from surveys.evaluate import selectors
    from surveys.evaluate.selectors import evaluator_document, evaluator_view

    def untouched(*args, **kwargs):
        raise AssertionError("read for a chart")

    client = _browser(member("li", answered, EVALUATOR))
    for published in (False, True):
        if published:
            Survey.objects.filter(pk=answered.pk).update(status=Survey.Status.CLOSED)
            client.post("/evaluate/hill-2024/publish/")
            answer(answered, 2)  # today's data no longer the published
        answered.refresh_from_db()
        assert evaluator_document(answered, lang) == evaluator_view(answered, lang).document
        with monkeypatch.context() as patched:
            patched.setattr(selectors, "report_summary", untouched)
            patched.setattr(selectors, "report_csv_sample", untouched)
            assert client.get(f"/evaluate/hill-2024/charts/items.png?lang={lang}").status_code == 200


def test_the_pages_data_hash_and_counts_are_kept_until_the_data_changes_and_follow_every_change(
    answered, django_capture_on_commit_callbacks
):
    """The page reads today's data hash and sample counts from the cache, as the score: reading
    and hashing every response took a second at 20,000. Each change that the score follows
    (a submission, an exclusion, its reversal) gives the hash and counts of the report itself."""
    from surveys.evaluate import selectors
    from surveys.models import Response
    from surveys.reports import data
    from surveys.reports.data import report_data
    from surveys.services.review import response_exclude, response_include

    staff = member("zhang", answered, STAFF)

    def agrees():
        shown = selectors.evaluator_view(answered).current
        full = report_data(answered)
        assert (shown.data_hash, shown.sample, shown.document) == (full.data_hash, full.sample, full.document)
        return shown.sample.valid

    assert agrees() == 12
    reads = []
    included = data._included

    def counted(*args):
        reads.append(1)
        return included(*args)

    data._included = counted
    try:
        selectors.evaluator_view(answered)
        assert reads == []  # unchanged data: from the cache
        answer(answered, 1)
        assert agrees() == 13
        first = Response.objects.filter(survey=answered).first()
        # A review replaces the survey's data token once its transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            response_exclude(response=first, user=staff, reason="重复作答")
        assert agrees() == 12
        with django_capture_on_commit_callbacks(execute=True):
            response_include(response=Response.objects.get(pk=first.pk), user=staff, reason="核实无误")
        assert agrees() == 13
        assert len(reads) == 3 + 3  # the page once after each change; report_data (the check) each time
    finally:
        data._included = included


def test_a_survey_without_a_group_sampled_by_village_shows_no_village_section(survey):
    from tests.surveys.test_reports import _no_group_by_village

    user = member("li", _no_group_by_village(survey), EVALUATOR)
    html = _browser(user).get("/evaluate/hill-2024/").content.decode()
    assert "各村（社区）得分排序" not in html and "charts/heatmap." not in html
    assert "charts/groups." in html


def test_the_village_section_is_shown_where_a_group_is_sampled_by_village(answered):
    user = member("li", answered, EVALUATOR)
    html = _browser(user).get("/evaluate/hill-2024/").content.decode()
    assert "各村（社区）得分排序" in html and "charts/heatmap." in html


def test_each_option_of_an_items_bar_looks_as_in_the_chart_also_beyond_four(answered):
    """The page styled four options (s1 … s4) and drew the fifth and later ones as nothing."""
    from stats.charts import option_background
    from surveys.models import Option
    from surveys.survey_state import survey_state_forget

    for order, (code, label) in enumerate([("very_bad", "很不满意"), ("unsure", "说不清")], start=5):
        Option.objects.create(survey=answered, code=code, label=label, points=None, order=order)
    survey_state_forget()
    html = _browser(member("li", answered, EVALUATOR)).get("/evaluate/hill-2024/").content.decode()
    bar = re.search(r'<span class="dist">(.*?)</span>\s*<span class="small">', html, re.S).group(1)
    looks = re.findall(r'style="width: [\d.]+%; background: ([^"]+)"', bar)
    expected = [option_background(k, 6) for k in range(6)]
    assert [look.replace("&quot;", '"') for look in looks] == expected
    assert len(set(expected)) == 6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_alpha_comes_with_its_interval_on_the_page_and_in_every_download(survey, lang, tmp_path):
    """α from a dozen respondents was shown as a bare figure (城关街道's 0.40 rested on four);
    Feldt's interval says how little it means, and a lower bound below 0 is said in words."""
    import csv

    from surveys.reports import render_report
    from surveys.reports.data import report_data
    from surveys.scoring import score_document

    _answer_patterns(survey, ["sss", "sbs", "bbb", "bdb", "dbd", "sbb"])  # six: α 0.62, [−0.61, 0.94]
    answered = survey
    reliability = score_document(answered)["reliability"]
    low, high = reliability["ci95"]
    assert low < 0 < reliability["cronbach_alpha"] < high < 1
    low3, high3 = rounded(low, 3), rounded(high, 3)
    shown = {"zh": f"95% 置信区间 {low3} 至 {high3}，Feldt 法", "en": f"95% CI {low3} to {high3}"}
    caution = {
        "zh": "区间下限低于 0：受访者太少，α 说明不了各题的回答是否一致。",
        "en": "The interval reaches below 0: too few respondents for alpha to say whether",
    }[lang]
    html = (
        _browser(member("li", answered, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    )
    section = _reliability_section(html, lang)
    assert shown[lang] in section and caution in section

    summary = _summary_sheet(render_report(report_data(answered, language=lang), "xlsx"))
    bounds = {
        "zh": ("α 的 95%置信区间下限（Feldt 法）", "α 的 95%置信区间上限（Feldt 法）"),
        "en": ("Alpha, 95% CI lower bound (Feldt)", "Alpha, 95% CI upper bound (Feldt)"),
    }[lang]
    assert (summary[bounds[0]], summary[bounds[1]]) == pytest.approx((low, high))

    text = render_report(report_data(answered, language=lang), "csv").decode("utf-8-sig")
    line = next(r for r in csv.DictReader(io.StringIO(text)) if r["code"] == "cronbach_alpha")
    assert (float(line["ci95_low"]), float(line["ci95_high"])) == pytest.approx((low, high))

    pdf = _pdf_text(answered, lang, tmp_path)
    assert shown[lang] in pdf and caution in pdf


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_low_alpha_from_many_respondents_is_called_low_not_short_of_respondents(survey, lang, tmp_path):
    """α 0.17 from 88 respondents was said to rest on "too few respondents"."""
    import random

    from surveys.scoring import score_document

    chooser = random.Random(4)
    _answer_patterns(survey, ["".join(chooser.choice("sbd") for _ in range(3)) for _ in range(90)])
    low, high = score_document(survey)["reliability"]["ci95"]
    assert low < 0 and high < 0.7
    weak, few = {
        "zh": ("区间下限低于 0、上限低于 0.7：各题的回答几乎不一致（α 与 0 没有显著差别）。", "受访者太少"),
        "en": (
            "The interval reaches below 0 and stays under 0.7: the items' answers hardly agree",
            "too few respondents for",
        ),
    }[lang]
    html = _browser(member("li", survey, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    section = _reliability_section(html, lang)
    assert weak in section and few not in section
    pdf = _pdf_text(survey, lang, tmp_path)
    assert weak in pdf and few not in pdf


def test_alpha_from_enough_consistent_respondents_comes_without_the_caution(survey):

    _answer_patterns(survey, ["sss", "sbs", "bbb", "bdb", "ddd", "dbd"] * 5)  # α 0.814, [0.660, 0.905]
    html = _browser(member("li", survey, EVALUATOR)).get("/evaluate/hill-2024/").content.decode()
    section = _reliability_section(html)
    assert "克朗巴赫 α = 0.814" in section and "95% 置信区间 0.660 至 0.905" in section
    assert "区间下限低于 0" not in section


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_alpha_of_each_dimension_is_on_the_page_and_in_the_pdf(survey, lang, tmp_path):
    """总量表及各维度的 α, as Chinese survey reports give them: 公共服务 (roads, water) has one, and
    经济发展 (income alone) says why it has none."""
    import csv

    from surveys.reports import render_report
    from surveys.reports.data import report_data
    from surveys.scoring import score_document

    _answer_patterns(survey, ["sss", "sbs", "bbb", "bdb", "ddd", "dbd"] * 3)
    doc = score_document(survey, lang=lang)
    names = {d["code"]: d["name"] for d in doc["dimensions"]}
    services = doc["reliability"]["dimensions"]["services"]
    assert doc["reliability"]["dimensions"]["economy"]["cronbach_alpha"] is None
    shown = f"[{rounded(services['ci95'][0], 3)}, {rounded(services['ci95'][1], 3)}]"
    why = {"zh": "只有 1 道题的维度没有 α", "en": "A dimension of one item has no alpha"}[lang]

    html = _browser(member("li", survey, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    table = html[
        html.index("<caption>" + ("各维度的克朗巴赫 α" if lang == "zh" else "Cronbach's alpha of each")) :
    ]
    table = table[: table.index("</table>")]
    rows = {}
    for head, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        name, _br, count = re.sub(r"<br>", "|", head).partition("|")
        rows[re.sub(r"<[^>]+>", "", name)] = (
            re.sub(r"<[^>]+>", "", count),
            [
                " ".join(re.sub(r"<[^>]+>", " ", c).split())
                for c in re.findall(r'<td class="num">(.*?)</td>', cells)
            ],
        )
    counted = {"zh": "{} 道题", "en": "{} items"}[lang]
    assert rows[names["services"]] == (
        counted.format(2),
        [str(services["n"]), f"{rounded(services['cronbach_alpha'], 3)} {shown}"],
    )
    economy = rows[names["economy"]]
    assert economy[0] == {"zh": "1 道题", "en": "1 item"}[lang] and economy[1][1] == "—"
    assert why in html

    text = render_report(report_data(survey, language=lang), "csv").decode("utf-8-sig")
    lines = {r["code"]: r for r in csv.DictReader(io.StringIO(text)) if r["table"] == "reliability_dimension"}
    assert set(lines) == {"economy", "services"}
    assert (lines["economy"]["score"], lines["economy"]["ci95_low"]) == ("", "")
    assert lines["services"]["name"] == names["services"] and int(lines["services"]["n"]) == services["n"]
    assert [float(lines["services"][c]) for c in ("score", "ci95_low", "ci95_high")] == pytest.approx(
        [services["cronbach_alpha"], *services["ci95"]]
    )

    pdf = _pdf_text(survey, lang, tmp_path)
    # (pdftotext reads an English page's Chinese names apart from their rows)
    assert f"2 {services['n']} {rounded(services['cronbach_alpha'], 3)} {shown}" in pdf
    assert f"1 {doc['reliability']['dimensions']['economy']['n']} — —" in pdf
    assert names["services"] in pdf and names["economy"] in pdf and why in pdf


def test_a_publication_from_before_alphas_interval_shows_its_alpha_as_published(survey):
    """A score document frozen before α had its interval (reliability without ci95) showed
    "95% 置信区间 至 ，Feldt 法" and "[, ]" on the page; it shows α as it was published."""
    from surveys.models import PublishedReport

    _answer_patterns(survey, ["sss", "sbs", "bbb", "bdb", "ddd", "dbd"] * 3)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    client = _browser(member("li", survey, EVALUATOR))
    client.post("/evaluate/hill-2024/publish/")
    report = PublishedReport.objects.get(survey=survey)
    for field in ("score", "score_en"):
        document = getattr(report, field)
        document["reliability"].pop("ci95")
        for entry in document["reliability"]["dimensions"].values():
            entry.pop("ci95")
        setattr(report, field, document)
    report.save()
    alpha = rounded(report.score["reliability"]["cronbach_alpha"], 3)
    for lang, said in (
        ("zh", f"克朗巴赫 α = {alpha}（18 名全部题目都计分的受访者，3 道题）"),
        ("en", f"Cronbach's α = {alpha} (18 respondents"),
    ):
        html = client.get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
        section = _reliability_section(html, lang)
        assert said in section
        assert "[, ]" not in section and "至 ，" not in section and "to ," not in section


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_survey_without_age_bands_or_villages_is_not_titled_by_them(survey, lang, tmp_path):
    """A bureau's survey of firms (no villages, no age bands) was headed 受访群体与年龄段 on the
    page, in the PDF and in its chart, and its Excel sheets 村 and 年龄段 were headers over nothing."""
    from openpyxl import load_workbook

    from surveys.models import AgeBand, Group, Invitation, Village
    from surveys.reports import render_report
    from surveys.reports.data import report_data
    from surveys.services.response_import import responses_import_text
    from tests.factories import csv_row, csv_text

    AgeBand.objects.filter(survey=survey).delete()
    Group.objects.filter(survey=survey).update(by_village=False)
    Invitation.objects.filter(survey=survey).delete()
    Village.objects.filter(survey=survey).delete()
    rows = [csv_row(village="", group="staff", age_band="", answers=("satisfied",) * 3) for _ in range(6)]
    responses_import_text(survey=survey, text=csv_text(*rows))
    both, groups = {
        "zh": ("受访群体与年龄段", "按受访群体"),
        "en": ("By respondent group and age band", "By respondent group"),
    }[lang]

    html = _browser(member("li", survey, EVALUATOR)).get(f"/evaluate/hill-2024/?lang={lang}").content.decode()
    assert groups in html and both not in html
    # The card is headed 受访群体 and holds that one table: its caption, the same words, is for
    # screen readers only (the page showed 受访群体 twice, one under the other).
    heading = {"zh": "受访群体", "en": "Respondent groups"}[lang]
    card = re.search(rf"<h2>{heading}</h2>(.*?)</table>", html, re.S)[1]
    assert f'<caption class="visually-hidden">{heading}</caption>' in card
    pdf = _pdf_text(survey, lang, tmp_path)
    assert groups in pdf and both not in pdf

    from stats import charts
    from surveys.scoring import score_document

    figure = charts.group_comparison({**score_document(survey, lang=lang), "language": lang})
    assert figure.get_suptitle().startswith(groups) and both not in figure.get_suptitle()

    workbook = load_workbook(io.BytesIO(render_report(report_data(survey, language=lang), "xlsx")))
    villages, bands = (workbook.worksheets[i] for i in (3, 5))  # 汇总 维度 题目 村 群体 年龄段
    said = {
        "zh": (
            "本调查没有按村（社区）抽样的受访群体，没有分村得分。",
            "本调查不分年龄段，没有分年龄段得分。",
        ),
        "en": (
            "No respondent group of this survey is sampled by village: there are no village scores.",
            "This survey has no age bands: there are no age band scores.",
        ),
    }[lang]
    notes = [[c for c in sheet.iter_rows(min_row=4, values_only=True)][0][0] for sheet in (villages, bands)]
    assert tuple(notes) == said
