"""The staff pages for paper questionnaires, through their real URLs."""

import json

import pytest
from django.urls import reverse

from surveys.models import AuditEntry, Invitation, PaperEntry, PaperSheet, Response, SurveyMembership
from surveys.services.paper import damm_digit, paper_entry_save, paper_sheets_print
from tests.factories import make_survey
from tests.surveys.staff_factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

STAFF = SurveyMembership.Role.STAFF
ANSWERS = {"income": "satisfied", "roads": "basically_satisfied", "water": "dont_know"}


@pytest.fixture
def sheet(survey):
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    return paper_sheets_print(invitation=invitation, count=2)[0]


@pytest.fixture
def wang(survey):
    return make_member(survey, "xiaowang", STAFF)


@pytest.fixture
def li(survey):
    return make_member(survey, "xiaoli", STAFF)


def logged_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def save(client, survey, number, answers=None, age_band="18-44", lang="", **extra):
    return client.post(
        reverse("staff-paper-entry", args=[survey.slug, number]) + (f"?lang={lang}" if lang else ""),
        data=json.dumps({"age_band": age_band, "answers": answers or ANSWERS, "keystrokes": 6, **extra}),
        content_type="application/json",
    )


def test_staff_look_a_sheet_up_by_its_short_number(client, survey, sheet, wang):
    short = sheet.number.split("-", 1)[1]
    reply = logged_in(client, wang).get(reverse("staff-paper-lookup", args=[survey.slug]), {"q": short})
    assert reply.status_code == 200
    assert reply.json() == {
        "number": sheet.number,
        "response_id": str(sheet.response_id),
        "place": "东村 · 村民群众",
        "by_village": True,
        "status": "first",
        "ordinal": 1,
        "message": "第 1 遍录入",
    }


def test_a_mistyped_number_is_explained(client, survey, wang):
    wrong = (int(damm_digit(f"{survey.pk}0001")) + 1) % 10
    reply = logged_in(client, wang).get(
        reverse("staff-paper-lookup", args=[survey.slug]), {"q": f"1-{wrong}"}
    )
    assert reply.status_code == 404
    assert "校验位" in reply.json()["error"]


def test_a_sheet_the_user_already_typed_is_refused_with_the_next_number(client, survey, sheet, wang):
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    reply = logged_in(client, wang).get(
        reverse("staff-paper-lookup", args=[survey.slug]), {"q": str(sheet.response_id)}
    )
    assert reply.status_code == 409
    assert reply.json()["status"] == "entered_by_you"
    assert reply.json()["next_number"] == PaperSheet.objects.order_by("number")[1].number


def test_two_agreeing_entries_through_the_page_store_one_response(client, survey, sheet, wang, li):
    first = save(logged_in(client, wang), survey, sheet.number)
    assert (first.status_code, first.json()["status"], first.json()["ordinal"]) == (201, "pending", 1)
    client.logout()
    second = save(logged_in(client, li), survey, sheet.number)
    assert (second.status_code, second.json()["status"]) == (201, "stored")
    assert "已计入" in second.json()["message"]
    assert Response.objects.get().pk == sheet.response_id


def test_the_same_user_saving_twice_gets_a_clear_409(client, survey, sheet, wang):
    save(logged_in(client, wang), survey, sheet.number)
    again = save(client, survey, sheet.number)
    assert again.status_code == 409
    assert "第二遍必须由另一位工作人员" in again.json()["error"]


def test_unknown_codes_are_a_400(client, survey, sheet, wang):
    reply = save(logged_in(client, wang), survey, sheet.number, {**ANSWERS, "roads": "great"})
    assert reply.status_code == 400
    assert "answers.roads" in reply.json()["errors"]


def test_evaluators_get_403_and_outsiders_404(client, survey, sheet):
    evaluator = make_member(survey, "pinggu", SurveyMembership.Role.EVALUATOR)
    assert (
        logged_in(client, evaluator).get(reverse("staff-paper-enter", args=[survey.slug])).status_code == 403
    )
    client.logout()
    outsider = make_member(make_survey("other-2024"), "wairen", STAFF)
    assert logged_in(client, outsider).get(reverse("staff-paper", args=[survey.slug])).status_code == 404


