"""Double entry of paper questionnaires in a real browser, by keyboard alone.

Two staff members type the same 20 sheets; the second differs on three of them. Exactly 17
count, 3 wait for a supervisor, and resolving them stores the chosen answers once.
"""

import pytest

from surveys.models import AuditEntry, Invitation, PaperEntry, Response, SurveyMembership
from surveys.paper.selectors import paper_summary
from surveys.services.paper import paper_sheets_print
from tests.factories import make_survey
from tests.surveys.staff_factories import PASSWORD, make_member

STAFF = SurveyMembership.Role.STAFF
ITEMS = ["income", "roads", "water"]
OPTIONS = ["satisfied", "basically_satisfied", "dissatisfied", "dont_know"]
AGE_BANDS = ["18-44", "45+"]
SHEETS = 20
DIFFERENT = {3: ("roads", "3"), 10: ("income", "4"), 16: ("water", " ")}  # sheet index: (item, B's key)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, base_url: str, username: str, next_url: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900}).new_page()
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}{next_url}")
    return page


def keys_for(index: int) -> list[str]:
    """The age band, then the three items, as typed: varied, with a blank now and then."""
    age = str(1 + index % 2)
    items = [
        str(1 + index % 4),
        str(1 + (index // 2) % 4),
        "0" if index % 5 == 0 else str(1 + (index + 1) % 4),
    ]
    return [age, *items]


def expected(keys: list[str]) -> tuple[str | None, str]:
    age = AGE_BANDS[int(keys[0]) - 1]
    answers = "".join("-" if k in ("0", " ") else str(int(k) - 1) for k in keys[1:])
    return age, answers


def b_keys(index: int) -> list[str]:
    keys = keys_for(index)
    if index in DIFFERENT:
        item, key = DIFFERENT[index]
        keys[1 + ITEMS.index(item)] = key
        assert keys != keys_for(index)
    return keys


def a_option(index: int, item: str) -> str | None:
    key = keys_for(index)[1 + ITEMS.index(item)]
    return None if key == "0" else OPTIONS[int(key) - 1]


def type_sheets(page, sheets, keys_of, ordinal: str, *, first_number: str, correct_one: bool = False):
    from playwright.sync_api import expect

    number = page.locator("#sheet-number")
    status = page.locator("#status")
    expect(number).to_be_focused()
    for index, sheet in enumerate(sheets):
        if index == 0:
            page.keyboard.type(first_number)
        else:
            expect(number).to_have_value(sheet.number)  # filled in after the previous save
        page.keyboard.press("Enter")
        expect(page.locator("#sheet-ordinal")).to_have_text(ordinal)
        keys = keys_of(index)
        if correct_one and index == 1:
            # A slip corrected: a wrong key for the second item, Backspace, the right key.
            page.keyboard.press(keys[0])
            page.keyboard.press("4" if keys[1] != "4" else "3")
            page.keyboard.press("Backspace")
            keys = keys[1:]
        for key in keys:
            page.keyboard.press("Space" if key == " " else key)
        expect(page.locator("#summary")).to_be_visible()
        page.keyboard.press("Enter")
        expect(status).to_contain_text(sheet.number)


def test_twenty_sheets_typed_twice_by_keyboard_count_seventeen_and_three_wait(live_server, browser, shots):
    from playwright.sync_api import expect

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    sheets = paper_sheets_print(invitation=invitation, count=SHEETS)
    wang, li = make_member(survey, "xiaowang", STAFF), make_member(survey, "xiaoli", STAFF)
    make_member(survey, "zhuren", STAFF)
    enter_url = f"/staff/{survey.slug}/paper/enter/"
    short_first = sheets[0].number.split("-", 1)[1]  # the survey part may be left out

    page = log_in(browser, live_server.url, "xiaowang", enter_url)
    type_sheets(page, sheets, keys_for, "第 1 遍录入", first_number=short_first, correct_one=True)
    assert PaperEntry.objects.filter(user=wang).count() == SHEETS
    assert not Response.objects.exists()

    page = log_in(browser, live_server.url, "xiaoli", enter_url)
    type_sheets(page, sheets, b_keys, "第 2 遍录入（核对）", first_number=str(sheets[0].response_id))
    expect(page.locator("#status")).to_contain_text("已计入")
    page.keyboard.type(sheets[0].number)  # a sheet already counted cannot be typed again
    page.keyboard.press("Enter")
    expect(page.locator("#number-error")).to_contain_text("已录入完成并计入")

    # Exactly 17 count, each once, as paper, entered by both; 3 wait for the supervisor.
    assert Response.objects.count() == SHEETS - len(DIFFERENT)
    for index, sheet in enumerate(sheets):
        if index in DIFFERENT:
            continue
        response = Response.objects.get(pk=sheet.response_id)
        assert (response.age_band.code, response.answers) == expected(keys_for(index))
        assert response.source == "paper"
        assert set(response.entered_by.all()) == {wang, li}
    summary = paper_summary(survey)
    assert (summary["stored"], summary["awaiting_resolution"], summary["pending"]) == (17, 3, 0)

    # What the keyboard cost: Enter on the number, the age band, 3 items, Enter to save = 6 keys
    # (the first sheet also had its number typed, the second a corrected slip).
    strokes = list(
        PaperEntry.objects.filter(user=li).order_by("sheet__number").values_list("keystrokes", flat=True)
    )
    assert strokes[1:] == [6] * (SHEETS - 1)
    assert strokes[0] == len(str(sheets[0].response_id)) + 6
    a_strokes = list(
        PaperEntry.objects.filter(user=wang).order_by("sheet__number").values_list("keystrokes", flat=True)
    )
    assert a_strokes[1] == 8 and a_strokes[2:] == [6] * (SHEETS - 2)

    # The supervisor sees the three side by side and picks the paper's answers.
    boss = log_in(browser, live_server.url, "zhuren", f"/staff/{survey.slug}/paper/discrepancies/")
    cards = boss.locator("section.discrepancy")
    expect(cards).to_have_count(3)
    boss.screenshot(path=str(shots / "paper-discrepancies.png"), full_page=True)
    stale = boss.context.new_page()  # a second tab, left open on the same list
    stale.goto(boss.url)
    chosen = {}
    for index, (item, _key) in DIFFERENT.items():
        sheet = sheets[index]
        card = boss.locator(f"#sheet-{sheet.number}")
        differing = card.locator("tr.differs")
        expect(differing).to_have_count(1)
        expect(differing).to_have_attribute("data-code", item)
        pick = "satisfied" if index == 10 else a_option(index, item)  # on sheet 10 neither typist was right
        assert pick not in (None, a_option(index, item) if index == 10 else None)
        chosen[index] = (item, pick)
        card.locator(f'input[name="item-{item}"][value="{pick}"]').check()
        card.get_by_label("裁定依据").fill("已核对纸质原件")
        card.get_by_role("button", name="按所选答案计入").click()
        expect(boss.locator(".messages")).to_contain_text(f"问卷 {sheet.number} 已按裁定计入")
    expect(boss.locator("#no-discrepancies")).to_be_visible()

    # Resolving stored the chosen answers, once each.
    assert Response.objects.count() == SHEETS
    assert AuditEntry.objects.filter(action="paper_resolved").count() == 3
    for index, (item, pick) in chosen.items():
        response = Response.objects.get(pk=sheets[index].response_id)
        age, answers = expected(keys_for(index))
        position = ITEMS.index(item)
        answers = answers[:position] + str(OPTIONS.index(pick)) + answers[position + 1 :]
        assert (response.age_band.code, response.answers) == (age, answers)

    # A resolution sent again from the stale tab changes nothing.
    card = stale.locator(f"#sheet-{sheets[16].number}")
    card.locator('input[name="item-water"][value="satisfied"]').check()
    card.get_by_label("裁定依据").fill("再提交一次")
    card.get_by_role("button", name="按所选答案计入").click()
    expect(stale.locator(".messages")).to_contain_text(
        f"您已裁定过问卷 {sheets[16].number}，它已按您的裁定计入"
    )
    assert Response.objects.count() == SHEETS
    assert AuditEntry.objects.filter(action="paper_resolved").count() == 3


def test_the_entry_page_looks_like_this_mid_sheet(live_server, browser, shots):
    from playwright.sync_api import expect

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    sheets = paper_sheets_print(invitation=invitation, count=2)
    make_member(survey, "xiaowang", STAFF)
    page = log_in(browser, live_server.url, "xiaowang", f"/staff/{survey.slug}/paper/enter/")
    page.keyboard.type(sheets[0].number)
    page.keyboard.press("Enter")
    expect(page.locator("#sheet-ordinal")).to_have_text("第 1 遍录入")
    for key in ["1", "2", "1"]:
        page.keyboard.press(key)
    expect(page.locator("tr.step.current")).to_have_attribute("data-code", "water")
    page.keyboard.press("Backspace")
    expect(page.locator("tr.step.current")).to_have_attribute("data-code", "roads")
    page.screenshot(path=str(shots / "paper-entry.png"), full_page=True)
    page.keyboard.press("Escape")
    expect(page.locator("#sheet-number")).to_be_focused()
    assert not PaperEntry.objects.exists()


def test_on_the_english_page_a_mistyped_number_is_explained_in_english(live_server, browser, shots):
    from playwright.sync_api import expect

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    sheet = paper_sheets_print(invitation=invitation, count=1)[0]
    make_member(survey, "xiaowang", STAFF)
    page = log_in(browser, live_server.url, "xiaowang", f"/staff/{survey.slug}/paper/enter/")
    page.goto(f"{live_server.url}/staff/{survey.slug}/paper/enter/?lang=en")
    prefix, sequence = sheet.number[:-1], sheet.number[-1]
    wrong = f"{prefix}{(int(sequence) + 1) % 10}"  # the check digit off by one
    page.keyboard.type(wrong)
    page.keyboard.press("Enter")
    expect(page.locator("#number-error")).to_have_text(
        f"The check digit of number {wrong} is wrong; please check the number on the paper."
    )
    # A screen reader hears the field is wrong, and why (aria-describedby names #number-error).
    expect(page.locator("#sheet-number")).to_have_attribute("aria-invalid", "true")
    page.keyboard.type(sheet.number)
    page.keyboard.press("Enter")
    expect(page.locator("#sheet-ordinal")).to_have_text("First entry")
    expect(page.locator("#sheet-number")).not_to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(shots / "paper-entry-en-error.png"), full_page=True)
    assert not PaperEntry.objects.exists()


def test_on_a_touch_phone_a_sheet_is_tapped_in_and_saved_without_a_keyboard(live_server, browser):
    """The scan button is for phones, and a phone has no Enter, Backspace or Esc once its
    on-screen keyboard has closed: the summary offers them as buttons."""
    from playwright.sync_api import expect

    from tests.browser.conftest import PHONE

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    sheets = paper_sheets_print(invitation=invitation, count=2)
    make_member(survey, "xiaowang", STAFF)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/staff/{survey.slug}/paper/enter/")
        page.get_by_label("用户名").fill("xiaowang")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").tap()
        page.get_by_label("问卷编号").fill(sheets[0].number)
        page.get_by_role("button", name="开始录入（Enter）").tap()
        expect(page.locator("#sheet-ordinal")).to_have_text("第 1 遍录入")
        heights = page.eval_on_selector_all(
            ".choice", "cells => cells.map(c => c.getBoundingClientRect().height)"
        )
        assert len(heights) == 3 + 3 * 5 and min(heights) >= 44  # a finger's size, blank included
        for code, choice in [("age_band", "0"), ("income", "0"), ("roads", "1"), ("water", "blank")]:
            page.locator(f'tr.step[data-code="{code}"] .choice[data-index="{choice}"]').tap()
        page.get_by_role("button", name="返回修改").tap()
        expect(page.locator("tr.step.current")).to_have_attribute("data-code", "water")
        page.locator('tr.step[data-code="water"] .choice[data-index="2"]').tap()
        page.get_by_role("button", name="保存").tap()
        expect(page.locator("#status")).to_contain_text(sheets[0].number)
        entry = PaperEntry.objects.get()
        assert (entry.age_band.code, entry.answers) == ("18-44", "012")

        page.get_by_role("button", name="开始录入（Enter）").tap()  # the next number is filled in
        expect(page.locator("#sheet-ordinal")).to_have_text("第 1 遍录入")
        page.locator('tr.step[data-code="age_band"] .choice[data-index="1"]').tap()
        page.get_by_role("button", name="放弃这张").tap()
        expect(page.locator("#status")).to_contain_text("已放弃")
        assert PaperEntry.objects.count() == 1
    finally:
        context.close()


def test_a_sheet_can_be_entered_with_tab_and_space_and_each_question_is_announced(live_server, browser):
    """For a screen reader, whose browse mode takes the number keys for itself: each answer is a
    button in a group named by its question, pressed or not; Tab and space pick one (not 空白, the
    space key's meaning elsewhere), and a live region says the question now due."""
    from playwright.sync_api import expect

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    (sheet,) = paper_sheets_print(invitation=invitation, count=1)
    make_member(survey, "xiaowang", STAFF)
    page = log_in(browser, live_server.url, "xiaowang", f"/staff/{survey.slug}/paper/enter/")
    try:
        page.get_by_label("问卷编号").fill(sheet.number)
        page.keyboard.press("Enter")
        expect(page.locator("#sheet-ordinal")).to_have_text("第 1 遍录入")
        age = page.get_by_role("group", name="年龄段")
        expect(age.get_by_role("button")).to_have_count(3)
        expect(page.locator("#step-now")).to_have_text("年龄段")
        second = age.get_by_role("button", name="2 45岁及以上")
        second.focus()
        page.keyboard.press(" ")
        expect(second).to_have_attribute("aria-pressed", "true")
        expect(age.get_by_role("button", name="0 空白")).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#step-now")).to_have_text("1. 收入")
        income = page.get_by_role("group", name="1. 收入")
        income.get_by_role("button", name="1 满意").focus()
        page.keyboard.press("Enter")
        expect(income.get_by_role("button", name="1 满意")).to_have_attribute("aria-pressed", "true")
        # A clerk who clicks an answer and types on: the keys keep their meaning (space = 空白).
        page.get_by_role("group", name="2. 道路").get_by_role("button", name="2 基本满意").click()
        page.keyboard.press(" ")
        expect(page.locator("#step-now")).to_have_text("请对照纸质问卷核对上面的答案。")
        save = page.get_by_role("button", name="保存")
        save.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_contain_text(sheet.number)
        entry = PaperEntry.objects.get()
        assert (entry.age_band.code, entry.answers) == ("45+", "01-")
    finally:
        page.context.close()


SHEET_NUMBER_LINES = """() => Array.from(document.querySelectorAll('main .sheet-number'))
    .map(e => [e.textContent, e.getClientRects().length])"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_360_px_phone_sheet_numbers_stay_whole_and_the_two_entries_fit(live_server, browser, lang):
    """The typist's view of a sheet with discrepancies: its number on one line in the heading and
    in the note, and the two entries side by side without scrolling (the resolver's choices, a
    fourth column, scroll inside the table's box: see test_staff_dashboard)."""
    from tests.browser.test_staff_dashboard import _a_paper_survey, phone_at
    from tests.browser.test_staff_dashboard import log_in as log_in_at

    survey = _a_paper_survey()
    context = browser.new_context(**phone_at(360))
    page = context.new_page()
    try:
        url = f"/staff/{survey.slug}/paper/discrepancies/"
        log_in_at(page, live_server.url, "xiaowang", url, lang)
        number = page.locator("section.discrepancy h2 .sheet-number").inner_text()
        assert page.evaluate(SHEET_NUMBER_LINES) == [[number, 1], [number, 1]]  # the heading and the note
        box = page.locator("section.discrepancy .scroll").first
        assert box.evaluate("b => b.scrollWidth - b.clientWidth") <= 0
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1100])
def test_the_print_button_stands_apart_from_the_count_field(live_server, browser, width):
    from tests.browser.test_staff_dashboard import log_in as log_in_at
    from tests.browser.test_staff_dashboard import phone_at

    survey = make_survey()
    make_member(survey, "xiaowang", STAFF)
    context = browser.new_context(**phone_at(width))
    page = context.new_page()
    try:
        log_in_at(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/paper/", "zh")
        field = page.locator("form.print #count").bounding_box()
        button = page.get_by_role("button", name="编号并下载 PDF").bounding_box()
        assert button["y"] - (field["y"] + field["height"]) >= 12, (field, button)
        assert button["height"] >= 44
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_entry_pages_own_messages_keep_sheet_numbers_whole_on_a_360_px_phone(live_server, browser, lang):
    """What the entry page's script writes (the sheet's heading, the saved message, a number's
    problem) names sheet numbers in a span.sheet-number too, as the server's pages do; and the
    English counts stand after a label ("Sheets entered this session: 1", not "1 sheets")."""
    from playwright.sync_api import expect

    from tests.browser.test_staff_dashboard import log_in as log_in_at
    from tests.browser.test_staff_dashboard import phone_at

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    sheets = paper_sheets_print(invitation=invitation, count=2)
    make_member(survey, "xiaowang", STAFF)
    context = browser.new_context(**phone_at(360))
    page = context.new_page()
    try:
        log_in_at(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/paper/enter/", lang)
        page.locator("#sheet-number").fill(sheets[0].number)
        page.keyboard.press("Enter")
        expect(page.locator("#sheet-title .sheet-number")).to_have_text(sheets[0].number)
        for key in ["1", "1", "2", "3"]:
            page.keyboard.press(key)
        expect(page.locator("#summary")).to_be_visible()
        page.keyboard.press("Enter")
        expect(page.locator("#status .sheet-number").first).to_have_text(sheets[0].number)
        shown = [
            lines for _text, lines in page.evaluate(SHEET_NUMBER_LINES) if lines
        ]  # the heading is hidden now
        assert shown and set(shown) == {1}, shown
        assert sheets[0].number in page.locator("#status").inner_text()  # the text itself unchanged
        counts = page.locator("#done-count").locator("..").inner_text()
        if lang == "en":
            assert "Sheets entered this session: 1" in counts and "sheets" not in counts.replace("Sheets", "")
        else:
            assert "本次已录入 1 张" in counts
        wrong = sheets[1].number[:-1] + str((int(sheets[1].number[-1]) + 1) % 10)  # a wrong check digit
        page.locator("#sheet-number").fill(wrong)
        page.keyboard.press("Enter")
        expect(page.locator("#number-error .sheet-number")).to_have_text(wrong)
    finally:
        context.close()


def test_a_differing_rows_pink_lets_the_scroll_boxs_edge_shadow_show_on_a_phone(live_server, browser):
    """The resolver's four columns scroll in their box on a 360 px phone, and a shadow at the
    box's right edge says so; the differing row's pink covered that shadow, so the one row that
    matters looked as if nothing were beyond it. Its pixels darken towards the edge."""
    import io

    from PIL import Image

    from tests.browser.test_staff_dashboard import _a_paper_survey, phone_at
    from tests.browser.test_staff_dashboard import log_in as log_in_at

    survey = _a_paper_survey()
    context = browser.new_context(**phone_at(360))
    page = context.new_page()
    try:
        log_in_at(page, live_server.url, "zhuren", f"/staff/{survey.slug}/paper/discrepancies/", "zh")
        box = page.locator("section.discrepancy .scroll").first
        assert box.evaluate("b => b.scrollWidth - b.clientWidth") > 0  # it does scroll
        row = box.locator("tr.differs").first
        shot = Image.open(io.BytesIO(box.screenshot())).convert("L")
        top = row.bounding_box()["y"] - box.bounding_box()["y"]
        y = round(top + 4)  # the row's top padding: no text, no radio button
        edge, inside = shot.getpixel((shot.width - 2, y)), shot.getpixel((shot.width - 30, y))
        assert edge < inside - 10, (edge, inside)
    finally:
        context.close()


def test_the_comment_on_the_paper_is_typed_after_the_answers_and_compared_leniently(
    live_server, browser, shots
):
    """After the last answer the cursor is in the comment (意见建议): what the paper says is typed
    there and Enter saves, so a sheet without one costs no extra key. The second typist's comment
    differs only in spaces and a comma's width on one sheet (stored), in its words on the other
    (sent to the supervisor, who takes the paper's)."""
    from playwright.sync_api import expect

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    sheets = paper_sheets_print(invitation=invitation, count=3)
    wang, li = make_member(survey, "xiaowang", STAFF), make_member(survey, "xiaoli", STAFF)
    make_member(survey, "zhuren", STAFF)
    enter_url = f"/staff/{survey.slug}/paper/enter/"
    typed = {
        wang: ["路灯坏了，希望修好。", "", "希望多修路"],
        li: ["路灯坏了, 希望修好。", "", "希望多修桥"],
    }

    for user in (wang, li):
        page = log_in(browser, live_server.url, user.username, enter_url)
        comment = page.locator("#comment")
        for index, sheet in enumerate(sheets):
            page.locator("#sheet-number").fill(sheet.number)
            page.keyboard.press("Enter")
            expect(page.locator("#sheet-title .sheet-number")).to_have_text(sheet.number)
            for key in ["1", "1", "2", "3"]:
                page.keyboard.press(key)
            expect(comment).to_be_focused()
            if index == 0 and user == wang:
                # An Enter that picks a word in a Chinese input method is the input method's, not
                # a save; Backspace on the empty comment goes back to the last answer, as before.
                comment.dispatch_event("keydown", {"key": "Enter", "isComposing": True, "bubbles": True})
                page.keyboard.press("Backspace")
                expect(page.locator("tr.step.current")).to_have_attribute("data-code", "water")
                page.keyboard.press("3")
                expect(comment).to_be_focused()
            if typed[user][index]:
                page.keyboard.type(typed[user][index])
                page.keyboard.press("Shift+Enter")  # a new line, not a save
                expect(page.locator("#summary")).to_be_visible()
                if index == 0 and user == li:
                    page.screenshot(path=str(shots / "paper-entry-comment.png"), full_page=True)
            page.keyboard.press("Enter")
            expect(page.locator("#status .sheet-number").first).to_have_text(sheet.number)
            expect(comment).to_have_value("")  # the next sheet starts without one
        page.context.close()

    entries = {
        (e.user_id, e.sheet_id): e
        for e in PaperEntry.objects.filter(sheet__in=sheets).select_related("sheet")
    }
    assert [entries[(wang.pk, s.pk)].comment for s in sheets] == typed[wang]  # the new line trimmed
    # Keys of the key model only: Enter on the number, the age band, 3 answers, Enter to save.
    assert [entries[(li.pk, s.pk)].keystrokes for s in sheets] == [6, 6, 6]
    assert Response.objects.get(pk=sheets[0].response_id).comment == "路灯坏了, 希望修好。"
    assert Response.objects.get(pk=sheets[1].response_id).comment == ""
    assert not Response.objects.filter(pk=sheets[2].response_id).exists()

    boss = log_in(browser, live_server.url, "zhuren", f"/staff/{survey.slug}/paper/discrepancies/")
    card = boss.locator(f"#sheet-{sheets[2].number}")
    row = card.locator('tr.differs[data-code="comment"]')
    expect(row.locator("td.a")).to_have_text("希望多修路")
    expect(row.locator("td.b")).to_have_text("希望多修桥")
    card.get_by_label("裁定依据").fill("已核对纸质原件")
    card.get_by_role("button", name="按所选答案计入").click()  # no comment chosen: the browser asks
    assert not Response.objects.filter(pk=sheets[2].response_id).exists()
    card.get_by_label("按原件另录：").check()
    card.get_by_label("按原件另录的意见建议").fill("希望多修路和桥")
    card.get_by_role("button", name="按所选答案计入").click()
    expect(boss.locator(".messages")).to_contain_text(f"问卷 {sheets[2].number} 已按裁定计入")
    assert Response.objects.get(pk=sheets[2].response_id).comment == "希望多修路和桥"
    boss.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [390, 320])
def test_on_a_phone_the_comment_is_tapped_into_and_fits(live_server, browser, shots, lang, width):
    """Answers tapped in do not open the on-screen keyboard for the comment (most sheets have
    none); a tap on the field does, and the field and the resolver's comment row stay within
    the screen."""
    from playwright.sync_api import expect

    from tests.browser.test_staff_dashboard import log_in as log_in_at
    from tests.browser.test_staff_dashboard import phone_at

    survey = make_survey()
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    (sheet,) = paper_sheets_print(invitation=invitation, count=1)
    make_member(survey, "xiaowang", STAFF)
    make_member(survey, "xiaoli", STAFF)
    make_member(survey, "zhuren", STAFF)
    long_comment = "村里的路灯坏了好几个月，晚上出门很不方便，希望镇里尽快安排人来修好。" * 2
    for username, comment in [("xiaowang", long_comment), ("xiaoli", "村里的路灯坏了")]:
        context = browser.new_context(**phone_at(width))
        page = context.new_page()
        log_in_at(page, live_server.url, username, f"/staff/{survey.slug}/paper/enter/", lang)
        page.locator("#sheet-number").fill(sheet.number)
        page.locator("#number-form button[type=submit]").tap()
        expect(page.locator("#sheet-title .sheet-number")).to_have_text(sheet.number)
        for code, choice in [("age_band", "0"), ("income", "0"), ("roads", "1"), ("water", "2")]:
            page.locator(f'tr.step[data-code="{code}"] .choice[data-index="{choice}"]').tap()
        field = page.locator("#comment")
        expect(field).to_be_visible()
        expect(field).not_to_be_focused()
        field.tap()
        field.fill(comment)
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        if username == "xiaowang":
            page.screenshot(path=str(shots / f"paper-entry-comment-{lang}-{width}.png"), full_page=True)
        page.locator("#save-sheet").tap()
        expect(page.locator("#status .sheet-number").first).to_have_text(sheet.number)
        context.close()
    assert [e.comment for e in PaperEntry.objects.order_by("entered_at")] == [long_comment, "村里的路灯坏了"]

    context = browser.new_context(**phone_at(width))
    page = context.new_page()
    log_in_at(page, live_server.url, "zhuren", f"/staff/{survey.slug}/paper/discrepancies/", lang)
    row = page.locator('tr.differs[data-code="comment"]')
    expect(row).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"paper-discrepancy-comment-{lang}-{width}.png"), full_page=True)
    # The resolver's column scrolls into the box, with room to type the paper's comment in.
    page.locator("section.discrepancy .scroll").evaluate("b => b.scrollLeft = b.scrollWidth")
    other = row.locator("textarea.comment-other").bounding_box()
    assert other["width"] >= 150 and other["x"] + other["width"] <= width, other
    page.screenshot(path=str(shots / f"paper-discrepancy-comment-{lang}-{width}-right.png"), full_page=True)
    context.close()


