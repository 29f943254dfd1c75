"""An option's default points (默认分值) edited after the survey's scheme was saved: the scheme's
points follow where they were the default's, and the administrator is told which points count.
The edit used to be ignored silently: the saved scheme holds every option's points."""

import json

import pytest

from surveys.models import Option, Survey
from surveys.scoring import score_document
from tests.surveys.report_helpers import answer
from tests.surveys.test_admin import _change_form, _save, _with_scheme

pytestmark = pytest.mark.django_db


def _row(data: dict, code: str) -> str:
    """The option rows' prefix of the option with that code ("option_set-0"), by its id (the
    code is read-only once answered)."""
    pk = str(Option.objects.get(code=code).pk)
    return next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.startswith("option_set-") and k.endswith("-id") and v == pk
    )


def _points_counted(survey) -> dict:
    return score_document(Survey.objects.get(pk=survey.pk), use_cache=False)["scheme"]["option_points"]


def test_a_default_the_scheme_copied_is_followed_by_the_scheme_and_the_admin_is_told(admin_client, survey):
    answer(survey, 6)
    data = _with_scheme(admin_client, survey)  # the scheme copies the defaults: satisfied 100
    assert survey.scheme["option_points"]["satisfied"] == 100
    data[f"{_row(data, 'satisfied')}-points"] = "90"
    notes = _save(admin_client, survey, data)
    assert notes == [
        (
            "info",
            "选项“满意”的默认分值由 100 改为 90；计分方案中它原与默认分值相同，已一并改为 90，得分按 90 计算。",
        )
    ]
    assert Option.objects.get(survey=survey, code="satisfied").points == 90
    assert survey.scheme["option_points"]["satisfied"] == 90
    assert _points_counted(survey)["satisfied"] == 90


def test_points_the_scheme_sets_itself_still_count_and_the_admin_is_warned_with_them(admin_client, survey):
    data = _with_scheme(admin_client, survey, option_points={"satisfied": 95})
    data[f"{_row(data, 'satisfied')}-points"] = "90"
    notes = _save(admin_client, survey, data)
    assert notes == [
        (
            "warning",
            "选项“满意”的默认分值改为 90，但计分方案为它另定了 95，得分仍按 95 计算："
            "要按 90 计分，请同时修改计分方案 option_points 中“satisfied”的分值。",
        )
    ]
    assert Option.objects.get(survey=survey, code="satisfied").points == 90
    assert survey.scheme["option_points"]["satisfied"] == 95
    assert _points_counted(survey)["satisfied"] == 95


def test_the_notes_are_in_english_on_english_pages(admin_client, survey):
    data = _with_scheme(admin_client, survey, option_points={"satisfied": 95})
    data[f"{_row(data, 'satisfied')}-points"] = "90"
    data[f"{_row(data, 'dissatisfied')}-points"] = ""
    notes = _save(admin_client, survey, data, lang="en")
    assert notes == [
        (
            "warning",
            "The default score of option “满意” is now 90, but the scoring scheme gives it 95 of its own, "
            "and scores still count 95: to score it 90, change “satisfied” in the scheme's option_points too.",
        ),
        (
            "info",
            "The default score of option “不满意” changed from 0 to “not scored”; the scoring scheme gave it its "
            "default too, and now gives it “not scored” as well: scores count “not scored”.",
        ),
    ]
    assert survey.scheme["option_points"]["dissatisfied"] is None


def test_the_default_and_the_schemes_points_changed_together_need_no_note(admin_client, survey):
    data = _with_scheme(admin_client, survey)
    data[f"{_row(data, 'satisfied')}-points"] = "90"
    scheme = json.loads(data["scheme"])
    scheme["option_points"]["satisfied"] = 90
    data["scheme"] = json.dumps(scheme)
    assert _save(admin_client, survey, data) == []
    assert survey.scheme["option_points"]["satisfied"] == 90


def test_without_a_scheme_the_edited_default_counts_and_nothing_needs_saying(admin_client, survey):
    data = _change_form(admin_client, survey)
    data[f"{_row(data, 'satisfied')}-points"] = "90"
    assert _save(admin_client, survey, data) == []
    assert survey.scheme is None
    assert _points_counted(survey)["satisfied"] == 90


def test_a_scheme_refused_for_another_reason_keeps_the_defaults_and_says_nothing_of_points(
    admin_client, survey
):
    data = _with_scheme(admin_client, survey)
    data[f"{_row(data, 'satisfied')}-points"] = "90"
    data["scheme"] = json.dumps({**json.loads(data["scheme"]), "dimension_weights": {"nope": 1}})
    page = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert page.status_code == 200 and "未知的维度代码“nope”" in page.content.decode()
    assert Option.objects.get(survey=survey, code="satisfied").points == 100
    survey.refresh_from_db()
    assert survey.scheme["option_points"]["satisfied"] == 100


@pytest.mark.parametrize("points", ["150", "-5"])
def test_default_points_outside_0_to_100_are_refused_where_they_are_typed(admin_client, survey, points):
    """Without a scheme the defaults score: 150 was stored, and every score page refused the survey."""
    data = _change_form(admin_client, survey)
    data[f"{_row(data, 'satisfied')}-points"] = points
    page = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert page.status_code == 200
    assert "须在 0 至 100 之间，或留空（不计分）。" in page.content.decode()
    assert Option.objects.get(survey=survey, code="satisfied").points == 100
    english = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/?lang=en", data)
    assert "Must be between 0 and 100, or blank (not scored)." in english.content.decode()
