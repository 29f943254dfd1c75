"""一次处理全部: staff who checked a list of flagged responses of one kind (by calling a village's
respondents back, say) keep them all at once, or exclude them all (found filled in by one hand).
Exactly the list they were shown is decided on, each response with its own audit entry; a list
that changed meanwhile is refused whole."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from surveys.cache import survey_data_token
from surveys.models import AuditEntry, Response, SurveyMembership
from surveys.selectors_review import (
    ReviewNarrowing,
    audit_log,
    flagged_outcome,
    responses_in_batch,
    responses_to_check,
    review_batch,
)
from surveys.services.review import (
    EXCLUDED_BATCH,
    EXCLUDED_IN_BATCH,
    KEPT_BATCH,
    KEPT_IN_BATCH,
    response_exclude,
    response_include,
    response_keep,
    responses_decide,
)
from tests.surveys.staff_factories import make_member, make_response
from tests.surveys.test_review_narrowing import BOTH, FAST, STRAIGHT

pytestmark = pytest.mark.django_db

STRAIGHT_EAST = ReviewNarrowing(to_check=True, flag="straight_lining", village="east")


@pytest.fixture
def staff(survey):
    return make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)


@pytest.fixture
def responses(survey):
    """East: three straight-liners (one also fast), one only fast, one clean; west: one
    straight-liner; staff: one straight-liner."""
    return {
        "east_1": make_response(survey, village="east", flags=STRAIGHT),
        "east_2": make_response(survey, village="east", flags=STRAIGHT),
        "east_both": make_response(survey, village="east", flags=BOTH),
        "east_fast": make_response(survey, village="east", flags=FAST),
        "east_clean": make_response(survey, village="east"),
        "west": make_response(survey, village="west", age_band="45+", flags=STRAIGHT),
        "staff": make_response(survey, village=None, group="staff", age_band=None, flags=STRAIGHT),
    }


def shown(survey, narrowing=STRAIGHT_EAST):
    """The batch as the page offers it, a moment ago."""
    return review_batch(survey, narrowing, timezone.now())


def keep(survey, user, batch, narrowing=STRAIGHT_EAST, reason="已电话回访，均为本人作答", exclude=False):
    return responses_decide(
        survey=survey,
        user=user,
        candidates=responses_in_batch(survey, narrowing, batch.through),
        digest=batch.digest,
        reason=reason,
        batch={"flag": narrowing.flag, "village": narrowing.village, "group": narrowing.group},
        exclude=exclude,
    )


def kept_ids() -> set:
    return set(AuditEntry.objects.filter(action=KEPT_IN_BATCH).values_list("response_id", flat=True))


def test_the_batch_keeps_exactly_the_list_shown_each_with_its_own_entry(survey, staff, responses):
    batch = shown(survey)
    assert batch.count == 3
    entry = keep(survey, staff, batch)
    assert kept_ids() == {responses[k].pk for k in ("east_1", "east_2", "east_both")}
    assert (entry.action, entry.response_id, entry.user, entry.reason) == (
        KEPT_BATCH,
        None,
        staff,
        "已电话回访，均为本人作答",
    )
    assert entry.details == {
        "flag": "straight_lining",
        "village": "east",
        "group": "",
        "count": 3,
        "batch": batch.digest,
    }
    per_response = AuditEntry.objects.filter(action=KEPT_IN_BATCH)
    assert {e.reason for e in per_response} == {"已电话回访，均为本人作答"}
    assert {e.details["batch"] for e in per_response} == {batch.digest}
    assert per_response.get(response=responses["east_both"]).details["flags"] == [
        "speeder",
        "straight_lining",
    ]
    # Off the list of those to check; the others still on it; nothing else changed.
    assert responses_to_check(survey, STRAIGHT_EAST) == 0
    assert responses_to_check(survey) == 3  # east_fast, west, staff
    assert not Response.objects.filter(excluded=True).exists()
    assert flagged_outcome(survey).kept == 3


def test_a_response_kept_in_a_batch_is_not_kept_again_one_at_a_time(survey, staff, responses):
    keep(survey, staff, shown(survey))
    with pytest.raises(ValidationError) as error:
        response_keep(response=responses["east_1"], user=staff)
    assert "这份答卷已经核实保留过。" in error.value.messages


def test_the_staff_page_audit_log_shows_the_batch_once(survey, staff, responses):
    keep(survey, staff, shown(survey))
    assert [e.action for e in audit_log(survey)] == [KEPT_BATCH]


def test_a_reason_is_required_and_nothing_is_written_without_one(survey, staff, responses):
    with pytest.raises(ValidationError) as error:
        keep(survey, staff, shown(survey), reason="  ")
    assert "会记入每份答卷的审计日志" in error.value.messages[0]
    assert not AuditEntry.objects.exists()


def test_a_list_someone_decided_on_meanwhile_is_refused_whole(survey, staff, responses):
    batch = shown(survey)
    response_keep(response=responses["east_1"], user=staff)  # a colleague, one at a time
    with pytest.raises(ValidationError) as error:
        keep(survey, staff, batch)
    assert error.value.code == "changed"
    assert kept_ids() == set()
    assert not AuditEntry.objects.filter(action=KEPT_BATCH).exists()


def test_a_response_that_joins_the_list_meanwhile_refuses_it(survey, staff, responses):
    """Counted again after the list was shown, an older response joins it: it was not seen."""
    excluded = make_response(
        survey, village="east", flags=STRAIGHT, received_at=timezone.now() - timedelta(days=1)
    )
    response_exclude(response=excluded, user=staff, reason="疑似代填")
    batch = shown(survey)
    response_include(response=excluded, user=staff, reason="回访确认本人作答")
    with pytest.raises(ValidationError) as error:
        keep(survey, staff, batch)
    assert error.value.code == "changed"
    assert kept_ids() == set()


def test_a_response_arriving_after_the_list_was_shown_waits_for_its_own_look(survey, staff, responses):
    batch = shown(survey)
    later = make_response(
        survey, village="east", flags=STRAIGHT, received_at=timezone.now() + timedelta(seconds=1)
    )
    keep(survey, staff, batch)
    assert later.pk not in kept_ids()
    assert responses_to_check(survey, STRAIGHT_EAST) == 1


def test_an_edited_digest_is_refused(survey, staff, responses):
    batch = shown(survey)
    west = ReviewNarrowing(to_check=True, flag="straight_lining", village="west")
    with pytest.raises(ValidationError):
        keep(survey, staff, batch, narrowing=west)  # another list under this list's digest
    assert not AuditEntry.objects.exists()


def test_an_empty_list_is_said(survey, staff, responses):
    batch = shown(survey)
    keep(survey, staff, batch)
    with pytest.raises(ValidationError) as error:
        keep(survey, staff, shown(survey))
    assert error.value.code == "empty"


def test_only_a_list_of_one_kind_of_flag_is_offered(survey, responses):
    assert shown(survey, ReviewNarrowing(to_check=True, village="east")) is None
    assert shown(survey, ReviewNarrowing(to_check=True, flag="speeder")).count == 2


def test_evaluators_may_not(survey, responses):
    evaluator = make_member(survey, "pinggu", SurveyMembership.Role.EVALUATOR)
    with pytest.raises(PermissionDenied):
        keep(survey, evaluator, shown(survey))
    assert not AuditEntry.objects.exists()


def test_excluding_the_batch_leaves_exactly_the_list_shown_out_of_the_scores(
    survey, staff, responses, django_capture_on_commit_callbacks
):
    batch = shown(survey)
    before = survey_data_token(survey)
    with django_capture_on_commit_callbacks(execute=True):
        entry = keep(survey, staff, batch, reason="查明为村干部代填", exclude=True)
    listed = {responses[k].pk for k in ("east_1", "east_2", "east_both")}
    assert set(Response.objects.filter(excluded=True).values_list("pk", flat=True)) == listed
    assert (entry.action, entry.details["count"]) == (EXCLUDED_BATCH, 3)
    per_response = AuditEntry.objects.filter(action=EXCLUDED_IN_BATCH)
    assert set(per_response.values_list("response_id", flat=True)) == listed
    assert kept_ids() == set()
    # Cached scores are not served for the old data (once the transaction has committed).
    assert survey_data_token(survey) != before
    outcome = flagged_outcome(survey)
    assert (outcome.excluded, outcome.kept) == (3, 0)
    # The evaluator's downloads give the reason for each, as for one excluded at a time.
    from surveys.reports.data import report_summary

    assert dict(report_summary(survey).sample.excluded_reasons) == {"查明为村干部代填": 3}
    # Re-included one at a time, as any other.
    response_include(response=responses["east_1"], user=staff, reason="回访确认本人作答")
    assert not Response.objects.get(pk=responses["east_1"].pk).excluded
    assert [e.action for e in audit_log(survey)] == ["response_included", EXCLUDED_BATCH]


def test_an_exclusion_refused_for_a_changed_list_excludes_nothing(survey, staff, responses):
    batch = shown(survey)
    response_keep(response=responses["east_both"], user=staff)
    with pytest.raises(ValidationError):
        keep(survey, staff, batch, reason="代填", exclude=True)
    assert not Response.objects.filter(excluded=True).exists()
    assert not AuditEntry.objects.filter(action__in=[EXCLUDED_BATCH, EXCLUDED_IN_BATCH]).exists()


# The page.


def hidden(page: str, name: str) -> str:
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page).group(1)


def test_the_page_offers_the_batch_on_a_list_of_one_kind_still_to_check(client, survey, staff, responses):
    client.force_login(staff)
    page = client.get(
        f"/staff/{survey.slug}/?review=to-check&flag=straight_lining&village=east"
    ).content.decode()
    assert 'id="batch"' in page
    assert "一次处理全部（3 份）" in page
    assert "这 3 份带“一律同答”标记的答卷" in page
    assert hidden(page, "batch") == shown(survey).digest
    # Not on the whole list (mixed kinds: a hint instead), nor on the list of all flagged ones.
    mixed = client.get(f"/staff/{survey.slug}/?review=to-check&village=east").content.decode()
    assert 'id="batch"' not in mixed and 'id="batch-hint"' in mixed
    everything = client.get(f"/staff/{survey.slug}/?flag=straight_lining").content.decode()
    assert 'id="batch"' not in everything


def test_evaluators_are_not_offered_the_batch(client, survey, responses):
    client.force_login(make_member(survey, "pinggu", SurveyMembership.Role.EVALUATOR))
    page = client.get(f"/staff/{survey.slug}/?review=to-check&flag=straight_lining").content.decode()
    assert 'id="batch"' not in page and 'id="batch-hint"' not in page


def post_shown(client, survey, query: str, **changes):
    page = client.get(f"/staff/{survey.slug}/?{query}").content.decode()
    fields = {name: hidden(page, name) for name in ("review", "flag", "village", "through", "batch")}
    fields["reason"] = "已电话回访，均为本人作答"
    fields.update(changes)
    fields.setdefault("decision", "keep")
    return client.post(f"/staff/{survey.slug}/responses/batch/", fields, follow=True)


def test_keeping_the_batch_from_the_page(client, survey, staff, responses):
    client.force_login(staff)
    answer = post_shown(client, survey, "review=to-check&flag=straight_lining&village=east")
    assert answer.redirect_chain[-1][0] == (
        f"/staff/{survey.slug}/?review=to-check&flag=straight_lining&village=east#review"
    )
    page = answer.content.decode()
    assert "已将 3 份带“一律同答”标记的答卷核实保留，每份都已记入审计日志。" in page
    assert len(kept_ids()) == 3
    # The audit log: one line, saying how many, of which kind, from where.
    audit = page[page.index('id="audit"') :]
    assert "批量核实保留" in audit and "3 份 · 一律同答 · 东村" in audit
    assert "核实保留（批量）" not in audit


def test_a_list_changed_since_it_was_shown_is_refused_on_the_page(client, survey, staff, responses):
    client.force_login(staff)
    page = client.get(
        f"/staff/{survey.slug}/?review=to-check&flag=straight_lining&village=east"
    ).content.decode()
    response_keep(response=responses["east_2"], user=staff)
    fields = {name: hidden(page, name) for name in ("review", "flag", "village", "through", "batch")}
    answer = client.post(
        f"/staff/{survey.slug}/responses/batch/",
        {**fields, "reason": "已回访", "decision": "keep"},
        follow=True,
    ).content.decode()
    assert "批量处理未做：名单已经变了" in answer
    assert kept_ids() == set()
    assert "一次处理全部（2 份）" in answer  # the new list, offered again


@pytest.mark.parametrize(
    "changes",
    [
        {"flag": ""},
        {"through": "昨天"},
        {"through": "2024-11-02T09:00:00"},
        {"reason": ""},
        {"decision": ""},
        {"decision": "delete"},
    ],
    ids=["no kind", "no time", "a time without its zone", "no reason", "no decision", "another decision"],
)
def test_a_form_that_is_not_the_page_s_stores_nothing(client, survey, staff, responses, changes):
    client.force_login(staff)
    answer = post_shown(client, survey, "review=to-check&flag=straight_lining&village=east", **changes)
    assert answer.status_code == 200
    assert "批量处理未做：" in answer.content.decode()
    assert not AuditEntry.objects.exists()


def test_excluding_the_batch_from_the_page(client, survey, staff, responses):
    client.force_login(staff)
    page = post_shown(
        client, survey, "review=to-check&flag=straight_lining&village=east", decision="exclude", reason="代填"
    ).content.decode()
    assert "已将 3 份带“一律同答”标记的答卷剔除，不再计入得分和配额，每份都已记入审计日志。" in page
    assert Response.objects.filter(excluded=True).count() == 3
    audit = page[page.index('id="audit"') :]
    assert "批量剔除" in audit and "3 份 · 一律同答 · 东村" in audit


def test_in_english(client, survey, staff, responses):
    client.force_login(staff)
    client.get("/?lang=en")
    page = client.get(
        f"/staff/{survey.slug}/?review=to-check&flag=straight_lining&village=east"
    ).content.decode()
    assert "All at once (3 responses)" in page
    answer = post_shown(client, survey, "review=to-check&flag=straight_lining&village=east").content.decode()
    assert "3 responses flagged “Straight-lining” kept as checked" in answer


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite runs one writing transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_a_colleague_s_decision_in_flight_refuses_the_batch_that_waited_for_it(survey, staff, responses):
    """A single decision holds its response's lock when the batch asks for it: the batch waits,
    then reads the list again and finds it changed (reading it only under the lock, it would not
    see the decision, and keep the response a second time)."""
    batch = shown(survey)
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def colleague():
        try:
            with transaction.atomic():
                response_keep(response=responses["east_1"], user=staff)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def batch_keeper():
        holding.wait(10)
        try:
            keep(survey, staff, batch)
            outcome["kept"] = True
        except ValidationError as error:
            outcome["refused"] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=colleague), threading.Thread(target=batch_keeper)]
    for thread in threads:
        thread.start()
    holding.wait(10)
    with connection.cursor() as cursor:  # until the batch waits for the colleague's lock
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.025)
        else:
            pytest.fail("the batch never waited for the colleague's lock")
    release.set()
    for thread in threads:
        thread.join(10)
    assert outcome == {"refused": "changed"}
    assert AuditEntry.objects.filter(response=responses["east_1"]).count() == 1
    assert kept_ids() == set()
