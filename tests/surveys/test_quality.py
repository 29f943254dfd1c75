"""Data-quality flags: each rule fires when it should, stays quiet when it should, and says why."""

from datetime import timedelta

import pytest

from surveys.models import Group, Quota, Response, Village
from surveys.services.quality import (
    Neighbour,
    flag_reason,
    near_duplicate_flag,
    response_flags_apply,
    response_flags_compute,
    responses_flags_apply,
    speeder_flag,
    straight_lining_flag,
)
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text
from tests.surveys.staff_factories import T0, add_items, make_response

pytestmark = pytest.mark.django_db

LABELS = ["满意", "基本满意", "不满意", "不了解"]


def codes(flags):
    return [f["code"] for f in flags]


# straight-lining


def test_the_same_answer_to_five_items_is_straight_lining():
    flag = straight_lining_flag("00000", LABELS, ["Satisfied", "", "", ""])
    assert flag == {
        "code": "straight_lining",
        "reason": "所答 5 道题全部选择“满意”。",
        "reason_en": "All 5 answered items are “Satisfied”.",
    }


def test_four_identical_answers_are_too_few_to_call_straight_lining():
    assert straight_lining_flag("0000-", LABELS) is None


def test_one_different_answer_is_not_straight_lining():
    assert straight_lining_flag("000001", LABELS) is None


def test_blank_items_are_left_out_and_counted_in_the_reason():
    flag = straight_lining_flag("22-2222", LABELS)
    assert flag["reason"] == "所答 6 道题全部选择“不满意”（另有 1 题未答）。"
    # No English label: the English reason names the option in Chinese.
    assert flag["reason_en"] == "All 6 answered items are “不满意” (1 more left blank)."


def test_a_stored_straight_liner_is_flagged(survey):
    add_items(survey, 2)
    response = make_response(survey, answers="11111")
    assert codes(response_flags_compute(response=response)) == ["straight_lining"]
    assert "基本满意" in response_flags_compute(response=response)[0]["reason"]


def test_a_stored_varied_response_is_not_flagged(survey):
    add_items(survey, 2)
    assert response_flags_compute(response=make_response(survey, answers="01010")) == []


# speeders


def test_a_third_of_the_median_or_more_is_not_a_speeder():
    assert speeder_flag(60, 180, 10) is None
    assert speeder_flag(59, 180, 10)["code"] == "speeder"


def test_the_speeder_reason_says_the_numbers():
    flag = speeder_flag(42, 200, 12)
    assert flag["reason"] == "作答用时 42 秒，不到本调查中位用时 3 分 20 秒（最近 12 份答卷）的三分之一。"
    assert flag["reason_en"] == (
        "Answered in 42 s, under a third of the survey's median time of 3 min 20 s (the latest 12 responses)."
    )


def _ten_responses_of(survey, seconds):
    for n in range(10):
        make_response(survey, seconds=seconds, received_at=T0 + timedelta(minutes=n), village="west")


def test_a_response_far_under_the_median_time_is_a_speeder(survey):
    _ten_responses_of(survey, 300)
    fast = make_response(survey, seconds=60, received_at=T0 + timedelta(hours=1))
    flags = response_flags_compute(response=fast)
    assert codes(flags) == ["speeder"]
    assert "1 分 0 秒" in flags[0]["reason"] and "5 分 0 秒" in flags[0]["reason"]


def test_a_response_near_the_median_time_is_not_a_speeder(survey):
    _ten_responses_of(survey, 300)
    steady = make_response(survey, seconds=240, received_at=T0 + timedelta(hours=1))
    assert response_flags_compute(response=steady) == []


def test_no_one_is_a_speeder_before_ten_responses_have_durations(survey):
    for n in range(9):
        make_response(survey, seconds=300, received_at=T0 + timedelta(minutes=n), village="west")
    fast = make_response(survey, seconds=10, received_at=T0 + timedelta(hours=1))
    assert response_flags_compute(response=fast) == []


# near-duplicates


def test_the_same_device_within_ten_minutes_is_a_near_duplicate(survey):
    first = make_response(survey, device="phone-a", received_at=T0)
    second = make_response(survey, device="phone-a", received_at=T0 + timedelta(minutes=4))
    flags = response_flags_compute(response=second)
    assert codes(flags) == ["near_duplicate"]
    assert str(first.pk)[:8] in flags[0]["reason"] and "4 分钟" in flags[0]["reason"]


