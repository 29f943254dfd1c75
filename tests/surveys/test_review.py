"""Review: staff exclude and re-include responses with a reason; nothing is deleted; all is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from surveys.cache import survey_data_token
from surveys.models import AuditEntry, Response, SurveyMembership
from surveys.services.review import response_exclude, response_include
from tests.surveys.staff_factories import make_member, make_response, make_user

pytestmark = pytest.mark.django_db

STRAIGHT = [{"code": "straight_lining", "reason": "所答 5 道题全部选择“满意”。"}]


@pytest.fixture
def staff(survey):
    return make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)


@pytest.fixture
def evaluator(survey):
    return make_member(survey, "pinggu", SurveyMembership.Role.EVALUATOR)


@pytest.fixture
def flagged(survey):
    return make_response(survey, flags=STRAIGHT)


def test_staff_exclude_a_response_with_a_reason(staff, flagged):
    entry = response_exclude(response=flagged, user=staff, reason="同一人重复作答")
    assert Response.objects.get(pk=flagged.pk).excluded
    assert (entry.user, entry.action, entry.response_id, entry.reason) == (
        staff,
        "response_excluded",
        flagged.pk,
        "同一人重复作答",
    )
    assert entry.details == {"flags": ["straight_lining"]}


def test_an_excluded_response_is_kept_with_its_answers_and_flags(staff, flagged):
    response_exclude(response=flagged, user=staff, reason="测试数据")
    kept = Response.objects.get(pk=flagged.pk)
    assert (kept.answers, kept.flags) == (flagged.answers, STRAIGHT)


def test_staff_re_include_an_excluded_response_with_a_reason(staff, flagged):
    response_exclude(response=flagged, user=staff, reason="疑似重复")
    response_include(response=flagged, user=staff, reason="核实后确为两人")
    assert not Response.objects.get(pk=flagged.pk).excluded
    assert list(AuditEntry.objects.order_by("at", "pk").values_list("action", "reason")) == [
        ("response_excluded", "疑似重复"),
        ("response_included", "核实后确为两人"),
    ]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(staff, flagged, reason):
    with pytest.raises(ValidationError) as error:
        response_exclude(response=flagged, user=staff, reason=reason)
    assert "请填写原因。" in error.value.messages
    assert not Response.objects.get(pk=flagged.pk).excluded
    assert not AuditEntry.objects.exists()


def test_excluding_twice_is_refused_and_not_logged_twice(staff, flagged):
    response_exclude(response=flagged, user=staff, reason="重复")
    with pytest.raises(ValidationError):
        response_exclude(response=flagged, user=staff, reason="再剔除一次")
    assert AuditEntry.objects.count() == 1


def test_re_including_a_counted_response_is_refused(staff, flagged):
    with pytest.raises(ValidationError):
        response_include(response=flagged, user=staff, reason="无")
    assert not AuditEntry.objects.exists()


def test_an_evaluator_cannot_exclude_even_through_the_service(evaluator, flagged):
    with pytest.raises(PermissionDenied):
        response_exclude(response=flagged, user=evaluator, reason="看着不对")
    assert not Response.objects.get(pk=flagged.pk).excluded


def test_staff_of_another_survey_cannot_exclude(flagged):
    from tests.factories import make_survey

    outsider = make_member(make_survey("valley-2024"), "waicun", SurveyMembership.Role.STAFF)
    with pytest.raises(PermissionDenied):
        response_exclude(response=flagged, user=outsider, reason="越权")


def test_an_administrator_may_exclude(flagged):
    chief = make_user("chief", superuser=True)
    response_exclude(response=flagged, user=chief, reason="管理员复核")
    assert Response.objects.get(pk=flagged.pk).excluded


def test_excluding_renews_the_survey_data_token_so_cached_scores_are_dropped(
    staff, flagged, django_capture_on_commit_callbacks
):
    before = survey_data_token(flagged.survey)
    with django_capture_on_commit_callbacks(execute=True):
        response_exclude(response=flagged, user=staff, reason="重复")
    assert survey_data_token(flagged.survey) != before


# through the page


def test_staff_exclude_through_the_dashboard_form(client, survey, staff, flagged):
    client.force_login(staff)
    page = client.post(
        f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": "同一设备连续提交"}, follow=True
    )
    assert Response.objects.get(pk=flagged.pk).excluded
    text = page.content.decode()
    assert "已剔除，已记入审计日志" in text
    assert "同一设备连续提交" in text  # in the audit log on the page
    assert f'action="/staff/{survey.slug}/responses/{flagged.pk}/include/"' in text  # and ready to re-include


def test_the_form_without_a_reason_changes_nothing_and_says_why(client, survey, staff, flagged):
    client.force_login(staff)
    page = client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": " "}, follow=True)
    assert not Response.objects.get(pk=flagged.pk).excluded
    assert "请填写原因。" in page.content.decode()


def test_staff_re_include_through_the_dashboard_form(client, survey, staff, flagged):
    response_exclude(response=flagged, user=staff, reason="重复")
    client.force_login(staff)
    client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/include/", {"reason": "电话核实"})
    assert not Response.objects.get(pk=flagged.pk).excluded


def test_the_review_form_accepts_only_post(client, survey, staff, flagged):
    client.force_login(staff)
    assert client.get(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/").status_code == 405


def test_a_response_of_another_survey_cannot_be_reached_through_this_one(client, survey, staff):
    from tests.factories import make_survey

    elsewhere = make_response(make_survey("valley-2024"))
    client.force_login(staff)
    reply = client.post(f"/staff/{survey.slug}/responses/{elsewhere.pk}/exclude/", {"reason": "x"})
    assert reply.status_code == 404
    assert not Response.objects.get(pk=elsewhere.pk).excluded


def test_the_list_to_review_goes_page_by_page_and_a_decision_returns_to_its_page(client, survey, staff):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.selectors_review import LIST_LIMIT

    start = timezone.now() - timedelta(days=1)
    made = [
        make_response(survey, flags=STRAIGHT, received_at=start + timedelta(minutes=i))
        for i in range(LIST_LIMIT + 3)
    ]
    make_response(survey)  # not flagged: never listed
    newest_first = [r.pk for r in reversed(made)]
    client.force_login(staff)

    first = client.get(f"/staff/{survey.slug}/").content.decode()
    assert f"共 {LIST_LIMIT + 3} 份" in first and "第 1 / 2 页" in first
    assert all(f'data-response="{pk}"' in first for pk in newest_first[:LIST_LIMIT])
    assert not any(f'data-response="{pk}"' in first for pk in newest_first[LIST_LIMIT:])
    assert 'href="?review_page=2#review"' in first

    second = client.get(f"/staff/{survey.slug}/?review_page=2").content.decode()
    assert all(f'data-response="{pk}"' in second for pk in newest_first[LIST_LIMIT:])
    assert 'href="?review_page=1#review"' in second and "?review_page=3" not in second
    for wrong, shown in (
        ("99", 2),
        ("-1", 2),
        ("x", 1),
    ):  # out of range: the last page; not a number: the first
        page = client.get(f"/staff/{survey.slug}/?review_page={wrong}").content.decode()
        assert f"第 {shown} / 2 页" in page

    oldest = made[0]
    answer = client.post(
        f"/staff/{survey.slug}/responses/{oldest.pk}/exclude/", {"reason": "重复", "review_page": "2"}
    )
    assert answer["Location"] == f"/staff/{survey.slug}/?review_page=2#review-{oldest.pk}"
    assert Response.objects.get(pk=oldest.pk).excluded


def test_after_publication_the_review_says_a_decision_no_longer_changes_the_published_report(
    client, survey, staff, flagged
):
    client.force_login(staff)
    assert "不会改变已发布的报告" not in client.get(f"/staff/{survey.slug}/").content.decode()
    survey.status = "published"
    survey.save()
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    assert "结果已发布：此后剔除或恢复答卷不会改变已发布的报告和下载文件" in page
    assert f"{flagged.pk}/exclude/" in page


def test_a_refused_or_done_decision_is_told_beside_the_response_it_was_made_on(
    client, survey, staff, flagged
):
    """The page comes back scrolled to the response (on a phone the top of the page is far
    away): its outcome is there, and a refused reason marks the field and explains it."""
    import re

    other = make_response(survey, flags=STRAIGHT)
    client.force_login(staff)
    answer = client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": "   "})
    assert answer["Location"] == f"/staff/{survey.slug}/#review-{flagged.pk}"
    page = client.get(answer["Location"]).content.decode()
    start = page.index(f'id="review-{flagged.pk}"')
    ends = [n for n in (page.find('<li class="', start), page.find('id="audit"', start)) if n > 0]
    item = page[start : min(ends)]
    outcome = f"review-{flagged.pk}-outcome"
    assert re.search(
        rf'<p id="{outcome}"[^>]*role="alert"[^>]*>答卷 {str(flagged.pk)[:8]}：请填写原因。</p>', item
    )
    field = re.search(r"<input name=\"reason\"[^>]*>", item).group(0)
    assert (
        'aria-invalid="true"' in field and f'aria-describedby="review-{flagged.pk}-what {outcome}"' in field
    )
    assert page.count("请填写原因。") == 1  # not also at the top of the page
    other_field = re.search(rf'id="review-{other.pk}".*?(<input name="reason"[^>]*>)', page, re.S).group(1)
    assert "aria-invalid" not in other_field

    answer = client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/exclude/", {"reason": "重复作答"})
    page = client.get(answer["Location"]).content.decode()
    assert re.search(rf'<p id="{outcome}"[^>]*role="status"[^>]*>答卷 {str(flagged.pk)[:8]} 已剔除', page)
    assert "aria-invalid" not in page


def test_each_reason_field_and_button_says_which_response_it_is_for(client, survey, staff, flagged):
    """A screen reader moving from field to field hears 原因 and 剔除 for every response in the
    list: each also has the response's line (its id, place and time) as its description."""
    import re

    other = make_response(survey, flags=STRAIGHT, village="west")
    client.force_login(staff)
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    for response, place in ((flagged, "东村"), (other, "西村")):
        what = f"review-{response.pk}-what"
        line = re.search(rf'<p id="{what}">(.*?)</p>', page, re.S).group(1)
        assert str(response.pk)[:8] in line and place in line
        form = re.search(rf'action="[^"]*/{response.pk}/exclude/".*?</form>', page, re.S).group(0)
        assert re.search(rf'<input name="reason"[^>]*aria-describedby="{what}"', form)
        assert re.search(rf'<button type="submit" aria-describedby="{what}">剔除</button>', form)


