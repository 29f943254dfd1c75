"""A scheme stored that does not fit the questionnaire — saved before the admin checked schemes,
or left behind by a dimension, item or option renamed or deleted in the shell, a migration or a
restore — is said on every surface that scores, naming the survey, what does not fit and where
to fix it, in the reader's language: 409 on the pages and the API, an error and status 1 from
the commands, a refusal to publish. It used to be a 500 (and a traceback) everywhere."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from surveys.models import Dimension, Item, Option, PublishedReport, Survey, SurveyMembership
from surveys.scoring import score_document
from surveys.services.publish import report_publish
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR
STAFF = SurveyMembership.Role.STAFF

FITTING = {
    "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
    "dimension_weights": {"economy": 0.4, "services": 0.6},
    "item_weights": {"water": 2},
    "group_weights": None,
    "min_cell": 5,
}
ZH_PROBLEMS = ["未知的维度代码“services”", "缺少维度“public”的权重", "未知的题目代码“water”"]
EN_PROBLEMS = ["unknown dimension code 'services'", "missing weight for dimension 'public'"]
EN_PROBLEMS += ["unknown item code 'water'"]


def _broken(survey, status=Survey.Status.OPEN) -> Survey:
    """The survey with answers and a fitting scheme, whose dimension "services" and item "water"
    were then renamed in the shell (the admin freezes codes once answered): the scheme still
    weighs the old codes."""
    answer(survey, 6)
    Survey.objects.filter(pk=survey.pk).update(scheme=FITTING, status=status)
    Dimension.objects.filter(survey=survey, code="services").update(code="public")
    Item.objects.filter(survey=survey, code="water").update(code="drinking_water")
    survey.refresh_from_db()
    return survey


@pytest.fixture
def broken(survey):
    return _broken(survey)


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _administrator():
    return get_user_model().objects.create_superuser("chief", password="pw-long-enough-123")


def _says_what_and_where(text: str, survey, lang: str) -> None:
    admin_page = f"http://127.0.0.1:8000/admin/surveys/survey/{survey.pk}/change/"
    if lang == "en":
        assert "“山村镇2024年度满意度调查” (hill-2024)" in text, text
        assert all(problem in text for problem in EN_PROBLEMS), text
        assert f"correct its “Scoring scheme” and save it: {admin_page}" in text, text
        assert "未知" not in text
    else:
        assert "“山村镇2024年度满意度调查”（hill-2024）的计分方案与问卷不符，不能计算得分" in text, text
        assert "；".join(ZH_PROBLEMS) in text, text
        assert f"改正“计分方案”后保存：{admin_page}" in text, text
        assert "unknown" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_score_api_and_every_download_answer_409_naming_the_survey_the_problems_and_the_fix(broken, lang):
    api = _token_client(member("li", broken, EVALUATOR))
    addresses = ["score/", "scheme/"] + [f"report.{fmt}" for fmt in ("pdf", "xlsx", "csv", "sav")]
    for address in addresses:
        reply = api.get(f"/api/v1/surveys/hill-2024/{address}?lang={lang}")
        assert reply.status_code == 409, address
        body = reply.json()
        assert body["code"] == "scheme_invalid", address
        _says_what_and_where(body["detail"], broken, lang)
        field_errors = body["errors"]
        assert set(field_errors) == {"dimension_weights", "item_weights"}
        if lang == "en":
            assert field_errors["item_weights"] == ["unknown item code 'water'"]
        else:
            assert field_errors["item_weights"] == ["未知的题目代码“water”"]


def test_the_409_is_in_the_openapi_schema(broken):
    api = _token_client(member("li", broken, EVALUATOR))
    schema = api.get("/api/v1/schema/?format=json").json()
    refusal = schema["paths"]["/api/v1/surveys/{slug}/score/"]["get"]["responses"]["409"]
    assert "scheme_invalid" in refusal["description"]
    shapes = schema["components"]["schemas"]
    shape = shapes["CannotScore"]
    assert shape["properties"]["code"] == {"$ref": "#/components/schemas/CannotScoreCodeEnum"}
    assert shapes["CannotScoreCodeEnum"]["enum"] == ["questionnaire_incomplete", "scheme_invalid"]
    assert "errors" in shape["properties"] and "errors" not in shape["required"]


def test_a_what_if_and_a_new_scheme_still_score_so_an_evaluator_can_put_it_right(broken):
    """Only the stored scheme is broken: a scheme sent with the request is scored (or refused as
    the sender's mistake, 400), and a fitting one saved through the API mends the survey."""
    api = APIClient()
    api.force_authenticate(member("li", broken, EVALUATOR))
    fitting = {**FITTING, "dimension_weights": {"economy": 0.4, "public": 0.6}, "item_weights": {}}
    assert api.post("/api/v1/surveys/hill-2024/score/", {"scheme": fitting}, format="json").status_code == 200
    bad = api.post("/api/v1/surveys/hill-2024/score/", {"scheme": FITTING}, format="json")
    assert bad.status_code == 400 and "errors" in bad.json()
    assert api.put("/api/v1/surveys/hill-2024/scheme/", fitting, format="json").status_code == 200
    assert api.get("/api/v1/surveys/hill-2024/score/").status_code == 200


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_evaluator_page_and_its_charts_show_the_problems_instead_of_the_score(broken, lang):
    client = _browser(member("li", broken, EVALUATOR))
    page = client.get(f"/evaluate/hill-2024/?lang={lang}")
    assert page.status_code == 409
    html = page.content.decode()
    problems = EN_PROBLEMS if lang == "en" else ZH_PROBLEMS
    for problem in problems:
        assert f"<li>{problem.replace(chr(39), '&#x27;')}</li>" in html
    if lang == "en":
        assert "The scoring scheme does not fit the questionnaire" in html
        assert "An administrator can open this survey in the admin, correct its “Scoring scheme”" in html
    else:
        assert "<h1>计分方案与问卷不符</h1>" in html
        assert "请管理员在管理后台打开这项调查，改正“计分方案”后保存。" in html
    assert "/admin/" not in html, "an evaluator cannot open the admin: asked to turn to an administrator"
    chart = client.get(f"/evaluate/hill-2024/charts/items.png?lang={lang}")
    assert chart.status_code == 409 and chart["Content-Type"].startswith("text/html")


def test_an_administrator_on_the_evaluator_page_is_linked_to_the_surveys_admin_page(broken):
    html = _browser(_administrator()).get("/evaluate/hill-2024/").content.decode()
    assert f'<a href="/admin/surveys/survey/{broken.pk}/change/">在管理后台打开这项调查</a>' in html


def test_the_staff_dashboard_still_opens(broken):
    for role in (STAFF, EVALUATOR):
        page = _browser(member(f"user-{role}", broken, role)).get("/staff/hill-2024/")
        assert page.status_code == 200, role


def test_the_surveys_admin_page_opens_says_what_does_not_fit_and_takes_the_fix(broken):
    from tests.surveys.test_admin import _change_form

    client = _browser(_administrator())
    page = client.get(f"/admin/surveys/survey/{broken.pk}/change/")
    assert page.status_code == 200
    warnings = [str(m) for m in page.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "；".join(ZH_PROBLEMS) in warnings[0]
    assert warnings[0].endswith("请改正下方的“计分方案”后保存。")

    data = _change_form(client, broken)
    refused = client.post(f"/admin/surveys/survey/{broken.pk}/change/", data)
    assert refused.status_code == 200, "saved as it is, the scheme is refused with its problems"
    assert "未知的题目代码“water”" in refused.content.decode()
    assert "unknown item code" not in refused.content.decode(), "in the page's language only"

    data["scheme"] = '{"dimension_weights": {"economy": 0.4, "public": 0.6}}'
    assert client.post(f"/admin/surveys/survey/{broken.pk}/change/", data).status_code == 302
    assert score_document(Survey.objects.get(pk=broken.pk))["composite"]["score"] is not None
    page = client.get(f"/admin/surveys/survey/{broken.pk}/change/")
    assert not [m for m in page.context["messages"] if m.level_tag == "warning"]


def test_the_admin_page_of_a_fitting_scheme_warns_of_nothing(survey):
    page = _browser(_administrator()).get(f"/admin/surveys/survey/{survey.pk}/change/")
    assert not [m for m in page.context["messages"] if m.level_tag == "warning"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_score_and_report_commands_refuse_saying_what_and_where(broken, tmp_path, lang):
    for args in (
        ["score", "hill-2024"],
        ["report", "hill-2024", "--format", "csv", "-o", str(tmp_path / "r.csv")],
    ):
        with pytest.raises(CommandError) as refused:
            call_command(*args, "--lang", lang, stdout=io.StringIO(), stderr=io.StringIO())
        _says_what_and_where(str(refused.value), broken, lang)
    assert not (tmp_path / "r.csv").exists()


def test_the_score_command_in_a_shell_writes_the_refusal_on_stderr_and_exits_1(broken, capsys):
    from surveys.management.commands.score import Command

    with pytest.raises(SystemExit) as ended:
        Command().run_from_argv(["manage.py", "score", "hill-2024"])
    assert ended.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("错误：“山村镇2024年度满意度调查”（hill-2024）的计分方案与问卷不符")


def test_publishing_is_refused_naming_the_problems_and_nothing_is_stored(survey):
    closed = _broken(survey, Survey.Status.CLOSED)
    with pytest.raises(ValidationError) as refused:
        report_publish(survey=closed, user=member("li", closed, EVALUATOR))
    assert refused.value.code == "scheme"
    _says_what_and_where(refused.value.messages[0], closed, "zh")
    assert Survey.objects.get(pk=closed.pk).status == Survey.Status.CLOSED
    assert not PublishedReport.objects.exists()


def test_the_admins_publish_action_and_the_evaluators_button_say_why_they_refused(survey):
    closed = _broken(survey, Survey.Status.CLOSED)
    admin = _browser(_administrator())
    form = {"action": "publish_survey", "_selected_action": [closed.pk]}
    page = admin.post("/admin/surveys/survey/?lang=en", form, follow=True)
    assert page.status_code == 200
    errors = [str(m) for m in page.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    _says_what_and_where(errors[0], closed, "en")

    evaluator = _browser(member("li", closed, EVALUATOR))
    page = evaluator.post("/evaluate/hill-2024/publish/", follow=True)
    assert page.status_code == 409, "back on the evaluator page, which lists the problems"
    assert "计分方案与问卷不符" in page.content.decode()
    assert Survey.objects.get(pk=closed.pk).status == Survey.Status.CLOSED
    assert not PublishedReport.objects.exists()


def test_a_published_survey_keeps_its_frozen_score_and_says_its_scheme_is_frozen(survey):
    """Broken after publishing (the admin allows no edit then): the frozen document and files
    are still served; today's figures are refused without sending anyone to a read-only field."""
    answer(survey, 6)
    Survey.objects.filter(pk=survey.pk).update(scheme=FITTING, status=Survey.Status.CLOSED)
    evaluator = member("li", survey, EVALUATOR)
    report_publish(survey=Survey.objects.get(pk=survey.pk), user=evaluator)
    Item.objects.filter(survey=survey, code="water").update(code="drinking_water")
    api = _token_client(evaluator)
    frozen = api.get("/api/v1/surveys/hill-2024/score/")
    assert frozen.status_code == 200 and frozen["X-Report-Published"] == "1"
    assert api.get("/api/v1/surveys/hill-2024/report.pdf").status_code == 200
    live = api.get("/api/v1/surveys/hill-2024/score/?live=true")
    assert live.status_code == 409
    assert "已发布，计分方案随发布冻结：发布时冻结的得分和下载文件不受影响" in live.json()["detail"]
    assert "/admin/" not in live.json()["detail"]
    page = _browser(evaluator).get("/evaluate/hill-2024/")
    assert page.status_code == 409
    assert "/api/v1/surveys/hill-2024/report.pdf" in page.content.decode(), "the frozen files offered"


def test_default_points_that_cannot_score_send_the_administrator_to_the_options(survey):
    """Without a saved scheme the options' default points score: 150 typed in is said so."""
    from surveys.scoring import SchemeBroken

    answer(survey, 6)
    Option.objects.filter(survey=survey, code="satisfied").update(points=150)
    with pytest.raises(SchemeBroken) as raised:
        score_document(survey)
    with translation.override("zh-hans"):
        text = str(raised.value)
    assert "选项“satisfied”的分值 150.0 不在 0 至 100 之间：得分是百分制" in text
    assert "改正答案选项的“默认分值”后保存：http://127.0.0.1:8000/admin/" in text
    with translation.override("en"):
        assert "correct the answer options' “Default score”" in str(raised.value)
