"""The database side of scoring: one query for the answers, versions decoded, cache kept fresh."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.cache import survey_data_token
from surveys.models import Invitation, Item, Response
from surveys.scoring import score_document, survey_matrix
from surveys.services.response_import import responses_import_text
from surveys.services.submission import ResponsePayload, response_submit
from tests.factories import csv_row, csv_text

pytestmark = pytest.mark.django_db

# Three villagers of 东村 and one staff member:
#   income:  satisfied, basically_satisfied, dissatisfied, satisfied   → (100+80+0+100)/4 = 70
#   roads:   satisfied, satisfied, dont_know, (blank)                  → (100+100)/2      = 100
#   water:   basically_satisfied ×3, dissatisfied                      → (80×3+0)/4       = 60
# economy = income = 70; services = (100 + 60)/2 = 80 (with the default scheme: equal weights)
# composite = (70 + 80)/2 = 75
ROWS = [
    ("satisfied", "satisfied", "basically_satisfied"),
    ("basically_satisfied", "satisfied", "basically_satisfied"),
    ("dissatisfied", "dont_know", "basically_satisfied"),
]


def _load(survey):
    rows = [csv_row(answers=a) for a in ROWS]
    rows.append(csv_row(group="staff", village="", age_band="", answers=("satisfied", "", "dissatisfied")))
    responses_import_text(survey=survey, text=csv_text(*rows))


def test_it_scores_by_the_default_scheme_worked_out_by_hand(survey):
    _load(survey)
    doc = score_document(survey)
    assert doc["composite"]["score"] == pytest.approx(75)
    assert doc["composite"]["n"] == 4 and doc["composite"]["method"] == "taylor"
    items = {i["code"]: i for i in doc["items"]}
    assert (items["income"]["score"], items["roads"]["score"], items["water"]["score"]) == pytest.approx(
        (70, 100, 60)
    )
    assert items["roads"]["dont_know"] == 1 and items["roads"]["blank"] == 1 and items["roads"]["n"] == 2
    assert items["roads"]["distribution"] == {
        "satisfied": 2,
        "basically_satisfied": 0,
        "dissatisfied": 0,
        "dont_know": 1,
    }
    assert [(d["code"], d["name"], d["score"]) for d in doc["dimensions"]] == [
        ("economy", "经济发展", pytest.approx(70)),
        ("services", "公共服务", pytest.approx(80)),
    ]
    assert doc["sample"] == {"responses": 4, "excluded": 0, "synthetic": 0}
    assert "收入（income） = (2×100 + 1×80 + 1×0)/4 = 70.00" in [e["text"] for e in doc["explain"]]


def test_breakdowns_carry_names_and_suppress_small_cells(survey):
    _load(survey)
    doc = score_document(survey)
    by_group = {c["code"]: c for c in doc["by_group"]}
    assert by_group["villager"]["name"] == "村民群众" and by_group["villager"]["n"] == 3
    assert by_group["villager"]["suppressed"] is True and by_group["villager"]["score"] is None
    assert {c["code"] for c in doc["by_village"]} == {"east", "west"}


def test_excluded_responses_are_not_scored(survey):
    _load(survey)
    Response.objects.filter(group__code="staff").update(excluded=True)
    doc = score_document(survey, use_cache=False)
    assert doc["composite"]["n"] == 3
    assert doc["sample"]["excluded"] == 1
    assert {i["code"]: i["score"] for i in doc["items"]}["income"] == pytest.approx(60)


def test_answers_from_an_earlier_questionnaire_version_land_in_the_right_columns(survey):
    _load(survey)
    before = score_document(survey, use_cache=False)
    Item.objects.filter(survey=survey, code="water").update(order=0)  # now before roads
    Item.objects.create(
        survey=survey, dimension=survey.dimension_set.get(code="economy"), code="jobs", text="就业", order=5
    )
    after = score_document(survey, use_cache=False)
    scores = {i["code"]: i["score"] for i in after["items"]}
    assert scores["water"] == pytest.approx(60) and scores["roads"] == pytest.approx(100)
    assert scores["jobs"] is None
    assert after["composite"]["score"] == pytest.approx(before["composite"]["score"])


def test_all_answers_load_in_one_query_whatever_the_size(survey):
    _load(survey)
    with CaptureQueriesContext(connection) as small:
        survey_matrix(survey)
    responses_import_text(survey=survey, text=csv_text(*[csv_row(answers=ROWS[0]) for _ in range(200)]))
    with CaptureQueriesContext(connection) as big:
        survey_matrix(survey)
    assert len(small) == len(big)
    answer_queries = [
        q for q in big.captured_queries if '"answers"' in q["sql"] and "surveys_response" in q["sql"]
    ]
    assert len(answer_queries) == 1


def test_a_cached_score_is_served_until_the_responses_change(survey, django_capture_on_commit_callbacks):
    _load(survey)
    first = score_document(survey)
    with CaptureQueriesContext(connection) as cached:
        again = score_document(survey)
    assert again == first
    # Served from the cache: the answers are not read, only the survey's count and last arrival.
    response_queries = [q["sql"] for q in cached.captured_queries if "surveys_response" in q["sql"]]
    assert len(response_queries) == 1 and '"answers"' not in response_queries[0]
    with django_capture_on_commit_callbacks(execute=True):
        responses_import_text(survey=survey, text=csv_text(csv_row(answers=("dissatisfied",) * 3)))
    assert score_document(survey)["composite"]["n"] == 5


def test_a_web_submission_is_scored_at_once_without_a_cache_write(survey):
    _load(survey)
    assert score_document(survey)["composite"]["n"] == 4
    invitation = Invitation.objects.get(token="hill-2024-east")
    token = survey_data_token(survey)
    response_submit(
        invitation=invitation,
        payload=ResponsePayload(
            response_id=uuid.uuid4(),
            answers={"income": "dissatisfied", "roads": "dissatisfied", "water": "dissatisfied"},
            age_band="18-44",
        ),
    )
    assert survey_data_token(survey) == token
    assert score_document(survey)["composite"]["n"] == 5


def test_the_score_command_prints_the_contract_document(survey, capsys):
    _load(survey)
    call_command("score", survey.slug)
    doc = json.loads(capsys.readouterr().out)
    for key in [
        "survey",
        "composite",
        "dimensions",
        "items",
        "by_village",
        "by_group",
        "by_age_band",
        "reliability",
        "scheme",
    ]:
        assert key in doc
    assert set(doc["composite"]) >= {"score", "se", "ci95", "n", "method"}
    assert doc["survey"] == "hill-2024"


def test_the_score_command_scores_a_what_if_scheme_without_saving_it(survey, tmp_path, capsys):
    _load(survey)
    scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 60, "dissatisfied": 0, "dont_know": None},
        "dimension_weights": {"economy": 1, "services": 0},
    }
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(scheme))
    call_command("score", survey.slug, "--scheme", str(path))
    doc = json.loads(capsys.readouterr().out)
    assert doc["composite"]["score"] == pytest.approx((100 + 60 + 0 + 100) / 4)
    survey.refresh_from_db()
    assert survey.scheme is None


def test_the_score_command_names_what_is_wrong_with_a_scheme(survey, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "option_points": {"satisfied": 100, "meh": 5},
                "dimension_weights": {"economy": -1, "services": 1},
            }
        )
    )
    with pytest.raises(CommandError, match="计分方案有误") as info:
        call_command("score", survey.slug, "--scheme", str(path))
    assert "dimension_weights" in str(info.value) and "option_points" in str(info.value)
    assert "meh" in str(info.value), "an unknown option is named (one left out scores its default points)"


def test_the_score_command_reports_a_scheme_file_that_is_not_json(survey, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"option_points": ')
    with pytest.raises(CommandError, match="第 1 行第 19 列：不是有效的 JSON（缺少值"):
        call_command("score", survey.slug, "--scheme", str(path))
    # The slips of a Chinese keyboard named as the admin names them; NaN refused.
    path.write_text('{\n  "option_points"： {"satisfied": 100}}')
    with pytest.raises(
        CommandError, match="第 2 行第 18 列：不是有效的 JSON（是中文标点“：”，JSON 中应改为英文冒号"
    ):
        call_command("score", survey.slug, "--scheme", str(path))
    path.write_text('{"min_cell": NaN}')
    with pytest.raises(CommandError, match="bad.json：不是有效的 JSON（NaN 不是数字"):
        call_command("score", survey.slug, "--scheme", str(path))


def test_the_score_command_reads_a_scheme_saved_by_notepad_and_names_the_line_of_one_in_gbk(
    survey, tmp_path, capsys
):
    """Windows Notepad saved UTF-8 with a byte order mark until 2019, and a Chinese Windows'
    Notepad saves "ANSI" (GBK): the first is read, the second refused by its line — a traceback
    before (UnicodeDecodeError), and a refusal of the mark as "not valid JSON"."""
    _load(survey)
    scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 50, "dissatisfied": 0, "dont_know": None},
        "dimension_weights": {"economy": 1, "services": 1},
    }
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(scheme).encode())
    call_command("score", survey.slug, "--scheme", str(path))
    expected = score_document(survey, scheme_data=scheme)["composite"]["score"]
    assert expected != pytest.approx(75)  # not the default scheme's
    assert json.loads(capsys.readouterr().out)["composite"]["score"] == pytest.approx(expected)
    text = json.dumps({**scheme, "备注": "基本满意按 50 分"}, ensure_ascii=False, indent=1)
    path.write_bytes(text.encode("gbk"))
    line = text.splitlines().index(' "备注": "基本满意按 50 分"') + 1
    with pytest.raises(
        CommandError, match=f"notepad.json 第 {line} 行：不是 UTF-8 编码的文字；请另存为 UTF-8"
    ):
        call_command("score", survey.slug, "--scheme", str(path))


def test_the_text_format_explains_every_figure(survey, capsys):
    _load(survey)
    call_command("score", survey.slug, "--format", "text")
    out = capsys.readouterr().out
    assert "综合满意度：75.00（标准误" in out
    assert "公共服务（services） = (100.00 + 60.00)/2 = 80.00" in out


def test_the_text_format_names_its_scheme_and_says_when_it_is_a_trial(survey, capsys, tmp_path):
    """The scheme's digest, as the downloads show it; a --scheme trial says that it is one."""
    from surveys.reports.data import report_data

    _load(survey)
    call_command("score", survey.slug, "--format", "text")
    official = capsys.readouterr().out
    assert f"计分方案摘要 {report_data(survey).scheme_digest}\n" in official and "试算" not in official
    scheme = score_document(survey)["scheme"]
    path = tmp_path / "trial.json"
    path.write_text(json.dumps({**scheme, "min_cell": 1}))
    call_command("score", survey.slug, "--format", "text", "--scheme", str(path))
    trial = capsys.readouterr().out
    assert "（试算方案，未保存）" in trial
    assert trial.split("\n")[2] != official.split("\n")[2], "another scheme, another digest"