@pytest.mark.parametrize(
    ("lang", "exclude", "include", "example"),
    [
        ("zh", "剔除原因（必填）", "恢复计入的原因（必填）", "如："),
        ("en", "Reason for excluding (required)", "Reason for counting it again (required)", "e.g. "),
    ],
)
def test_each_reason_field_has_a_visible_label_naming_the_decision(
    client, survey, staff, flagged, lang, exclude, include, example
):
    """The field's name was only its placeholder (原因（必填）, gone once typing starts) and an
    aria-label: now a <label> above it says whose reason it is (WCAG 3.3.2, 1.3.1); what is left
    in the field is an example."""
    import re

    excluded = make_response(survey, flags=STRAIGHT, excluded=True)
    client.force_login(staff)
    page = client.get(f"/staff/{survey.slug}/?lang={lang}").content.decode()
    for response, label in ((flagged, exclude), (excluded, include)):
        form = re.search(rf'<form[^>]*action="[^"]*/{response.pk}/[a-z]+/".*?</form>', page, re.S).group(0)
        assert f'<label for="reason-{response.pk}">{label}</label>' in form
        field = re.search(r'<input name="reason"[^>]*>', form).group(0)
        assert f'id="reason-{response.pk}"' in field and "aria-label" not in field
        assert re.search(rf'placeholder="{example}[^"]+"', field)