def test_the_same_device_after_the_window_is_not_a_near_duplicate(survey):
    make_response(survey, device="phone-a", received_at=T0)
    later = make_response(survey, device="phone-a", received_at=T0 + timedelta(minutes=11))
    assert response_flags_compute(response=later) == []


def test_another_device_at_the_same_moment_is_not_a_near_duplicate(survey):
    make_response(survey, device="phone-a", received_at=T0)
    other = make_response(survey, device="phone-b", received_at=T0 + timedelta(minutes=1))
    assert response_flags_compute(response=other) == []


def test_a_response_without_a_device_marker_is_never_a_near_duplicate(survey):
    make_response(survey, device="", received_at=T0)
    assert response_flags_compute(response=make_response(survey, device="", received_at=T0)) == []


def test_a_shared_device_flags_only_identical_answers(survey):
    survey.allow_shared_device = True
    survey.save()
    make_response(survey, device="phone-a", answers="012", received_at=T0)
    different = make_response(survey, device="phone-a", answers="210", received_at=T0 + timedelta(minutes=2))
    same = make_response(survey, device="phone-a", answers="012", received_at=T0 + timedelta(minutes=3))
    assert response_flags_compute(response=different) == []
    assert codes(response_flags_compute(response=same)) == ["near_duplicate"]


def test_the_near_duplicate_rule_names_the_nearest_response():
    a = Neighbour(id="aaaaaaaa-0000", received_at=T0, answers="0")
    b = Neighbour(id="bbbbbbbb-0000", received_at=T0 + timedelta(minutes=8), answers="0")
    flag = near_duplicate_flag(
        received_at=T0 + timedelta(minutes=9), answers="0", neighbours=[a, b], shared_device=False
    )
    assert "bbbbbbbb" in flag["reason"] and "共 3 份" in flag["reason"]
    assert (
        flag["reason_en"]
        == "Response bbbbbbbb from the same device was sent 1 min before; 3 from this device within 10 min."
    )


# over-quota


def test_a_response_arriving_in_a_full_cell_is_over_quota(survey):
    # make_survey's quota: 东村 · 村民群众 · 18–44岁, target 3
    for n in range(3):
        make_response(survey, received_at=T0 + timedelta(minutes=n))
    fourth = make_response(survey, received_at=T0 + timedelta(minutes=5))
    flags = response_flags_compute(response=fourth)
    assert codes(flags) == ["over_quota"]
    assert flags[0]["reason"] == "东村 · 村民群众 · 18–44岁 配额 3 份，收到本答卷时已有 3 份。"
    assert (
        flags[0]["reason_en"] == "东村 · 村民群众 · 18–44岁: quota 3, already 3 when this response arrived."
    )
    Village.objects.filter(survey=survey, code="east").update(name_en="East")
    Group.objects.filter(survey=survey, code="villager").update(name_en="Villagers")
    fifth = make_response(survey, received_at=T0 + timedelta(minutes=6))
    flag = response_flags_compute(
        response=fifth, quotas=list(Quota.objects.select_related("village", "group", "age_band"))
    )[0]
    assert flag["reason_en"] == "East · Villagers · 18–44岁: quota 3, already 4 when this response arrived."


def test_a_flag_shows_its_reason_in_the_pages_language_and_old_flags_in_chinese():
    flag = {"code": "speeder", "reason": "作答用时 42 秒。", "reason_en": "Answered in 42 s."}
    assert flag_reason(flag, english=True) == "Answered in 42 s."
    assert flag_reason(flag, english=False) == "作答用时 42 秒。"
    stored_before = {"code": "speeder", "reason": "作答用时 42 秒。"}
    assert flag_reason(stored_before, english=True) == "作答用时 42 秒。"


def test_the_response_that_fills_the_cell_is_not_over_quota(survey):
    for n in range(2):
        make_response(survey, received_at=T0 + timedelta(minutes=n))
    third = make_response(survey, received_at=T0 + timedelta(minutes=5))
    assert response_flags_compute(response=third) == []