def test_the_entry_and_home_pages_render(client, survey, sheet, wang):
    logged_in(client, wang)
    enter = client.get(reverse("staff-paper-enter", args=[survey.slug]))
    assert enter.status_code == 200
    assert b'id="paper-config"' in enter.content
    home = client.get(reverse("staff-paper", args=[survey.slug]))
    assert home.status_code == 200
    assert home.context["summary"]["printed"] == 2


def test_printing_from_the_page_numbers_sheets_and_sends_a_pdf(client, survey, wang):
    reply = logged_in(client, wang).post(
        reverse("staff-paper-print", args=[survey.slug]), {"invitation": f"{survey.slug}-east", "count": "2"}
    )
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply.content.startswith(b"%PDF")
    assert PaperSheet.objects.count() == 2


def test_a_supervisor_resolves_a_discrepancy_through_the_form(client, survey, sheet, wang, li):
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    boss = make_member(survey, "zhuren", STAFF)
    logged_in(client, boss)
    page = client.get(reverse("staff-paper-discrepancies", args=[survey.slug]))
    assert page.status_code == 200
    assert page.content.count(b'class="differs"') == 1
    form = {
        "age_band": "18-44",
        "item-income": "satisfied",
        "item-roads": "-",
        "item-water": "dont_know",
        "reason": "核对原件：第2题未勾选",
    }
    reply = client.post(reverse("staff-paper-resolve", args=[survey.slug, sheet.number]), form)
    assert reply.status_code == 302
    assert Response.objects.get().answers == "0-3"
    assert AuditEntry.objects.get().reason == "核对原件：第2题未勾选"


def test_a_resolution_without_a_choice_for_every_item_stores_nothing(client, survey, sheet, wang, li):
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    logged_in(client, make_member(survey, "zhuren", STAFF))
    form = {"age_band": "18-44", "item-income": "satisfied", "item-water": "dont_know", "reason": "核对"}
    client.post(reverse("staff-paper-resolve", args=[survey.slug, sheet.number]), form)
    assert not Response.objects.exists()


def test_the_page_prints_at_most_a_hundred_sheets_at_once(client, survey, wang):
    reply = logged_in(client, wang).post(
        reverse("staff-paper-print", args=[survey.slug]),
        {"invitation": f"{survey.slug}-east", "count": "101"},
    )
    assert reply.status_code == 302
    assert not PaperSheet.objects.exists()


def test_a_nul_character_posted_is_refused_not_a_server_error(client, survey, sheet, wang, li):
    """PostgreSQL cannot compare or store a NUL (a 500); no select or text box sends one."""
    sheets = PaperSheet.objects.count()
    printed = logged_in(client, wang).post(
        reverse("staff-paper-print", args=[survey.slug]),
        {"invitation": f"{survey.slug}-east\x00", "count": "1"},
    )
    assert printed.status_code == 404 and PaperSheet.objects.count() == sheets
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    logged_in(client, make_member(survey, "zhuren", STAFF))
    form = {"age_band": "18-44", "item-income": "satisfied", "item-roads": "-", "item-water": "dont_know"}
    page = client.post(
        reverse("staff-paper-resolve", args=[survey.slug, sheet.number]),
        {**form, "reason": "核\x00对"},
        follow=True,
    )
    assert "裁定依据中有空字符（NUL），无法保存。" in page.content.decode()
    assert not Response.objects.exists() and not AuditEntry.objects.exists()