def test_the_outcome_for_a_response_not_in_the_list_is_told_at_the_top(client, survey, staff):
    plain = make_response(survey)  # not flagged: not in the list to review
    client.force_login(staff)
    page = client.post(f"/staff/{survey.slug}/responses/{plain.pk}/exclude/", {"reason": " "}, follow=True)
    assert '<ul class="messages"><li class="msg-error' in page.content.decode()
    assert f"答卷 {str(plain.pk)[:8]}：请填写原因。" in page.content.decode()


# ---------------------------------------------------------------- checked and kept


def test_staff_keep_a_checked_response_which_stays_counted_and_is_logged_once(staff, flagged, survey):
    """27 over-quota answers of a bureau's survey stayed "to review" for good: the list had only
    剔除, so nobody could say which had been looked at."""
    from surveys.selectors_review import responses_for_review, responses_to_check
    from surveys.services.review import response_keep

    other = make_response(survey, flags=STRAIGHT)
    assert responses_to_check(survey) == 2
    token = survey_data_token(survey)
    entry = response_keep(response=flagged, user=staff)
    assert (entry.action, entry.reason, entry.details) == (
        "response_kept",
        "",
        {"flags": ["straight_lining"]},
    )
    assert not Response.objects.get(pk=flagged.pk).excluded
    assert survey_data_token(survey) == token  # the scores do not change
    assert responses_to_check(survey) == 1
    assert {r.pk: r.kept for r in responses_for_review(survey).object_list} == {
        flagged.pk: True,
        other.pk: False,
    }
    with pytest.raises(ValidationError, match="已经核实保留过"):
        response_keep(response=flagged, user=staff, reason="again")
    response_exclude(response=other, user=staff, reason="重复")
    with pytest.raises(ValidationError, match="已经剔除"):
        response_keep(response=other, user=staff)
    assert responses_to_check(survey) == 0
    assert AuditEntry.objects.filter(action="response_kept").count() == 1


