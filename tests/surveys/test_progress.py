"""Quota progress: counts per village × group × age band, invitations, days, urgency — in fixed queries."""

from datetime import UTC, datetime, timedelta

import pytest

from surveys.models import (
    AuditEntry,
    Group,
    Invitation,
    Quota,
    Response,
    Survey,
    SurveyMembership,
    Village,
)
from surveys.selectors_progress import survey_progress
from tests.surveys.staff_factories import T0, make_member, make_response, make_user

pytestmark = pytest.mark.django_db


def cell(progress, key):
    return next(c for c in progress.cells if c.key == key)


def test_each_cell_counts_its_responses_against_its_target(quotas):
    for _ in range(2):
        make_response(quotas, village="east")
    for _ in range(3):
        make_response(quotas, village="west")
    make_response(quotas, village="west", age_band="45+")
    make_response(quotas, group="staff", village=None, age_band=None)
    progress = survey_progress(quotas)
    assert [(c.key, c.received, c.target, c.status) for c in progress.cells] == [
        ("villager|east|18-44", 2, 3, "behind"),
        ("villager|west|18-44", 3, 2, "over"),
        ("villager|west|45+", 1, 4, "behind"),
        ("staff||", 1, 2, "behind"),
    ]


def test_a_cell_at_its_target_is_met(quotas):
    for _ in range(3):
        make_response(quotas, village="east")
    east = cell(survey_progress(quotas), "villager|east|18-44")
    assert (east.status, east.status_label, east.missing, east.percent) == ("met", "已完成", 0, 100.0)


def test_a_group_quota_counts_every_age_band(quotas):
    make_response(quotas, group="staff", village=None, age_band="18-44")
    make_response(quotas, group="staff", village=None, age_band="45+")
    assert cell(survey_progress(quotas), "staff||").received == 2


def test_excluded_responses_do_not_count_towards_the_target(quotas):
    make_response(quotas, village="east")
    make_response(quotas, village="east", excluded=True)
    progress = survey_progress(quotas)
    east = cell(progress, "villager|east|18-44")
    assert (east.received, east.excluded) == (1, 1)
    assert (progress.responses, progress.received, progress.excluded) == (2, 1, 1)


def test_each_cell_counts_its_flagged_responses_excluded_ones_too_as_the_quotas_nest(quotas, client):
    """What staff watch per village × group × age band includes the data-quality flags: a cell
    counts the flagged responses it covers (a village's quota those of its age bands), excluded
    or not; the progress API gives them per cell."""
    from surveys.models import Group, Quota, Village

    Quota.objects.create(
        survey=quotas,
        group=Group.objects.get(survey=quotas, code="villager"),
        village=Village.objects.get(survey=quotas, code="east"),
        target=5,
    )
    straight = [{"code": "straight_lining", "reason": "所答 3 道题全部选择“满意”。"}]
    make_response(quotas, village="east", flags=straight)
    make_response(quotas, village="east", flags=straight, excluded=True)
    make_response(quotas, village="east")
    make_response(quotas, village="west", age_band="45+", flags=straight)
    make_response(quotas, group="staff", village=None, age_band=None)
    progress = survey_progress(quotas)
    assert {c.key: c.flagged for c in progress.cells} == {
        "villager|east|": 2,  # the village's quota: its age bands' flagged responses
        "villager|east|18-44": 2,
        "villager|west|18-44": 0,
        "villager|west|45+": 1,
        "staff||": 0,
    }
    assert progress.flagged == 3
    client.force_login(make_member(quotas, "xiaowang", SurveyMembership.Role.STAFF))
    cells = client.get(f"/api/v1/surveys/{quotas.slug}/progress/").json()["cells"]
    assert {c["key"]: c["flagged"] for c in cells}["villager|east|18-44"] == 2
    assert sum(c["flagged"] for c in cells if c["key"].startswith("villager|west|")) == 1


