"""Who sees what: administrators everything, staff and evaluators their own surveys, outsiders nothing."""

import pytest
from django.test import RequestFactory

from surveys.models import AuditEntry, Response, SurveyMembership
from surveys.permissions import (
    CanReadScores,
    CanReview,
    CanViewProgress,
    can_read_audit,
    can_read_scores,
    can_review,
    can_view_progress,
    survey_get_for,
    surveys_visible_to,
)
from tests.factories import make_survey
from tests.surveys.staff_factories import PASSWORD, make_member, make_response, make_user

pytestmark = pytest.mark.django_db

STAFF, EVALUATOR = SurveyMembership.Role.STAFF, SurveyMembership.Role.EVALUATOR


@pytest.fixture
def other(db):
    return make_survey("valley-2024")


@pytest.fixture
def people(survey, other):
    return {
        "admin": make_user("chief", superuser=True),
        "staff": make_member(survey, "xiaowang", STAFF),
        "evaluator": make_member(survey, "pinggu", EVALUATOR),
        "outsider": make_member(other, "waicun", STAFF),
        "nobody": make_user("xinren"),
    }


@pytest.fixture
def flagged(survey):
    return make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒"}])


# the rules


def test_administrators_see_every_survey(people, survey, other):
    assert set(surveys_visible_to(people["admin"])) == {survey, other}


def test_members_see_only_their_surveys(people, survey, other):
    assert list(surveys_visible_to(people["staff"])) == [survey]
    assert list(surveys_visible_to(people["outsider"])) == [other]
    assert list(surveys_visible_to(people["nobody"])) == []


def test_a_member_with_two_roles_sees_the_survey_once(survey):
    both = make_member(survey, "shuangzhi", STAFF)
    SurveyMembership.objects.create(survey=survey, user=both, role=EVALUATOR)
    assert list(surveys_visible_to(both)) == [survey]
    assert can_review(both, survey) and can_read_scores(both, survey)


def test_an_inactive_administrator_sees_nothing(survey):
    chief = make_user("retired", superuser=True)
    chief.is_active = False
    assert list(surveys_visible_to(chief)) == []
    assert not can_review(chief, survey)


@pytest.mark.parametrize(
    "who, progress, review, scores, audit",
    [
        ("admin", True, True, True, True),
        ("staff", True, True, False, True),
        ("evaluator", True, False, True, True),
        ("outsider", False, False, False, False),
        ("nobody", False, False, False, False),
    ],
)
def test_what_each_role_may_do(people, survey, who, progress, review, scores, audit):
    user = people[who]
    assert (
        can_view_progress(user, survey),
        can_review(user, survey),
        can_read_scores(user, survey),
        can_read_audit(user, survey),
    ) == (progress, review, scores, audit)


def test_an_outsider_is_told_the_survey_does_not_exist(people, survey):
    from django.http import Http404

    with pytest.raises(Http404):
        survey_get_for(people["outsider"], survey.slug)


def test_survey_lookup_and_role_checks_take_one_query(people, survey, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = survey_get_for(people["staff"], survey.slug)
        assert can_review(people["staff"], found) and not can_read_scores(people["staff"], found)


def test_the_drf_permission_classes_follow_the_rules(people, survey):
    request = RequestFactory().get("/")
    for who, expected in [("staff", (True, True, False)), ("evaluator", (True, False, True))]:
        request.user = people[who]
        got = tuple(
            rule().has_permission(request, None) and rule().has_object_permission(request, None, survey)
            for rule in (CanViewProgress, CanReview, CanReadScores)
        )
        assert got == expected, who


# anonymous visitors


def test_anonymous_visitors_are_sent_to_the_login_page(client, survey):
    reply = client.get(f"/staff/{survey.slug}/")
    assert reply.status_code == 302
    assert reply["Location"] == f"/accounts/login/?next=/staff/{survey.slug}/"


def test_anonymous_visitors_get_403_from_the_progress_api(client, survey):
    assert client.get(f"/api/v1/surveys/{survey.slug}/progress/").status_code in (401, 403)


def test_anonymous_visitors_cannot_exclude(client, survey, flagged):
    client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": "x"})
    assert not Response.objects.get(pk=flagged.pk).excluded


def test_the_login_page_is_in_chinese_and_leads_to_the_dashboard(client, people, survey):
    page = client.get(f"/accounts/login/?next=/staff/{survey.slug}/").content.decode()
    assert "用户名" in page and "密码" in page
    reply = client.post(
        "/accounts/login/", {"username": "xiaowang", "password": PASSWORD, "next": f"/staff/{survey.slug}/"}
    )
    assert reply["Location"] == f"/staff/{survey.slug}/"


def test_a_wrong_password_is_refused_in_chinese(client, people):
    page = client.post("/accounts/login/", {"username": "xiaowang", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page


# evaluators


def test_an_evaluator_reads_the_dashboard_and_the_audit_log_without_review_buttons(
    client, people, survey, flagged
):
    AuditEntry.objects.create(
        survey=survey, user=people["staff"], action="response_excluded", reason="重复作答"
    )
    client.force_login(people["evaluator"])
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    assert "审计日志" in page and "重复作答" in page
    assert "作答用时 20 秒" in page  # the flagged response is listed
    assert "/exclude/" not in page  # but without the form


def test_an_evaluator_cannot_exclude(client, people, survey, flagged):
    client.force_login(people["evaluator"])
    reply = client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": "不像真的"})
    assert reply.status_code == 403
    assert not Response.objects.get(pk=flagged.pk).excluded
    assert not AuditEntry.objects.exists()


def test_an_evaluator_reads_the_progress_api(client, people, survey):
    client.force_login(people["evaluator"])
    assert client.get(f"/api/v1/surveys/{survey.slug}/progress/").status_code == 200


# staff of another survey


def test_staff_of_another_survey_see_nothing_of_this_one(client, people, survey, flagged):
    client.force_login(people["outsider"])
    assert client.get(f"/staff/{survey.slug}/").status_code == 404
    assert client.get(f"/api/v1/surveys/{survey.slug}/progress/").status_code == 404
    reply = client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": "越权"})
    assert reply.status_code == 404
    assert not Response.objects.get(pk=flagged.pk).excluded
    listing = client.get("/staff/").content.decode()
    assert f"/staff/{survey.slug}/" not in listing


def test_an_unknown_survey_and_a_foreign_one_answer_alike(client, people, survey):
    client.force_login(people["outsider"])
    foreign = client.get(f"/api/v1/surveys/{survey.slug}/progress/")
    unknown = client.get("/api/v1/surveys/no-such-survey/progress/")
    assert (foreign.status_code, foreign.content) == (unknown.status_code, unknown.content)


def test_the_survey_list_shows_each_member_their_surveys_and_roles(client, people, survey):
    client.force_login(people["staff"])
    page = client.get("/staff/").content.decode()
    assert f"/staff/{survey.slug}/" in page and "工作人员" in page
    assert "/staff/valley-2024/" not in page


def test_the_demo_accounts_can_be_added_twice_and_log_in(client, survey):
    from surveys.services.members import survey_member_add

    for _ in range(2):
        survey_member_add(survey=survey, username="staff", role=STAFF, password=PASSWORD)
        survey_member_add(survey=survey, username="evaluator", role=EVALUATOR, password=PASSWORD)
    assert SurveyMembership.objects.filter(survey=survey).count() == 2
    assert client.login(username="evaluator", password=PASSWORD)
    assert client.get(f"/staff/{survey.slug}/").status_code == 200
