"""A link this process has read before: its submissions take one statement
(surveys/services/submission_insert.py), which checks afresh everything the careful way reads.

Each test stores a first response (the careful way, which remembers the link), changes something
behind the process's back, and checks that the next submission is answered exactly as if the
link had been read again.
"""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Group, Invitation, Quota, Response, Survey, Village
from surveys.services.quality import response_flags_compute
from surveys.survey_state import invitation_remembered
from tests.surveys.submission_helpers import ANSWERS, CLOSED_INVITATIONS, TOKEN, body, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def remembered(api, survey):
    """The survey, with its link remembered by this process after one stored response."""
    assert invitation_remembered(TOKEN) is None
    assert post(api, body()).status_code == 201
    assert invitation_remembered(TOKEN) is not None
    return survey


def _statements(queries) -> list[str]:
    """The SQL sent for the survey's data: not the cache table of the rate limits, nor the
    savepoints that the test's own transaction calls for."""
    return [
        q["sql"]
        for q in queries
        if "cache" not in q["sql"].lower() and not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_remembered_link_stores_a_response_in_one_statement(api, remembered):
    rid = uuid.uuid4()
    with CaptureQueriesContext(connection) as queries:
        answer = post(api, body(rid))
    assert answer.status_code == 201, answer.json()
    statements = _statements(queries.captured_queries)
    assert len(statements) == 1, statements
    assert statements[0].startswith("INSERT INTO")
    stored = Response.objects.get(pk=rid)
    assert (stored.village.code, stored.group.code, stored.age_band.code) == ("east", "villager", "18-44")
    assert stored.answers == "013"
    assert stored.invitation.token == TOKEN
    assert stored.submitted_at.isoformat() == "2024-11-02T01:30:00+00:00"
    assert answer.json()["received_at"]


@CLOSED_INVITATIONS
def test_a_remembered_link_changed_since_is_refused_at_once(api, remembered, invitation_change, code):
    Invitation.objects.filter(token=TOKEN).update(**invitation_change)
    answer = post(api, body())
    assert answer.status_code == 403
    assert answer.json()["code"] == code
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [(Survey.Status.CLOSED, "survey_closed"), (Survey.Status.DRAFT, "survey_not_open")],
)
def test_a_survey_closed_since_is_refused_at_once(api, remembered, status, code):
    Survey.objects.filter(pk=remembered.pk).update(status=status)  # no new updated_at
    answer = post(api, body())
    assert answer.status_code == 403
    assert answer.json()["code"] == code
    assert Response.objects.count() == 1


def test_a_link_moved_to_another_village_stores_the_new_village(api, remembered):
    west = Village.objects.get(survey=remembered, code="west")
    Invitation.objects.filter(token=TOKEN).update(village=west)
    rid = uuid.uuid4()
    assert post(api, body(rid)).status_code == 201
    assert Response.objects.get(pk=rid).village == west
    assert invitation_remembered(TOKEN).village_id == west.pk


def test_a_link_made_single_use_since_is_used_up(api, remembered):
    Invitation.objects.filter(token=TOKEN).update(single_use=True)
    answer = post(api, body())
    assert answer.status_code == 403
    assert answer.json()["code"] == "used_up"


def test_a_questionnaire_changed_since_is_asked_of_the_new_version(api, remembered):
    """An added item makes a new questionnaire: answers without it are refused, with it stored."""
    from surveys.models import Dimension, Item

    dimension = Dimension.objects.get(survey=remembered, code="services")
    Item.objects.create(survey=remembered, dimension=dimension, code="lights", text="路灯", order=3)
    remembered.save()  # as the admin does when its inlines change
    answer = post(api, body())
    assert answer.status_code == 400
    assert "answers.lights" in answer.json()["errors"]
    rid = uuid.uuid4()
    assert post(api, body(rid, answers={**ANSWERS, "lights": "dissatisfied"})).status_code == 201
    assert Response.objects.get(pk=rid).answers == "0132"