def test_an_evaluator_cannot_keep_even_through_the_service(evaluator, flagged):
    from surveys.services.review import response_keep

    with pytest.raises(PermissionDenied):
        response_keep(response=flagged, user=evaluator)
    assert not AuditEntry.objects.exists()


def test_staff_keep_through_the_dashboard_and_the_list_says_what_is_left_to_check(
    client, survey, staff, flagged
):
    other = make_response(survey, flags=STRAIGHT)
    client.force_login(staff)
    before = client.get(f"/staff/{survey.slug}/").content.decode()
    assert "待核实 2 份" in before
    assert before.count('/keep/"') == 2  # a button for each
    page = client.post(f"/staff/{survey.slug}/responses/{flagged.pk}/keep/", follow=True)
    text = page.content.decode()
    assert "已核实保留，已记入审计日志" in text and "待核实 1 份" in text
    assert text.count('/keep/"') == 1 and f"{other.pk}/keep/" in text
    assert "已核实保留" in text and "核实保留" in text  # its state, and the audit log's action
    english = client.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert "1 to check" in english and "Checked, keep" in english and "Checked and kept" in english


def test_staff_work_through_the_responses_still_to_check_alone(client, survey, staff):
    """With many flags, the ones still to check are scattered among the excluded and the kept:
    the list narrows to them; a decision there returns to the list (the response has left it)
    and says its outcome at the list's top; the pages and forms keep the choice."""
    from datetime import timedelta

    from django.utils import timezone

    from surveys.selectors_review import LIST_LIMIT
    from surveys.services.review import response_keep

    start = timezone.now() - timedelta(days=1)
    made = [
        make_response(survey, flags=STRAIGHT, received_at=start + timedelta(minutes=i))
        for i in range(LIST_LIMIT + 6)
    ]
    excluded, kept, to_check = made[:3], made[3:5], made[5:]
    for response in excluded:
        response_exclude(response=response, user=staff, reason="重复")
    for response in kept:
        response_keep(response=response, user=staff, reason="")
    client.force_login(staff)

    everything = client.get(f"/staff/{survey.slug}/").content.decode()
    assert f"共 {LIST_LIMIT + 6} 份" in everything
    assert f'href="?review=to-check#review">只看待核实的 {LIST_LIMIT + 1} 份</a>' in everything

    first = client.get(f"/staff/{survey.slug}/?review=to-check").content.decode()
    assert f"待核实 {LIST_LIMIT + 1} 份" in first and "第 1 / 2 页" in first
    listed = [r.pk for r in reversed(to_check)]
    assert all(f'data-response="{pk}"' in first for pk in listed[:LIST_LIMIT])
    assert not any(f'data-response="{r.pk}"' in first for r in excluded + kept)
    assert 'href="?review_page=2&amp;review=to-check#review"' in first
    assert '<input type="hidden" name="review" value="to-check">' in first
    assert 'href="?#review">列出全部带标记或已剔除的答卷</a>' in first
    second = client.get(f"/staff/{survey.slug}/?review_page=2&review=to-check").content.decode()
    assert f'data-response="{listed[-1]}"' in second

    oldest = to_check[0]
    answer = client.post(
        f"/staff/{survey.slug}/responses/{oldest.pk}/keep/", {"review_page": "2", "review": "to-check"}
    )
    assert answer["Location"] == f"/staff/{survey.slug}/?review_page=2&review=to-check#review"
    back = client.get(answer["Location"]).content.decode()
    review = back[back.index('id="review"') :]
    assert f"答卷 {str(oldest.pk)[:8]} 已核实保留" in review.split('<ul class="review">')[0]
    assert f'data-response="{oldest.pk}"' not in back

    for response in to_check[1:]:
        response_keep(response=response, user=staff, reason="")
    done = client.get(f"/staff/{survey.slug}/?review=to-check").content.decode()
    assert "没有待核实的答卷了。" in done
