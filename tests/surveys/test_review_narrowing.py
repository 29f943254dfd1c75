"""Where the flags gather and of what kind: the data-quality card counts each kind and names the
places with the most flagged responses; the list to review narrows to one kind of flag, one
village, one group (and to those still to check), and a decision made there returns to it."""

import re

import pytest

from surveys.models import Survey, SurveyMembership
from surveys.selectors_review import (
    ReviewNarrowing,
    flag_summary,
    responses_for_review,
    responses_to_check,
    surveys_to_check,
)
from surveys.services.review import response_exclude, response_keep
from tests.factories import make_survey
from tests.surveys.staff_factories import make_member, make_response

pytestmark = pytest.mark.django_db


def flag(code: str) -> dict:
    return {"code": code, "reason": f"{code} 的原因", "reason_en": f"why {code}"}


STRAIGHT = [flag("straight_lining")]
FAST = [flag("speeder")]
BOTH = [flag("speeder"), flag("straight_lining")]  # straight-lining second in the list
LATE = [flag("over_quota"), flag("speeder"), flag("near_duplicate"), flag("late")]


@pytest.fixture
def staff(survey):
    return make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)


@pytest.fixture
def responses(survey):
    """East: 4 villagers, 3 flagged. West: 4 villagers, 1 flagged. Staff: 2, 1 flagged, 1 excluded
    without a flag."""
    made = {
        "east_straight": make_response(survey, village="east", flags=STRAIGHT),
        "east_both": make_response(survey, village="east", flags=BOTH),
        "east_fast": make_response(survey, village="east", flags=FAST),
        "east_clean": make_response(survey, village="east"),
        "west_late": make_response(survey, village="west", age_band="45+", flags=LATE),
        "staff_straight": make_response(survey, village=None, group="staff", age_band=None, flags=STRAIGHT),
        "staff_excluded": make_response(survey, village=None, group="staff", age_band=None, excluded=True),
    }
    for _ in range(3):
        make_response(survey, village="west")
    return made


def listed(survey, **narrowing) -> set:
    return {r.pk for r in responses_for_review(survey, narrowing=ReviewNarrowing(**narrowing)).object_list}


def test_the_summary_counts_each_kind_and_puts_the_places_with_the_most_flags_first(survey, responses):
    from surveys.selectors_progress import survey_progress

    summary = flag_summary(survey_progress(survey))
    assert (summary.flagged, summary.responses) == (5, 10)
    assert summary.kinds == [
        ("straight_lining", "一律同答", 3),
        ("speeder", "用时过短", 3),
        ("near_duplicate", "疑似重复", 1),
        ("over_quota", "超出配额", 1),
        ("late", "截止后送达", 1),
    ]
    places = [
        (p.village.code if p.village else None, p.group.code, p.flagged, p.responses) for p in summary.places
    ]
    # East 3 of 4; then one flagged each: the staff's 1 of 2 (50 %) before the west's 1 of 4.
    assert places == [("east", "villager", 3, 4), (None, "staff", 1, 2), ("west", "villager", 1, 4)]
    assert summary.places[0].share == pytest.approx(0.75)


def test_a_kind_of_flag_is_found_wherever_it_stands_in_the_list_on_both_databases(survey, responses):
    r = responses
    assert listed(survey, flag="straight_lining") == {
        r["east_straight"].pk,
        r["east_both"].pk,
        r["staff_straight"].pk,
    }
    assert listed(survey, flag="speeder") == {r["east_both"].pk, r["east_fast"].pk, r["west_late"].pk}
    assert listed(survey, flag="late") == {r["west_late"].pk}  # fourth in its list
    assert listed(survey, flag="near_duplicate") == {r["west_late"].pk}


def test_the_list_narrows_to_a_place_and_to_those_still_to_check(survey, responses, staff):
    r = responses
    assert listed(survey, village="east") == {r["east_straight"].pk, r["east_both"].pk, r["east_fast"].pk}
    assert listed(survey, group="staff") == {r["staff_straight"].pk, r["staff_excluded"].pk}
    assert listed(survey, village="east", flag="straight_lining") == {
        r["east_straight"].pk,
        r["east_both"].pk,
    }
    response_keep(response=r["east_both"], user=staff, reason="")
    response_exclude(response=r["east_straight"], user=staff, reason="回访得知本人未作答")
    assert listed(survey, village="east", flag="straight_lining", to_check=True) == set()
    assert listed(survey, village="east", to_check=True) == {r["east_fast"].pk}
    assert responses_to_check(survey, ReviewNarrowing(village="east")) == 1
    assert responses_to_check(survey, ReviewNarrowing(flag="straight_lining")) == 1  # the staff's
    assert responses_to_check(survey) == 3
    # The lists of surveys count them for every survey at once, the same way.
    other = make_survey("other")
    make_response(other, flags=FAST)
    assert surveys_to_check([survey, other, make_survey("none")]) == {
        survey.pk: 3,
        other.pk: 1,
        Survey.objects.get(slug="none").pk: 0,
    }
    assert surveys_to_check([]) == {}