def test_the_daligang_synthetic_set_scores_with_a_margin_of_error(db):
    call_command("loaddata", "daligang-2020", verbosity=0)
    from django.conf import settings

    from surveys.models import Survey

    call_command(
        "import_responses",
        "daligang-2020",
        str(settings.BASE_DIR / "fixtures/daligang-2020-synthetic.csv"),
        "--synthetic",
    )
    doc = score_document(Survey.objects.get(slug="daligang-2020"))
    composite = doc["composite"]
    assert composite["n"] == 400 and doc["sample"]["synthetic"] == 400
    assert 85 < composite["score"] < 97
    assert composite["ci95"][0] < composite["score"] < composite["ci95"][1]
    assert composite["df"] == 17 + 40 + 20 - 3  # PSUs − strata
    assert len(doc["by_village"]) == 17 and len(doc["by_age_band"]) == 4


def test_a_response_uuid_is_kept_as_given(survey):
    rid = uuid.uuid4()
    responses_import_text(survey=survey, text=csv_text(csv_row(rid)))
    assert Response.objects.get().id == rid


def test_compare_surveys_prints_the_difference_and_its_se(survey, capsys):
    from tests.factories import make_survey

    _load(survey)
    later = make_survey("hill-2025")
    responses_import_text(
        survey=later, text=csv_text(*[csv_row(answers=("satisfied",) * 3) for _ in range(5)])
    )
    call_command("compare_surveys", "hill-2024", "hill-2025", "--format", "json")
    body = json.loads(capsys.readouterr().out)
    assert body["composite"]["a"] == pytest.approx(75) and body["composite"]["b"] == pytest.approx(100)
    assert body["composite"]["difference"] == pytest.approx(25)
    call_command("compare_surveys", "hill-2024", "hill-2025")
    out = capsys.readouterr().out
    assert "hill-2025 相对于 hill-2024" in out and "差值  25.00" in out