def test_responses_where_no_quota_is_set_appear_without_a_target(survey):
    make_response(survey, village="west", age_band="45+")
    loose = cell(survey_progress(survey), "villager|west|45+")
    assert (loose.target, loose.received, loose.status) == (None, 1, None)


def test_an_over_quota_cell_does_not_make_up_for_one_behind(quotas):
    for _ in range(4):
        make_response(quotas, village="west")  # 4 of 2
    progress = survey_progress(quotas)
    assert progress.target == 3 + 2 + 4 + 2
    assert progress.received == 4
    assert progress.towards_target == 2
    assert progress.status == "behind"


def test_a_village_quota_and_its_age_bands_ask_for_the_same_responses_once(quotas):
    """西村 wants 6 villagers in all and its age bands 2 and 4 of them: 6, not 12. The
    dashboard said "6 / 17" once every quota was met."""
    villager = Group.objects.get(survey=quotas, code="villager")
    west = Village.objects.get(survey=quotas, code="west")
    Quota.objects.create(survey=quotas, group=villager, village=west, age_band=None, target=6)
    progress = survey_progress(quotas)
    assert progress.target == 3 + 6 + 2
    for _ in range(2):
        make_response(quotas, village="west")
    for _ in range(4):
        make_response(quotas, village="west", age_band="45+")
    progress = survey_progress(quotas)
    assert (progress.received, progress.towards_target) == (6, 6)
    assert cell(progress, "villager|west|").status == "met"
    # One more 18–44 is over both its band and the village: it fills nothing.
    make_response(quotas, village="west")
    assert survey_progress(quotas).towards_target == 6
    # A village quota larger than its bands' sum asks for more than they do.
    Quota.objects.filter(village=west, age_band=None).update(target=9)
    progress = survey_progress(quotas)
    assert (progress.target, progress.towards_target) == (3 + 9 + 2, 7)


def test_the_survey_is_met_when_every_cell_is(survey):
    for _ in range(3):
        make_response(survey, village="east")
    progress = survey_progress(survey)
    assert (progress.status, progress.percent) == ("met", 100.0)


def test_what_is_missing_comes_most_urgent_first(quotas):
    make_response(quotas, village="east")  # 1 of 3: two thirds missing
    make_response(quotas, village="west", age_band="45+")  # 1 of 4: three quarters missing
    for _ in range(2):
        make_response(quotas, village="west")  # 2 of 2: met
    assert [c.key for c in survey_progress(quotas).missing] == [
        "staff||",  # nothing yet
        "villager|west|45+",
        "villager|east|18-44",
    ]


def test_invitations_issued_and_returned(survey):
    east = Invitation.objects.get(survey=survey)
    Invitation.objects.create(
        survey=survey,
        token="west-link",
        group=east.group,
        village=Village.objects.get(survey=survey, code="west"),
    )
    make_response(survey, invitation=east)
    make_response(survey, invitation=east)
    make_response(survey)  # imported, no link
    progress = survey_progress(survey)
    assert (progress.invitations_issued, progress.invitations_returned) == (2, 1)
    assert progress.responses_per_invitation == 1.0
    assert progress.without_invitation == 1
    assert [(row.invitation.token, row.responses) for row in progress.invitations] == [
        ("hill-2024-east", 2),
        ("west-link", 0),
    ]


def test_the_last_response_time_is_the_latest_received(survey):
    make_response(survey, received_at=T0)
    make_response(survey, received_at=T0 + timedelta(hours=2))
    assert survey_progress(survey).last_response_at == T0 + timedelta(hours=2)


def test_responses_per_day_are_counted_on_local_days_with_empty_days_kept(survey):
    # 2024-11-02 23:30 UTC is already 11-03 07:30 in China.
    make_response(survey, received_at=datetime(2024, 11, 1, 2, 0, tzinfo=UTC))
    make_response(survey, received_at=datetime(2024, 11, 2, 23, 30, tzinfo=UTC))
    make_response(survey, received_at=datetime(2024, 11, 3, 1, 0, tzinfo=UTC))
    days = [(d.isoformat(), n) for d, n in survey_progress(survey).per_day]
    assert days == [("2024-11-01", 1), ("2024-11-02", 0), ("2024-11-03", 2)]