def test_who_typed_a_sheet_sees_a_note_instead_of_the_resolve_form(client, survey, sheet, wang, li):
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    resolve = reverse("staff-paper-resolve", args=[survey.slug, sheet.number])
    html = (
        logged_in(client, wang).get(reverse("staff-paper-discrepancies", args=[survey.slug])).content.decode()
    )
    assert f'id="sheet-{sheet.number}"' in html and 'class="differs"' in html  # the comparison stays
    assert resolve not in html and 'name="reason"' not in html and 'type="radio"' not in html
    assert f'您录入过问卷 <span class="sheet-number">{sheet.number}</span>，不能裁定它' in html
    client.logout()
    boss = logged_in(client, make_member(survey, "zhuren", STAFF))
    html = boss.get(reverse("staff-paper-discrepancies", args=[survey.slug])).content.decode()
    assert resolve in html and 'name="reason"' in html and "不能裁定它" not in html


def test_an_administrator_who_typed_the_sheet_is_told_who_may_resolve_it(client, survey, sheet, wang):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("guanli", password=PASSWORD)
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=admin, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    logged_in(client, admin)
    page = client.get(reverse("staff-paper-discrepancies", args=[survey.slug])).content.decode()
    assert "不能裁定它" in page and 'name="reason"' not in page
    form = {"age_band": "18-44", "item-income": "satisfied", "item-roads": "-", "item-water": "dont_know"}
    reply = client.post(
        reverse("staff-paper-resolve", args=[survey.slug, sheet.number]),
        {**form, "reason": "核对"},
        follow=True,
    )
    html = reply.content.decode()
    # Not "another staff member or an administrator": they are the administrator, and any other
    # administrator or staff member who typed neither entry may resolve it.
    assert "请由没有录入过这张问卷的工作人员或管理员对照原件裁定" in html
    assert "另一位工作人员或管理员" not in html
    assert not Response.objects.exists()
    english = client.post(
        reverse("staff-paper-resolve", args=[survey.slug, sheet.number]) + "?lang=en",
        {**form, "reason": "checked"},
        follow=True,
    ).content.decode()
    assert "a staff member or administrator who entered neither copy" in english


def test_the_print_form_marks_a_link_switched_off_online(client, survey, wang):
    """Paper for its village still counts (the sheets go round by hand), but staff should know."""
    from surveys.models import Invitation

    Invitation.objects.filter(survey=survey).update(is_active=False)
    page = logged_in(client, wang).get(reverse("staff-paper", args=[survey.slug])).content.decode()
    assert "（在线链接已停用）</option>" in page


def test_one_printed_sheet_is_named_by_its_own_number(client, survey, wang):
    reply = logged_in(client, wang).post(
        reverse("staff-paper-print", args=[survey.slug]), {"invitation": f"{survey.slug}-east", "count": "1"}
    )
    number = PaperSheet.objects.get().number
    assert reply["Content-Disposition"] == f'attachment; filename="{survey.slug}-{number}.pdf"'