def test_a_phone_that_answered_is_refused_through_a_remembered_link(api, remembered):
    assert post(api, body(device="phone-1")).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        again = post(api, body(device="phone-1"))
    assert again.status_code == 403
    assert again.json()["code"] == "device_used"
    assert _statements(queries.captured_queries)[0].startswith("INSERT INTO"), "tried in one statement first"
    assert post(api, body(device="phone-2")).status_code == 201
    assert Response.objects.count() == 3


def test_a_shared_phone_goes_the_careful_way_and_is_flagged(api, remembered):
    Survey.objects.filter(pk=remembered.pk).update(allow_shared_device=True, updated_at=timezone.now())
    same = {"device": "interviewer"}
    assert post(api, body(**same)).status_code == 201
    assert post(api, body(**same)).status_code == 201
    last = Response.objects.filter(device__gt="").order_by("-received_at").first()
    assert "near_duplicate" in [flag["code"] for flag in last.flags]


@pytest.mark.parametrize(("change", "expected"), [({}, 200), ({"comment": "改过的意见"}, 409)])
def test_a_retry_through_a_remembered_link_is_read_back_once(api, remembered, monkeypatch, change, expected):
    from surveys.services import submission

    rid = uuid.uuid4()
    assert post(api, body(rid)).status_code == 201
    real, calls = submission._stored, []

    def counted(response_id, state=None):
        calls.append(response_id)
        return real(response_id, state)

    monkeypatch.setattr(submission, "_stored", counted)
    assert post(api, body(rid, **change)).status_code == expected
    assert calls == [rid]
    assert Response.objects.count() == 2


def test_a_retry_after_the_survey_closed_is_still_answered_200(api, remembered):
    rid = uuid.uuid4()
    assert post(api, body(rid)).status_code == 201
    Survey.objects.filter(pk=remembered.pk).update(status=Survey.Status.CLOSED)
    assert post(api, body(rid)).status_code == 200


def test_over_quota_flags_carry_the_counts_the_careful_way_would_give(api, remembered):
    """Two quotas cover 东村's 18–44 villagers (that cell, 3; every villager of 东村, 6): the flag
    names the full one with the number already there when the response arrived, as
    `response_flags_compute` works it out again from the stored rows. An excluded response is
    not counted."""
    villager = Group.objects.get(survey=remembered, code="villager")
    east = Village.objects.get(survey=remembered, code="east")
    Quota.objects.create(survey=remembered, group=villager, village=east, age_band=None, target=6)
    remembered.save()  # the quotas are part of the survey's remembered state
    Response.objects.update(excluded=True)  # the first response: not counted
    sent = [body(age_band="45+"), *[body() for _ in range(5)], body(age_band="45+")]
    for data in sent:
        assert post(api, data).status_code == 201
    stored = {r.pk: r for r in Response.objects.filter(excluded=False)}
    reasons = []
    for data in sent:
        response = stored[uuid.UUID(data["response_id"])]
        assert response.flags == response_flags_compute(response=response), response.flags
        reasons.append([flag["reason"] for flag in response.flags if flag["code"] == "over_quota"])
    cell, village = "东村 · 村民群众 · 18–44岁 配额 3 份", "东村 · 村民群众 配额 6 份"
    assert reasons == [
        [],
        [],
        [],
        [],
        [f"{cell}，收到本答卷时已有 3 份。"],
        [f"{cell}，收到本答卷时已有 4 份。"],  # 东村 had 5 of its 6
        [f"{village}，收到本答卷时已有 6 份。"],  # 45+: not in the 18–44 cell
    ], reasons
    english = stored[uuid.UUID(sent[-1]["response_id"])].flags[0]["reason_en"]
    assert english.endswith(": quota 6, already 6 when this response arrived."), english