def test_a_survey_without_responses_has_an_empty_but_complete_picture(survey):
    progress = survey_progress(survey)
    assert (progress.responses, progress.per_day, progress.last_response_at) == (0, [], None)
    assert [c.key for c in progress.missing] == ["villager|east|18-44"]


# the API


@pytest.fixture
def staff_client(client, survey):
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    return client


def test_the_progress_api_answers_with_totals_cells_invitations_days_and_missing(staff_client, survey):
    make_response(survey, received_at=T0, invitation=Invitation.objects.get(survey=survey))
    data = staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/").json()
    assert data["survey"] == "hill-2024"
    assert data["totals"] == {
        "target": 3,
        "received": 1,
        "towards_target": 1,
        "responses": 1,
        "excluded": 0,
        "flagged": 0,
        "percent": 33.3,
        "status": "behind",
        "status_label": "未完成",
        "synthetic": 0,
    }
    assert data["cells"] == [
        {
            "key": "villager|east|18-44",
            "group": "villager",
            "group_name": "村民群众",
            "village": "east",
            "village_name": "东村",
            "age_band": "18-44",
            "age_band_label": "18–44岁",
            "label": "东村 · 村民群众 · 18–44岁",
            "target": 3,
            "received": 1,
            "excluded": 0,
            "flagged": 0,
            "missing": 2,
            "percent": 33.3,
            "bar_percent": 33.3,
            "status": "behind",
            "status_label": "未完成",
        }
    ]
    assert data["missing"] == data["cells"]
    assert data["invitations"]["issued"] == 1 and data["invitations"]["returned"] == 1
    assert data["invitations"]["rows"][0]["responses"] == 1
    assert data["per_day"] == [{"date": "2024-11-02", "count": 1}]
    assert data["last_response_at"] == "2024-11-02T09:00:00+08:00"


def test_the_progress_api_says_what_kinds_of_flag_there_are_and_where_they_gather(staff_client, survey):
    """What the staff page's data-quality card shows, for its refresh (and for tools): every kind
    present in a fixed order, every place with a flagged response, most flagged first; excluded
    responses count, as in the totals' `flagged`; names in the request's language."""
    straight = [{"code": "straight_lining", "reason": "全部满意"}]
    make_response(survey)
    make_response(survey, flags=straight + [{"code": "speeder", "reason": "快"}])
    make_response(survey, flags=straight, excluded=True)
    make_response(survey, village="west", flags=[{"code": "speeder", "reason": "快"}])
    make_response(survey, village=None, group="staff", age_band=None)
    flags = staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/").json()["flags"]
    assert flags == {
        "flagged": 3,
        "responses": 5,
        "kinds": [
            {"code": "straight_lining", "label": "一律同答", "count": 2},
            {"code": "speeder", "label": "用时过短", "count": 2},
        ],
        "places": [
            {
                "village": "east",
                "village_name": "东村",
                "group": "villager",
                "group_name": "村民群众",
                "flagged": 2,
                "responses": 3,
            },
            {
                "village": "west",
                "village_name": "西村",
                "group": "villager",
                "group_name": "村民群众",
                "flagged": 1,
                "responses": 1,
            },
        ],
    }
    english = staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/?lang=en").json()["flags"]
    assert [k["label"] for k in english["kinds"]] == ["Straight-lining", "Too fast"]
    data = staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/").json()
    assert data["totals"]["flagged"] == data["flags"]["flagged"]  # the card's two counts agree


def test_the_progress_api_is_in_the_openapi_schema(staff_client):
    schema = staff_client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/surveys/{slug}/progress/" in schema["paths"]


# fixed numbers of queries