def test_a_refused_resolution_is_explained_in_its_sheets_section_and_marks_the_reason(
    client, survey, sheet, wang, li
):
    """The page comes back at the sheet (far down on a phone): the problem is said there, not
    only at the top, and a missing reason marks its field and describes it."""
    import re

    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    logged_in(client, make_member(survey, "zhuren", STAFF))
    form = {"age_band": "18-44", "item-income": "satisfied", "item-roads": "-", "item-water": "dont_know"}
    reply = client.post(
        reverse("staff-paper-resolve", args=[survey.slug, sheet.number]), {**form, "reason": " "}
    )
    assert reply["Location"].endswith(f"#sheet-{sheet.number}")
    page = client.get(reply["Location"]).content.decode()
    section = page[page.index(f'id="sheet-{sheet.number}"') :]
    problem = f"sheet-{sheet.number}-problem"
    number = f'<span class="sheet-number">{sheet.number}</span>'  # never broken at its hyphens
    assert re.search(rf'<p id="{problem}"[^>]*role="alert"[^>]*>问卷 {number}：请填写裁定依据', section)
    field = re.search(r'<input id="reason-[^>]*>', section).group(0)
    assert 'aria-invalid="true"' in field and f'aria-describedby="{problem}"' in field
    assert page.count("请填写裁定依据") == 1

    without_roads = {**{k: v for k, v in form.items() if k != "item-roads"}, "reason": "核对原件"}
    reply = client.post(reverse("staff-paper-resolve", args=[survey.slug, sheet.number]), without_roads)
    page = client.get(reply["Location"]).content.decode()
    assert re.search(rf'<p id="{problem}"[^>]*role="alert"[^>]*>问卷 {number}：请为每道', page)
    assert "aria-invalid" not in page  # not the reason's fault


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("zh", "问卷 {number} 的不一致已由 老张 裁定并计入，无需再裁定。"),
        (
            "en",
            "The discrepancy of questionnaire {number} has already been resolved by "
            '<span lang="zh-Hans">老张</span> and counted;',  # their name read as Chinese (WCAG 3.1.2)
        ),
    ],
)
def test_a_supervisor_who_resolves_a_sheet_just_resolved_is_told_who_resolved_it(
    client, survey, sheet, wang, li, lang, told
):
    """Two supervisors on the discrepancies page at once: the second was told "已录入完成并计入，
    不能再次录入", which speaks of typing; now of the resolution, at the top of the page (the
    sheet is no longer listed)."""
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers={**ANSWERS, "roads": "dissatisfied"})
    form = {
        "age_band": "18-44",
        "item-income": "satisfied",
        "item-roads": "-",
        "item-water": "dont_know",
        "reason": "核对原件",
    }
    first = make_member(survey, "laozhang", STAFF)
    first.first_name = "老张"
    first.save()
    logged_in(client, first).post(reverse("staff-paper-resolve", args=[survey.slug, sheet.number]), form)
    client.logout()
    logged_in(client, make_member(survey, "zhuren", STAFF))
    reply = client.post(
        reverse("staff-paper-resolve", args=[survey.slug, sheet.number]) + f"?lang={lang}", form, follow=True
    )
    html = reply.content.decode()
    number = f'<span class="sheet-number">{sheet.number}</span>'
    assert f'<ul class="messages"><li class="msg-error" role="status">{told.format(number=number)}' in html
    assert "已录入完成" not in html and "already entered" not in html
    assert Response.objects.count() == 1 and AuditEntry.objects.count() == 1


def test_a_sheet_number_in_a_message_is_kept_whole_and_the_rest_escaped():
    from surveys.templatetags.sheet_numbers import unbroken_sheet_numbers

    assert unbroken_sheet_numbers("问卷 12-0001-4 <b>已计入</b>，答卷 9f3e-0a") == (
        '问卷 <span class="sheet-number">12-0001-4</span> &lt;b&gt;已计入&lt;/b&gt;，答卷 9f3e-0a'
    )


def test_on_an_english_page_the_chinese_in_a_message_is_marked_and_the_numbers_kept_whole():
    """A message names a user ("resolved by 老张"): plain text from the service, marked
    lang="zh-Hans" by the page (WCAG 3.1.2); the sheet number stays in its own span, escaped
    text around it."""
    from django.utils import translation

    from surveys.templatetags.sheet_numbers import unbroken_sheet_numbers

    with translation.override("en"):
        assert unbroken_sheet_numbers("Questionnaire 12-0001-4 <b>resolved</b> by 老张王.") == (
            'Questionnaire <span class="sheet-number">12-0001-4</span> &lt;b&gt;resolved&lt;/b&gt; by '
            '<span lang="zh-Hans">老张王</span>.'
        )
        assert unbroken_sheet_numbers("Questionnaire 12-0001-4 resolved.") == (
            'Questionnaire <span class="sheet-number">12-0001-4</span> resolved.'
        )