def test_excluded_responses_do_not_fill_a_cell(survey):
    for n in range(3):
        make_response(survey, received_at=T0 + timedelta(minutes=n), excluded=n == 0)
    assert response_flags_compute(response=make_response(survey, received_at=T0 + timedelta(minutes=5))) == []


def test_a_cell_without_a_quota_is_never_over_quota(survey):
    for n in range(5):
        make_response(survey, village="west", received_at=T0 + timedelta(minutes=n))
    assert (
        response_flags_compute(
            response=make_response(survey, village="west", received_at=T0 + timedelta(hours=1))
        )
        == []
    )


# storing


def test_applying_stores_the_flags_on_the_response(survey):
    add_items(survey, 2)
    response = make_response(survey, answers="33333")
    response_flags_apply(response=response)
    assert codes(Response.objects.get(pk=response.pk).flags) == ["straight_lining"]


def test_applying_to_a_clean_response_stores_no_flags(survey):
    response = make_response(survey, flags=[{"code": "stale", "reason": "旧"}])
    response_flags_apply(response=response)
    assert Response.objects.get(pk=response.pk).flags == []


def test_one_response_is_flagged_in_a_fixed_number_of_queries(survey, django_assert_num_queries):
    _ten_responses_of(survey, 300)
    response = Response.objects.select_related("survey", "version").get(
        pk=make_response(survey, device="phone-a", seconds=20).pk
    )
    with django_assert_num_queries(5):  # durations, device, quotas, cell count, update
        response_flags_apply(response=response)


def test_an_imported_batch_is_flagged_in_file_order(survey):
    Quota.objects.filter(survey=survey).update(target=1)
    result = responses_import_text(
        survey=survey,
        text=csv_text(
            csv_row(answers=("satisfied", "dissatisfied", "dont_know")),
            csv_row(answers=("satisfied", "dissatisfied", "dont_know")),
        ),
    )
    assert responses_flags_apply(survey=survey, response_ids=result.created_ids) == 1
    first, second = (Response.objects.get(pk=pk) for pk in result.created_ids)
    assert first.flags == []
    assert codes(second.flags) == ["over_quota"]


def test_an_imported_straight_liner_is_flagged(survey):
    add_items(survey, 2)
    response = make_response(survey, answers="00000")
    assert responses_flags_apply(survey=survey, response_ids=[response.pk]) == 1
    assert codes(Response.objects.get(pk=response.pk).flags) == ["straight_lining"]


@pytest.mark.parametrize(
    ("quota_village", "quota_age_band", "target", "expected"),
    [
        ("east", "18-44", 3, ["over_quota"]),  # the cell itself: 3 already there
        ("east", None, 5, []),  # the village across age bands: 4 of 5
        ("east", None, 4, ["over_quota"]),
        (None, None, 6, ["over_quota"]),  # the whole group: 3 + 1 + 2 west = 6 of 6
        (None, None, 7, []),
    ],
)
def test_a_response_arriving_now_is_counted_against_every_kind_of_quota(
    survey, quota_village, quota_age_band, target, expected
):
    # One query for the narrowest cell holding every covering quota, for a response not yet
    # stored; the same verdict as for a stored response counted by its arrival time.
    Quota.objects.all().delete()
    group = survey.group_set.get(code="villager")
    Quota.objects.create(
        survey=survey,
        group=group,
        village=survey.village_set.get(code=quota_village) if quota_village else None,
        age_band=survey.ageband_set.get(code=quota_age_band) if quota_age_band else None,
        target=target,
    )
    for n in range(3):
        make_response(survey, received_at=T0 + timedelta(minutes=n))
    make_response(survey, age_band="45+", received_at=T0 + timedelta(minutes=4))
    make_response(survey, village="west", received_at=T0 + timedelta(minutes=5))
    make_response(survey, village="west", received_at=T0 + timedelta(minutes=6))
    make_response(survey, received_at=T0 + timedelta(minutes=7), excluded=True)
    make_response(survey, group="staff", village=None, age_band=None, received_at=T0 + timedelta(minutes=8))

    arriving = make_response(survey, received_at=T0 + timedelta(hours=1))
    stored_verdict = codes(response_flags_compute(response=arriving))
    arriving.delete()
    arriving._state.adding = True  # as the submission path has it: built, not yet stored
    arriving_verdict = codes(response_flags_compute(response=arriving))

    assert arriving_verdict == stored_verdict == expected