def _fill(survey, n):
    villages, bands = ["east", "west"], ["18-44", "45+"]
    invitation = Invitation.objects.get(survey=survey)
    for i in range(n):
        make_response(
            survey,
            village=villages[i % 2],
            age_band=bands[(i // 2) % 2],
            received_at=T0 + timedelta(hours=7 * i),
            invitation=invitation if i % 3 else None,
            excluded=i % 5 == 0,
            flags=[{"code": "speeder", "reason": "快"}] if i % 4 == 0 else [],
        )


@pytest.mark.parametrize("size", [1, 40])
def test_the_selector_takes_eleven_queries_whatever_the_size(survey, django_assert_num_queries, size):
    _fill(survey, size)
    with django_assert_num_queries(11):
        survey_progress(survey)


@pytest.mark.parametrize("size", [1, 40])
def test_the_api_takes_the_same_queries_whatever_the_size(
    staff_client, survey, django_assert_num_queries, size
):
    _fill(survey, size)
    url = f"/api/v1/surveys/{survey.slug}/progress/"
    staff_client.get(url)  # the kinds of flag counted once for this state of the data
    # session, user, survey with the user's roles, then the selector's eleven (the synthetic
    # count among them), the flags' kinds from the cache (the data token, the counts: the test
    # settings' cache is in the database)
    with django_assert_num_queries(16):
        assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 40])