def test_on_the_english_discrepancies_page_the_surveys_chinese_names_are_marked_as_chinese(
    client, survey, sheet, wang, li
):
    """The survey has no English names: its items, answer options, age bands, village and group
    (and a typist's name) stay Chinese on the English page, each marked lang="zh-Hans" for a screen reader's Chinese
    voice (WCAG 3.1.2), and nothing else; the Chinese page carries no such mark."""
    import re

    wang.first_name = "小王"  # a typist's Chinese name in the column's heading, too
    wang.save()
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    paper_entry_save(sheet=sheet, user=li, age_band="45+", answers={**ANSWERS, "roads": "dissatisfied"})
    logged_in(client, make_member(survey, "zhuren", STAFF))
    address = reverse("staff-paper-discrepancies", args=[survey.slug])
    english = client.get(address + "?lang=en").content.decode()
    body = english.split("<body", 1)[1]
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', body).group(1)
    assert re.search(rf'<a href="[^"]*" lang="zh-Hans">{survey.title}</a>', crumbs)
    section = body[body.index(f'id="sheet-{sheet.number}"') : body.index("</section>")]
    spans = re.findall(r'<span lang="zh-Hans">([^<]*)</span>', section)
    names = {i.text for i in survey.item_set.all()}
    names |= {o.label for o in survey.option_set.all()} | {a.label for a in survey.ageband_set.all()}
    assert names | {"东村", "村民群众", "小王"} <= set(spans)
    assert not [text for text in spans if re.search("[A-Za-z]", text)]  # no English inside
    legends = re.findall(r'<legend class="visually-hidden">(.*?)</legend>', section)
    assert legends == ["Age band", '<span lang="zh-Hans">道路</span>'], legends  # what differs
    outside = re.sub(r'<span lang="zh-Hans">[^<]*</span>', "", section)
    assert not re.search("[\u4e00-\u9fff]", outside)  # and no Chinese left outside

    chinese = client.get(address + "?lang=zh").content.decode()
    assert 'lang="zh-Hans"' not in chinese.split("<body", 1)[1]


@pytest.mark.parametrize("differing, said", [(1, "1 discrepancy"), (2, "2 discrepancies")])
def test_the_english_discrepancies_page_counts_in_the_singular_for_one(
    client, survey, sheet, wang, li, differing, said
):
    """It said "1 discrepancies"."""
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    other = {**ANSWERS, "roads": "dissatisfied"}
    paper_entry_save(sheet=sheet, user=li, age_band="45+" if differing == 2 else "18-44", answers=other)
    logged_in(client, make_member(survey, "zhuren", STAFF))
    address = reverse("staff-paper-discrepancies", args=[survey.slug])
    assert f"· {said}</span>" in client.get(address + "?lang=en").content.decode()
    assert f"· {differing} 处不一致</span>" in client.get(address + "?lang=zh").content.decode()


# --- the comment written on the sheet (意见建议) ----------------------------------------------------

COMMENT = "村里的路灯坏了，希望尽快修好。"


def test_a_comment_typed_alike_twice_is_stored_with_the_response(client, survey, sheet, wang, li):
    save(logged_in(client, wang), survey, sheet.number, comment=COMMENT)
    client.logout()
    reply = save(logged_in(client, li), survey, sheet.number, comment="村里的路灯坏了,\n希望尽快修好。 ")
    assert reply.json()["status"] == "stored"
    assert Response.objects.get().comment == "村里的路灯坏了,\n希望尽快修好。"


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("zh", "录入内容有误：意见建议最多 2000 字。"),
        ("en", "The entry has errors: Comments can be at most 2000 characters."),
    ],
)
def test_a_comment_too_long_is_refused_with_a_message_naming_it(client, survey, sheet, wang, lang, told):
    reply = save(logged_in(client, wang), survey, sheet.number, lang=lang, comment="路" * 2001)
    assert reply.status_code == 400
    assert reply.json()["error"] == told
    assert list(reply.json()["errors"]) == ["comment"]
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize("comment", [42, ["路灯"], "路灯\x00坏了"])
def test_a_comment_that_no_text_field_sends_is_a_400(client, survey, sheet, wang, comment):
    reply = save(logged_in(client, wang), survey, sheet.number, comment=comment)
    assert reply.status_code == 400
    assert not PaperEntry.objects.exists()


@pytest.fixture
def comments_differ(survey, sheet, wang, li):
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS, comment=COMMENT)
    paper_entry_save(sheet=sheet, user=li, age_band="18-44", answers=ANSWERS, comment="村里路灯坏了")
    return sheet