def test_the_card_names_each_kind_and_the_places_with_links_to_the_list_narrowed_to_them(
    client, survey, responses, staff
):
    client.force_login(staff)
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    card = page[page.index('id="total-flagged"') : page.index('id="review-changed"')]
    assert (
        '<a href="?flag=straight_lining#review"><span class="flag flag-straight_lining">一律同答</span></a> 3 份'
        in card
    )
    assert "全部 5 / 10 份（50%）有标记" in card
    places = re.findall(
        r'<li><a href="([^"]*)">([^<]*)</a> ([^<]*)</li>', card[card.index("标记最多的地方") :]
    )
    assert places == [
        ("?village=east&amp;group=villager#review", "东村 · 村民群众", "3 / 4（75%）"),
        ("?group=staff#review", "政府工作人员", "1 / 2（50%）"),
        ("?village=west&amp;group=villager#review", "西村 · 村民群众", "1 / 4（25%）"),
    ]
    east = client.get(f"/staff/{survey.slug}/?village=east&group=villager").content.decode()
    assert east.count("data-response=") == 3 and "共 3 份" in east
    assert '<option value="east" selected>东村（3 份有标记）</option>' in east
    assert '<option value="villager" selected>村民群众（4 份有标记）</option>' in east
    assert 'href="?#review" id="review-widen">不按标记和地方筛选</a>' in east
    # Those still to check, in the same place (the staff: one flagged, one excluded); and back.
    staff_group = client.get(f"/staff/{survey.slug}/?group=staff").content.decode()
    assert 'href="?review=to-check&amp;group=staff#review">只看待核实的 1 份</a>' in staff_group
    staff_to_check = client.get(f"/staff/{survey.slug}/?review=to-check&group=staff").content.decode()
    assert staff_to_check.count("data-response=") == 1
    assert 'href="?group=staff#review">列出全部带标记或已剔除的答卷</a>' in staff_to_check
    assert 'href="?review=to-check#review" id="review-widen">不按标记和地方筛选</a>' in staff_to_check
    english = client.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert "Straight-lining</span></a> 3 responses" in english
    assert "Flagged in all: 5 of 10 (50%)." in english and "3 of 4 (75%)" in english


def test_a_decision_on_a_narrowed_list_comes_back_to_the_same_list(client, survey, responses, staff):
    client.force_login(staff)
    target = responses["east_fast"]
    page = client.get(f"/staff/{survey.slug}/?review=to-check&flag=speeder&village=east").content.decode()
    assert page.count("data-response=") == 2  # east_both and east_fast
    form = page[page.index(f"{target.pk}/keep/") :]
    for name, value in (("review", "to-check"), ("flag", "speeder"), ("village", "east")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in form[: form.index("</form>")]
    answer = client.post(
        f"/staff/{survey.slug}/responses/{target.pk}/keep/",
        {"review": "to-check", "flag": "speeder", "village": "east"},
    )
    assert answer["Location"] == f"/staff/{survey.slug}/?review=to-check&flag=speeder&village=east#review"
    excluded = client.post(
        f"/staff/{survey.slug}/responses/{responses['east_both'].pk}/exclude/",
        {"reason": "重复", "flag": "speeder", "village": "east"},
    )
    assert (
        excluded["Location"]
        == f"/staff/{survey.slug}/?flag=speeder&village=east#review-{responses['east_both'].pk}"
    )
    done = client.get(f"/staff/{survey.slug}/?review=to-check&flag=speeder&village=east").content.decode()
    assert "筛选出的答卷中没有待核实的了。" in done


def test_a_code_the_survey_does_not_have_narrows_nothing(client, survey, responses, staff):
    client.force_login(staff)
    everything = client.get(f"/staff/{survey.slug}/").content.decode()
    for query in ("?flag=nonsense", "?village=north", "?group=deputy", "?village=east%00"):
        page = client.get(f"/staff/{survey.slug}/{query}")
        assert page.status_code in (200, 400), query  # a NUL: 400 (survey_site/address.py)
        if page.status_code == 200:
            text = page.content.decode()
            assert text.count("data-response=") == everything.count("data-response=") == 6, query
            assert "不按标记和地方筛选" not in text, query


def test_a_narrowed_list_with_nothing_in_it_says_so(client, survey, responses, staff):
    client.force_login(staff)
    page = client.get(f"/staff/{survey.slug}/?flag=late&village=east").content.decode()
    assert "没有符合筛选条件的带标记或已剔除的答卷。" in page and "data-response=" not in page


def test_without_flags_the_card_and_the_form_stay_away(client, survey, staff):
    make_response(survey)
    client.force_login(staff)
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    # Both lists are there for the refresh to fill, hidden until a flag arrives.
    assert '<ul class="flag-kinds" id="flag-kinds" aria-label="各类标记" hidden></ul>' in page
    assert re.search(r'<div id="flagged-places" data-shown="5" hidden>', page)
    assert "标记最多的地方" in page  # its heading, hidden with it
    assert 'id="review-narrow"' not in page


@pytest.mark.parametrize(
    "part, whole, shown",
    [
        (0, 10, "0%"),
        (1, 400, "<1%"),
        (2, 400, "1%"),
        (1, 8, "13%"),
        (399, 400, ">99%"),
        (5, 5, "100%"),
        (1, 0, "—"),
    ],
)
def test_shares_read_in_whole_percent_rounded_half_up(part, whole, shown):
    from surveys.templatetags.localized_names import percent_of

    assert percent_of(part, whole) == shown