def test_the_dashboard_takes_the_same_queries_whatever_the_size(
    staff_client, survey, django_assert_num_queries, size
):
    _fill(survey, size)
    chief = make_user("chief", superuser=True)
    for response in Response.objects.filter(survey=survey)[: size // 4]:
        AuditEntry.objects.create(
            survey=survey, user=chief, action="response_excluded", response=response, reason="重复"
        )
    staff_client.get(f"/staff/{survey.slug}/")  # the kinds of flag counted once for this state
    # session, user, survey with roles, eleven for progress (how many are synthetic, the demo's,
    # among them), review list (its count and its page), the flags' kinds from the cache (two
    # look-ups: the test settings' cache is in the database), how many are left to check, audit
    # log, five for the paper sheets' summary
    with django_assert_num_queries(25):
        assert staff_client.get(f"/staff/{survey.slug}/").status_code == 200


def test_an_administrator_dashboard_takes_the_same_queries_as_staff(
    client, survey, django_assert_num_queries
):
    _fill(survey, 10)
    client.force_login(make_user("chief", superuser=True))
    client.get(f"/staff/{survey.slug}/")  # as the staff's: the kinds of flag counted once
    with django_assert_num_queries(25):
        assert client.get(f"/staff/{survey.slug}/").status_code == 200


def test_a_day_is_the_day_answered_or_the_day_received_when_that_is_unknown(survey):
    paper = make_response(survey, received_at=T0 + timedelta(days=3))
    Response.objects.filter(pk=paper.pk).update(submitted_at=None)  # a paper form typed in later
    make_response(survey, received_at=T0)
    days = survey_progress(survey).per_day
    assert [(d.isoformat(), n) for d, n in days] == [
        ("2024-11-02", 1),
        ("2024-11-03", 0),
        ("2024-11-04", 0),
        ("2024-11-05", 1),
    ]


def test_the_chart_keeps_to_sixty_days_and_counts_the_one_it_leaves_out(survey):
    make_response(survey, received_at=T0 - timedelta(days=400))  # a phone with a wrong clock
    make_response(survey, received_at=T0)
    progress = survey_progress(survey)
    assert progress.per_day == [(T0.date(), 1)]  # not the 59 empty days before it
    assert (progress.per_day_earlier, progress.per_day_later) == (1, 0)


def _imported(survey, submitted_at, received_at):
    """A response answered at submitted_at and imported (or typed in) at received_at."""
    response = make_response(survey, received_at=received_at)
    Response.objects.filter(pk=response.pk).update(submitted_at=submitted_at)


def _closed(survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    return Survey.objects.get(pk=survey.pk)


def test_a_closed_survey_charts_its_busiest_sixty_days_when_the_responses_span_years(survey):
    """Twelve responses answered in December 2020 and imported now, and two answered today: once
    collection is over the chart shows December 2020 (where the responses are), not the last
    sixty days (two of them), and counts the two it leaves out."""
    from django.utils import timezone

    now = timezone.now()
    for n in range(12):
        _imported(survey, datetime(2020, 12, 1 + n, 2, 0, tzinfo=UTC), now)
    make_response(survey, received_at=now)
    make_response(survey, received_at=now)
    progress = survey_progress(_closed(survey))
    days = progress.per_day
    # China's days: 2020-12-01 10:00 … 2020-12-12 10:00, and nothing drawn around them.
    assert [(d.isoformat(), n) for d, n in days] == [(f"2020-12-{n:02}", 1) for n in range(1, 13)]
    assert (progress.per_day_earlier, progress.per_day_later) == (0, 2)


def test_a_survey_still_collecting_charts_its_latest_sixty_days_where_todays_responses_are(survey):
    """The same responses while the survey is open: the staff watching it see today's two, and
    are told of the twelve older ones the chart leaves out."""
    from django.utils import timezone

    now = timezone.now()
    for n in range(12):
        _imported(survey, datetime(2020, 12, 1 + n, 2, 0, tzinfo=UTC), now)
    make_response(survey, received_at=now)
    make_response(survey, received_at=now)
    progress = survey_progress(survey)
    assert progress.per_day == [(timezone.localdate(), 2)]  # not the 59 empty days before
    assert (progress.per_day_earlier, progress.per_day_later) == (12, 0)


def test_the_busiest_days_are_found_in_a_span_of_a_century(survey):
    """A phone whose clock said 1926: the span is counted in blocks of 92 days, then inside the
    busiest one (a query more)."""
    old = make_response(survey, received_at=T0)
    Response.objects.filter(pk=old.pk).update(submitted_at=datetime(1926, 1, 1, tzinfo=UTC))
    for n in range(3):
        make_response(survey, received_at=T0 - timedelta(days=100 + n))
    make_response(survey, received_at=T0)
    progress = survey_progress(_closed(survey))
    assert [n for _, n in progress.per_day] == [1, 1, 1]
    assert (progress.per_day_earlier, progress.per_day_later) == (1, 1)


def test_the_chart_covers_every_day_of_a_shorter_span_and_leaves_nothing_out(survey):
    for n in range(3):
        make_response(survey, received_at=T0 + timedelta(days=20 * n))
    progress = survey_progress(survey)
    assert len(progress.per_day) == 41 and sum(n for _, n in progress.per_day) == 3
    assert (progress.per_day_earlier, progress.per_day_later) == (0, 0)


def test_the_dashboard_says_what_the_chart_leaves_out_and_which_date_each_response_is_on(
    staff_client, survey
):
    from django.utils import timezone

    now = timezone.now()
    for n in range(3):
        _imported(survey, datetime(2020, 12, 1 + n, 2, 0, tzinfo=UTC), now)
    make_response(survey, received_at=now, flags=[{"code": "speeder", "reason": "快"}])
    imported = make_response(survey, received_at=now, flags=[{"code": "speeder", "reason": "快"}])
    Response.objects.filter(pk=imported.pk).update(submitted_at=datetime(2020, 12, 3, 2, 0, tzinfo=UTC))
    _closed(survey)
    page = staff_client.get(f"/staff/{survey.slug}/").content.decode()
    assert '<span id="day-first">2020-' in page
    assert 'id="day-later-note">未画出：另有 <b id="day-later">1</b> 份的日期晚于图中最后一天。' in page
    assert 'id="day-earlier-note" hidden' in page
    # The review list names both times of the imported response, and only one of the other.
    assert (
        '提交 <time datetime="2020-12-03T10:00:00+08:00">2020-12-03 10:00</time></span> · <span>接收 <time'
        in page
    )
    assert page.count("接收 <time") == 1
    data = staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/").json()
    assert (data["per_day_earlier"], data["per_day_later"]) == (0, 1)
    assert data["per_day"][0]["date"].startswith("2020-")


def test_a_phone_clock_in_year_9999_neither_breaks_nor_stretches_the_chart(staff_client, survey):
    """The chart ends today at the latest: the day after 9999-12-31 overflowed (a 500 for every
    staff member, from one anonymous submission)."""
    from django.utils import timezone

    future = make_response(survey, received_at=timezone.now())
    Response.objects.filter(pk=future.pk).update(submitted_at=datetime(9999, 12, 31, 15, 59, tzinfo=UTC))
    make_response(survey, received_at=timezone.now() - timedelta(days=2))
    days = survey_progress(survey).per_day
    assert days[-1][0] == timezone.localdate() and len(days) == 3
    assert staff_client.get(f"/staff/{survey.slug}/").status_code == 200
    assert staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/").status_code == 200


def test_the_dashboard_shows_paper_sheets_once_some_are_printed(staff_client, survey):
    from surveys.models import Invitation
    from surveys.services.paper import paper_sheets_print

    # Before any is printed, staff see only the way to the paper pages (tests/surveys/test_staff_pages.py).
    assert "已打印" not in staff_client.get(f"/staff/{survey.slug}/").content.decode()
    paper_sheets_print(invitation=Invitation.objects.filter(survey=survey).first(), count=3)
    page = staff_client.get(f"/staff/{survey.slug}/").content.decode()
    assert "纸质问卷" in page and "已打印 <b>3</b>" in page


def test_the_dashboard_says_in_red_how_many_responses_are_synthetic(staff_client, survey):
    """The demo's made-up responses are said to be so on the staff page too, as on the evaluator's
    pages and every download; a real survey's page says nothing of the kind."""
    make_response(survey)
    assert 'id="dashboard-synthetic"' not in staff_client.get(f"/staff/{survey.slug}/").content.decode()
    make_response(survey)
    make_response(survey, excluded=True)
    Response.objects.filter(survey=survey).exclude(pk=Response.objects.first().pk).update(
        source=Response.Source.SYNTHETIC
    )

    html = staff_client.get(f"/staff/{survey.slug}/").content.decode()

    assert (
        '<p class="card warn" id="dashboard-synthetic">注意：2 份答卷为合成演示数据，并非真实调查结果。</p>'
        in html
    ), "the excluded one too: the page lists it for review"
    totals = staff_client.get(f"/api/v1/surveys/{survey.slug}/progress/").json()["totals"]
    assert (totals["responses"], totals["synthetic"]) == (3, 2), "a client of the progress JSON is told too"


def test_the_kinds_of_flag_are_read_once_per_state_of_the_data(survey):
    """The staff page polls every 10 seconds: the flags are read again only when a response
    arrives or the survey's data changes (an import, paper entry, a restore), not on each poll
    (the test settings' cache is the database's: its look-ups are queries, not of responses)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys.cache import survey_data_changed
    from surveys.selectors_review import _flag_kinds

    speeder = [{"code": "speeder", "reason": "快"}]
    make_response(survey, flags=speeder)
    make_response(survey, flags=speeder)
    assert _flag_kinds(survey_progress(survey)) == {"speeder": 2}
    progress = survey_progress(survey)
    with CaptureQueriesContext(connection) as queries:
        assert _flag_kinds(progress) == {"speeder": 2}
    assert [q["sql"] for q in queries.captured_queries if "surveys_response" in q["sql"]] == []
    make_response(survey, flags=[{"code": "straight_lining", "reason": "全部满意"}])
    assert _flag_kinds(survey_progress(survey)) == {"speeder": 2, "straight_lining": 1}
    # Flags rewritten with the count unchanged (as an import's own flags would be): its new
    # data token is what makes them read again.
    Response.objects.filter(survey=survey).update(flags=[{"code": "late", "reason": "迟"}])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda f, **kwargs: f())
        survey_data_changed(survey)
    assert _flag_kinds(survey_progress(survey)) == {"late": 3}


# many surveys' totals at once (the lists of surveys)


def _totals(progress) -> dict:
    keys = ("target", "received", "towards_target", "responses", "excluded", "flagged", "percent")
    cells = [(c.key, c.target, c.received, c.excluded, c.flagged, c.status) for c in progress.cells]
    return {
        **{key: getattr(progress, key) for key in keys},
        "status": progress.status,
        "still_needed": progress.still_needed,
        "last_response_at": progress.last_response_at,
        "cells": cells,
        "by_place": (progress.responses_by_place, progress.flagged_by_place),
    }


def test_many_surveys_totals_are_each_surveys_own_in_a_fixed_number_of_queries(
    quotas, django_assert_num_queries
):
    """The lists of surveys read every town's totals at once: the same cells, counts, nesting,
    last response and synthetic count as each survey's own progress, in seven queries for one
    survey or five."""
    from surveys.selectors_progress import progress_totals
    from tests.factories import make_survey

    nested, loose, empty, synthetic = (make_survey(slug) for slug in ("nested", "loose", "empty", "demo"))
    Quota.objects.create(
        survey=nested,
        group=Group.objects.get(survey=nested, code="villager"),
        village=Village.objects.get(survey=nested, code="east"),
        target=5,
    )
    _fill(nested, 12)
    _fill(quotas, 7)
    make_response(quotas, group="staff", village=None, age_band=None, excluded=True)
    make_response(loose, village="west", age_band="45+", flags=[{"code": "speeder", "reason": "快"}])
    make_response(synthetic)
    Response.objects.filter(survey=synthetic).update(source=Response.Source.SYNTHETIC)
    surveys = [quotas, nested, loose, empty, synthetic]
    with django_assert_num_queries(7):
        many = progress_totals(surveys)
    with django_assert_num_queries(7):
        assert set(progress_totals([loose])) == {loose.pk}
    assert progress_totals([]) == {}
    for survey in surveys:
        own = survey_progress(survey)
        assert _totals(many[survey.pk]) == _totals(own), survey.slug
        assert many[survey.pk].invitations == [] and many[survey.pk].per_day == []
    assert _totals(many[nested.pk])["cells"][0][:3] == ("villager|east|", 5, 4)  # 6 from 东村, 2 excluded
    assert [p.synthetic for p in map(many.get, [s.pk for s in surveys])] == [0, 0, 0, 0, 1]
    assert (many[empty.pk].responses, many[empty.pk].last_response_at, many[empty.pk].status) == (
        0,
        None,
        "behind",
    )


def test_a_longer_list_of_surveys_is_read_a_thousand_at_a_time(
    quotas, monkeypatch, django_assert_num_queries
):
    """A national administrator's list of every survey names no more surveys in one statement
    than a database takes parameters for: read SURVEYS_AT_ONCE at a time (here 2), the same totals."""
    from surveys import selectors_progress, selectors_review
    from surveys.selectors_progress import progress_totals
    from surveys.selectors_review import surveys_to_check
    from tests.factories import make_survey

    surveys = [quotas, *(make_survey(f"town{n}") for n in range(4))]
    for n, survey in enumerate(surveys):
        for _ in range(n):
            make_response(survey, flags=[{"code": "speeder", "reason": "快"}])
    whole = progress_totals(surveys)
    to_check = surveys_to_check(surveys)
    monkeypatch.setattr(selectors_progress, "SURVEYS_AT_ONCE", 2)
    monkeypatch.setattr(selectors_review, "SURVEYS_AT_ONCE", 2)
    with django_assert_num_queries(7 * 3):
        parts = progress_totals(surveys)
    assert {pk: _totals(p) for pk, p in parts.items()} == {pk: _totals(p) for pk, p in whole.items()}
    with django_assert_num_queries(3):
        assert surveys_to_check(surveys) == to_check == {s.pk: n for n, s in enumerate(surveys)}