def test_compare_surveys_writes_the_evaluator_pages_downloads_and_its_text_to_a_file(
    survey, tmp_path, capsys
):
    """The page's comparison downloads (PDF report, Excel sheet) from the command line too, in
    the command's language; -o writes the text or JSON to a file as well."""
    from openpyxl import load_workbook

    from tests.factories import make_survey

    _load(survey)
    later = make_survey("hill-2025")
    responses_import_text(
        survey=later, text=csv_text(*[csv_row(answers=("satisfied",) * 3) for _ in range(5)])
    )
    pdf, xlsx, text = tmp_path / "c.pdf", tmp_path / "c.xlsx", tmp_path / "c.txt"
    call_command(
        "compare_surveys", "hill-2024", "hill-2025", "--format", "pdf", "-o", str(pdf), "--lang", "en"
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert f"{pdf.stat().st_size} bytes → {pdf}" in capsys.readouterr().err
    call_command("compare_surveys", "hill-2024", "hill-2025", "--format", "xlsx", "-o", str(xlsx))
    rows = list(load_workbook(xlsx).worksheets[0].iter_rows(values_only=True))
    composite = next(row for row in rows if row[1] == "composite")
    assert composite[3:6] == (pytest.approx(75), pytest.approx(100), pytest.approx(25))
    call_command("compare_surveys", "hill-2024", "hill-2025", "-o", str(text))
    assert "hill-2025 相对于 hill-2024" in text.read_text() and "差值  25.00" in text.read_text()
    assert capsys.readouterr().out == ""


def test_compare_surveys_names_the_codes_only_one_survey_has(survey, capsys):
    from surveys.models import Item
    from tests.factories import make_survey

    _load(survey)
    later = make_survey("hill-2025")
    Item.objects.filter(survey=later, code="water").update(code="wells")
    rows = [csv_row(answers=("satisfied",) * 3) for _ in range(5)]
    responses_import_text(survey=later, text=csv_text(*rows).replace(",water", ",wells", 1))
    call_command("compare_surveys", "hill-2024", "hill-2025")
    out = capsys.readouterr().out.splitlines()
    assert "  仅基期有的题目：water" in out and "  仅本期有的题目：wells" in out
    call_command("compare_surveys", "hill-2024", "hill-2025", "--lang", "en")
    out = capsys.readouterr().out.splitlines()
    assert (
        "  only in the base survey (Item): water" in out
        and "  only in the current survey (Item): wells" in out
    )


def test_a_new_version_of_the_scoring_code_never_serves_an_old_cached_document(survey, monkeypatch):
    """The cache outlives a deployment: a document cached by older code (other fields, other
    derivation texts) must not come back from newer code."""
    from surveys import scoring

    _load(survey)
    first = score_document(survey)
    assert score_document(survey)["computed_at"] == first["computed_at"], "cached"
    monkeypatch.setattr(scoring, "_code_version", lambda: "another-version")
    assert score_document(survey)["computed_at"] != first["computed_at"]


def test_compare_surveys_compares_what_was_published_unless_asked_for_todays_data(survey, capsys):
    """A published survey's score is the one published everywhere (the page's comparison too);
    the command compared today's data, which an exclusion after publication had changed."""
    from django.contrib.auth import get_user_model

    from surveys.models import Survey
    from surveys.services.publish import report_publish
    from tests.factories import make_survey

    _load(survey)
    later = make_survey("hill-2025")
    responses_import_text(
        survey=later, text=csv_text(*[csv_row(answers=("satisfied",) * 3) for _ in range(5)])
    )
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey.refresh_from_db()
    admin = get_user_model().objects.create_superuser("boss", password="pw-long-enough-123")
    report_publish(survey=survey, user=admin)
    Response.objects.filter(survey=survey).update(answers="000")  # after publication
    call_command("compare_surveys", "hill-2024", "hill-2025", "--format", "json")
    assert json.loads(capsys.readouterr().out)["composite"]["a"] == pytest.approx(75)
    call_command("compare_surveys", "hill-2024", "hill-2025", "--format", "json", "--fresh")
    assert json.loads(capsys.readouterr().out)["composite"]["a"] == pytest.approx(100)


def test_compare_surveys_says_when_the_two_are_scored_differently(survey, capsys):
    from django.core.cache import cache

    from surveys.models import Option
    from surveys.survey_state import survey_state_forget
    from tests.factories import make_survey

    _load(survey)
    later = make_survey("hill-2025")
    responses_import_text(
        survey=later, text=csv_text(*[csv_row(answers=("satisfied",) * 3) for _ in range(5)])
    )
    call_command("compare_surveys", "hill-2024", "hill-2025")
    assert "计分方案" not in capsys.readouterr().out
    Option.objects.filter(survey=later, code="basically_satisfied").update(points=60)
    cache.clear()  # as an administrator's edit of the options does (behind the admin's back here)
    survey_state_forget()
    call_command("compare_surveys", "hill-2024", "hill-2025", "--lang", "en")
    assert "The two surveys are scored differently" in capsys.readouterr().out
