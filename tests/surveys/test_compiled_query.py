"""The submission path's fixed queries: compiled once, yet the same rows and the same stored values
as the ORM gives, on SQLite and PostgreSQL alike; and nothing remembered that must be read fresh."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from surveys.compiled_query import CompiledInsert, CompiledQuery
from surveys.models import Invitation, QuestionnaireVersion, Response, Survey
from surveys.services.questionnaire import questionnaire_version_current
from surveys.survey_state import submission_invitation

TOKEN = "hill-2024-east"
SUBMITTED = timezone.now().replace(microsecond=654321) - timedelta(minutes=3)


def _invitation_fields(token):
    return CompiledQuery(
        lambda t: (
            Invitation.objects.filter(token=t)
            .order_by()
            .values_list("id", "is_active", "opens_at", "survey__scheme", "survey__updated_at")
        ),
        1,
        sample=["x"],
    ).rows(token)


def test_a_compiled_query_gives_what_the_orm_gives_with_values_converted(survey):
    survey.scheme = {"dimension_weights": {"economy": 2, "services": 1}}
    survey.save()
    opens = timezone.now().replace(microsecond=123456) - timedelta(days=1)
    Invitation.objects.filter(token=TOKEN).update(opens_at=opens)
    expected = list(
        Invitation.objects.filter(token=TOKEN)
        .order_by()
        .values_list("id", "is_active", "opens_at", "survey__scheme", "survey__updated_at")
    )

    rows = _invitation_fields(TOKEN)

    assert rows == expected
    assert rows[0][2] == opens  # a datetime, aware, also on SQLite (where it is stored as text)
    assert rows[0][3] == {"dimension_weights": {"economy": 2, "services": 1}}  # JSON decoded
    assert rows[0][1] is True


def test_a_compiled_query_runs_again_with_other_values_and_keeps_its_constants(survey):
    other = Survey.objects.create(slug="other", title="别处", organisation="别处", year=2024)
    counts = CompiledQuery(
        lambda survey_id: (
            Response.objects.filter(survey_id=survey_id, excluded=False)
            .order_by()
            .values_list("survey_id")
            .annotate(n=Count("pk"))
        ),
        1,
        sample=[1],
    )
    version = questionnaire_version_current(survey=survey)
    group = survey.group_set.get(code="villager")
    for excluded in (False, False, True):
        Response.objects.create(survey=survey, version=version, group=group, answers="000", excluded=excluded)

    assert counts.rows(survey.pk) == [(survey.pk, 2)]  # excluded=False stayed in the query
    assert counts.rows(other.pk) == []
    with CaptureQueriesContext(connection) as queries:
        counts.rows(survey.pk)
    assert len(queries) == 1


def test_a_uuid_placeholder_finds_the_row_whether_or_not_the_database_has_a_uuid_type(survey):
    """PostgreSQL takes the UUID itself, SQLite its 32 hex digits: both are found again."""
    version = questionnaire_version_current(survey=survey)
    group = survey.group_set.get(code="villager")
    ids = [uuid.uuid4() for _ in range(3)]
    for rid in ids:
        Response.objects.create(
            id=rid, survey=survey, version=version, group=group, answers="000", comment=str(rid)
        )
    by_id = CompiledQuery(
        lambda rid: Response.objects.filter(pk=rid, excluded=False).values_list("id", "comment"),
        1,
        sample=[ids[0]],
    )
    for rid in ids:
        assert by_id.rows(rid) == [(rid, str(rid))]
    assert by_id.rows(uuid.uuid4()) == []


def test_a_placeholder_that_does_not_reach_the_sql_is_refused(survey):
    unused = CompiledQuery(lambda token: Invitation.objects.values_list("id"), 1, sample=["x"])
    with pytest.raises(ValueError, match="placeholders"):
        unused.rows(TOKEN)
    with pytest.raises(TypeError):
        CompiledQuery(
            lambda flag: Invitation.objects.filter(is_active=flag).values_list("id"), 1, sample=[True]
        )
    with pytest.raises(TypeError):
        _query = CompiledQuery(
            lambda t: Invitation.objects.filter(token=t).values_list("id"), 1, sample=["x"]
        )
        _query.rows()


def _response(survey, **fields):
    version = questionnaire_version_current(survey=survey)
    invitation = Invitation.objects.get(token=TOKEN)
    return Response(
        id=uuid.uuid4(),
        survey=survey,
        version=version,
        invitation=invitation,
        group=invitation.group,
        village=invitation.village,
        answers="102",
        comment="路灯不亮",
        submitted_at=SUBMITTED,
        flags=[{"code": "speeder", "reason": "太快"}],
        **fields,
    )


def test_a_compiled_insert_stores_what_save_stores(survey):
    by_save = _response(survey)
    by_save.save(force_insert=True)
    by_insert = _response(survey)
    CompiledInsert(Response).insert(by_insert)

    assert not by_insert._state.adding
    fields = [
        f.attname
        for f in Response._meta.concrete_fields
        if f.attname not in ("id", "received_at", "updated_at")
    ]
    saved = Response.objects.filter(pk=by_save.pk).values(*fields).get()
    inserted = Response.objects.filter(pk=by_insert.pk).values(*fields).get()
    assert inserted == saved
    stored = Response.objects.get(pk=by_insert.pk)
    assert stored.updated_at is not None and stored.received_at == by_insert.received_at


def test_a_compiled_insert_never_overwrites_a_taken_id(survey):
    first = _response(survey)
    CompiledInsert(Response).insert(first)
    again = _response(
        survey,
    )
    again.id = first.id
    again.comment = "另一份"
    with pytest.raises(IntegrityError), transaction.atomic():
        CompiledInsert(Response).insert(again)
    assert Response.objects.get(pk=first.pk).comment == "路灯不亮"


def test_a_compiled_insert_ignoring_conflicts_stores_nothing_and_says_so(survey):
    insert = CompiledInsert(Response, ignore_conflicts=True)
    first = _response(survey)
    assert insert.insert(first) is True
    again = _response(survey)
    again.id = first.id
    again.comment = "另一份"
    with transaction.atomic():  # nothing raised, so the surrounding transaction stays usable
        assert insert.insert(again) is False
        assert Response.objects.filter(survey=survey).count() == 1
    assert again._state.adding
    assert Response.objects.get(pk=first.pk).comment == "路灯不亮"


# What the submission path reads fresh on every request, whatever its memo holds


def _submit(api, **changes):
    body = {
        "response_id": str(uuid.uuid4()),
        "invitation": TOKEN,
        "age_band": "18-44",
        "answers": {"income": "satisfied", "roads": "basically_satisfied", "water": "dont_know"},
        **changes,
    }
    return api.post("/api/v1/responses/", body, format="json")


def test_a_link_switched_off_behind_the_admins_back_is_refused_at_once(survey):
    api = APIClient()
    assert _submit(api).status_code == 201  # the survey's state is now remembered
    Invitation.objects.filter(token=TOKEN).update(is_active=False)  # no save(), no signal
    answer = _submit(api)
    assert answer.status_code == 403 and answer.json()["code"] == "inactive"


def test_a_survey_closed_behind_the_admins_back_is_refused_at_once(survey):
    api = APIClient()
    assert _submit(api).status_code == 201
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)  # updated_at unchanged
    answer = _submit(api)
    assert answer.status_code == 403 and answer.json()["code"] == "survey_closed"


def test_the_invitation_is_read_in_one_query_with_its_survey(survey):
    submission_invitation(TOKEN)  # the survey's state remembered
    with CaptureQueriesContext(connection) as queries:
        invitation, state = submission_invitation(TOKEN)
    assert len(queries) == 1
    assert invitation.survey.slug == survey.slug and invitation.survey.accepts_responses
    assert invitation.group.code == "villager" and invitation.village.code == "east"
    assert state.version == QuestionnaireVersion.objects.get(survey=survey)
    assert submission_invitation("no-such-token") is None