def test_beyond_nine_options_every_answer_is_two_digits_as_printed_under_the_headings(live_server, browser):
    """A 0–10 scale and 不了解 (twelve options) showed keys 10, 11 and 12 that the page could not
    take: typing 1 then 0 chose 10分 and left the next question blank. Two digits each now,
    00 for a blank; a first digit can be taken back; a key naming no option is said, not taken."""
    from playwright.sync_api import expect

    from surveys.models import Option
    from surveys.services.paper import entry_answers

    survey = make_survey()
    Option.objects.filter(survey=survey).delete()
    labels = [f"{k}分" for k in range(10, -1, -1)] + ["不了解"]
    for order, label in enumerate(labels, start=1):
        Option.objects.create(survey=survey, code=f"o{order}", label=label, points=None, order=order)
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    make_member(survey, "xiaowang", STAFF)
    page = log_in(browser, live_server.url, "xiaowang", f"/staff/{survey.slug}/paper/enter/")
    page.keyboard.type(sheet.number)
    page.keyboard.press("Enter")
    expect(page.locator("#sheet-ordinal")).to_have_text("第 1 遍录入")
    keys = page.locator("p.keys kbd").all_inner_texts()
    assert keys[:3] == ["01", "02", "03"] and keys[11:13] == ["12", "00"]
    rows = page.locator("tr.step")
    assert rows.nth(1).locator("kbd").all_inner_texts()[-2:] == ["12", "00"]
    page.keyboard.press("2")  # the age band (two bands: one digit)
    current = page.locator("tr.step.current")
    expect(current).to_have_attribute("data-code", "income")
    page.keyboard.press("1")
    expect(current.locator(".pending")).to_have_text(" 1_")
    page.keyboard.press("0")  # 10: the tenth option, 1分
    expect(current).to_have_attribute("data-code", "roads")
    page.keyboard.press("1")
    page.keyboard.press("3")  # no 13th option: said, and roads still waits
    expect(page.locator("#status")).to_have_text("没有这个选项：13")
    expect(current).to_have_attribute("data-code", "roads")
    page.keyboard.press("1")
    page.keyboard.press("Backspace")  # takes back the first digit, not the last answer
    expect(current).to_have_attribute("data-code", "roads")
    expect(current.locator(".pending")).to_have_text("")
    page.keyboard.press("1")
    page.keyboard.press("2")  # 不了解
    expect(page.locator("#status")).to_have_text("")
    page.keyboard.press("0")
    page.keyboard.press("0")  # blank
    expect(page.locator("#comment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#sheet-number")).to_be_focused()
    entry = PaperEntry.objects.get()
    assert entry.age_band.code == "45+"
    assert entry_answers(entry) == {"income": "o10", "roads": "o12", "water": None}
    # The number and its Enter, the age band, income, roads (2 + 2 + 2), water, the Enter that saves.
    assert entry.keystrokes == len(sheet.number) + 1 + 1 + 2 + 6 + 2 + 1