def resolve_form(**fields):
    return {
        "age_band": "18-44",
        "item-income": "satisfied",
        "item-roads": "basically_satisfied",
        "item-water": "dont_know",
        "reason": "核对原件",
        **fields,
    }


def test_differing_comments_are_shown_side_by_side_for_the_supervisor(client, survey, comments_differ):
    import re

    logged_in(client, make_member(survey, "zhuren", STAFF))
    html = client.get(reverse("staff-paper-discrepancies", args=[survey.slug])).content.decode()
    row = re.search(r'<tr class="differs" data-code="comment">.*?</tr>', html, re.S).group(0)
    assert f'<div class="comment-text">{COMMENT}</div>' in row
    assert '<div class="comment-text">村里路灯坏了</div>' in row
    assert re.findall(r'name="comment_choice" value="(\w+)"', row) == ["a", "b", "other"]
    assert 'name="comment_other"' in row and 'maxlength="2000"' in row
    assert html.count('class="differs"') == 1  # the answers agree: only the comment differs
    english = client.get(
        reverse("staff-paper-discrepancies", args=[survey.slug]) + "?lang=en"
    ).content.decode()
    assert "As on the paper:" in english
    assert f'<div class="comment-text" lang="zh-Hans">{COMMENT}</div>' in english


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        ({"comment_choice": "a"}, COMMENT),
        ({"comment_choice": "b"}, "村里路灯坏了"),
        (
            {"comment_choice": "other", "comment_other": " 村里的路灯坏了，希望修好。"},
            "村里的路灯坏了，希望修好。",
        ),
        ({"comment_choice": "other", "comment_other": ""}, ""),
    ],
)
def test_the_supervisor_chooses_or_types_the_papers_comment(client, survey, comments_differ, fields, stored):
    logged_in(client, make_member(survey, "zhuren", STAFF))
    url = reverse("staff-paper-resolve", args=[survey.slug, comments_differ.number])
    assert client.post(url, resolve_form(**fields)).status_code == 302
    assert Response.objects.get().comment == stored
    assert AuditEntry.objects.get().details["chosen"]["comment"] == stored


@pytest.mark.parametrize(
    ("fields", "told"),
    [
        ({}, "两遍录入的意见建议不一致，请对照原件选定或录入意见建议。"),
        ({"comment_choice": "a", "comment_other": "路灯坏了"}, "另录框里写了意见建议，却没有选“按原件另录”"),
        ({"comment_choice": "other", "comment_other": "路" * 2001}, "意见建议最多 2000 字。"),
    ],
)
def test_a_resolution_that_leaves_the_comment_in_doubt_stores_nothing_and_says_why(
    client, survey, comments_differ, fields, told
):
    logged_in(client, make_member(survey, "zhuren", STAFF))
    url = reverse("staff-paper-resolve", args=[survey.slug, comments_differ.number])
    reply = client.post(url, resolve_form(**fields), follow=True)
    html = reply.content.decode()
    section = html[html.index(f'id="sheet-{comments_differ.number}"') :]
    assert told in section and 'aria-invalid="true"' in section
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"answers": {}, "keystrokes": NaN}',
        b'{"answers": {}, "comment": "\xb7\xb5"}',
        "[1]",
    ],
    ids=["nested-too-deeply", "nan", "not-utf8", "not-an-object"],
)
def test_a_body_the_page_never_sends_is_a_400_not_a_server_error(client, survey, sheet, wang, body):
    """The entry page sends JSON of its own making; anything else (JSON nested thousands deep was
    a 500: RecursionError) is the same 400 as any malformed request, and stores nothing."""
    reply = logged_in(client, wang).generic(
        "POST",
        reverse("staff-paper-entry", args=[survey.slug, sheet.number]),
        body,
        content_type="application/json",
    )
    assert (reply.status_code, reply.json()) == (400, {"error": "请求格式不对。"})
    assert not PaperEntry.objects.exists()