def test_a_link_without_a_village_counts_its_group_quota(api, survey):
    """政府工作人员 have no village and no age band: the link's village is NULL and the whole
    group is the quota's cell."""
    staff = Group.objects.get(survey=survey, code="staff")
    Invitation.objects.create(survey=survey, token="hill-2024-staff", group=staff)
    Quota.objects.create(survey=survey, group=staff, village=None, age_band=None, target=2)
    sent = [body(invitation="hill-2024-staff", age_band=None, device=f"phone-{n}") for n in range(4)]
    for data in sent:
        assert post(api, data).status_code == 201
    assert invitation_remembered("hill-2024-staff") is not None
    reasons = []
    for data in sent:
        response = Response.objects.get(pk=data["response_id"])
        assert response.village_id is None and response.age_band_id is None
        assert response.flags == response_flags_compute(response=response)
        reasons.append([flag["reason"] for flag in response.flags if flag["code"] == "over_quota"])
    assert reasons == [
        [],
        [],
        ["政府工作人员 配额 2 份，收到本答卷时已有 2 份。"],
        ["政府工作人员 配额 2 份，收到本答卷时已有 3 份。"],
    ]
    assert post(api, body(invitation="hill-2024-staff", age_band=None, device="phone-0")).json()["code"] == (
        "device_used"
    )


# --- a property: whatever the quotas, the single statement flags as the rules say ----------------

LINKS = {
    "east": ("hill-2024-east", True),
    "west": ("hill-2024-west", True),
    "staff": ("hill-2024-staff", False),
}
quota_cells = st.lists(
    st.tuples(
        st.sampled_from([None, "east", "west"]),
        st.sampled_from([None, "18-44", "45+"]),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=5,
    unique_by=lambda cell: cell[:2],
)
submissions = st.lists(
    st.tuples(st.sampled_from(sorted(LINKS)), st.sampled_from(["18-44", "45+"])), min_size=1, max_size=10
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    villager_quotas=quota_cells,
    staff_target=st.none() | st.integers(min_value=0, max_value=3),
    sent=submissions,
)
def test_the_single_statement_flags_any_quotas_as_the_rules_do(survey, villager_quotas, staff_target, sent):
    """Villager quotas of every shape (a village, an age band, both, neither) and a staff quota
    (no village, no age band): each response's stored flags are what `response_flags_compute`
    works out again from the stored rows."""
    from surveys.models import AgeBand
    from surveys.services.submission import ResponsePayload, submission_store
    from surveys.survey_state import survey_state_forget

    with transaction.atomic():
        try:
            survey_state_forget()
            villager, staff = (Group.objects.get(survey=survey, code=code) for code in ("villager", "staff"))
            villages = {v.code: v for v in Village.objects.filter(survey=survey)}
            bands = {a.code: a for a in AgeBand.objects.filter(survey=survey)}
            Quota.objects.filter(survey=survey).delete()
            for village, band, target in villager_quotas:
                Quota.objects.create(
                    survey=survey,
                    group=villager,
                    village=villages.get(village),
                    age_band=bands.get(band),
                    target=target,
                )
            if staff_target is not None:
                Quota.objects.create(survey=survey, group=staff, target=staff_target)
            Invitation.objects.create(
                survey=survey, token="hill-2024-west", group=villager, village=villages["west"]
            )
            Invitation.objects.create(survey=survey, token="hill-2024-staff", group=staff)
            survey.save()
            ids = []
            for link, band in sent:
                token, by_village = LINKS[link]
                payload = ResponsePayload(
                    response_id=uuid.uuid4(), answers=dict(ANSWERS), age_band=band if by_village else None
                )
                _response, created = submission_store(token=token, payload=payload)
                assert created
                ids.append(payload.response_id)
            for rid in ids:
                stored = Response.objects.get(pk=rid)
                assert stored.flags == response_flags_compute(response=stored), stored.flags
        finally:
            transaction.set_rollback(True)
            survey_state_forget()
