"""A new administrator builds and edits a questionnaire in the admin, in a real browser."""

import pytest

from surveys.models import AgeBand, Item
from tests.factories import make_survey
from tests.surveys.staff_factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(desk, live_server):
    make_user("chief", superuser=True)
    page = desk.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def test_a_draft_survey_with_the_age_band_45_plus_saves_and_takes_a_60_plus(live_server, page):
    from playwright.sync_api import expect

    survey = make_survey(status="draft")  # its age bands are 18-44 and 45+, as in the fixture's 60+
    page.goto(f"{live_server.url}/admin/surveys/survey/{survey.pk}/change/")
    page.get_by_text("添加另一个 年龄段").click()
    page.locator("#id_ageband_set-2-code").fill("60+")
    page.locator("#id_ageband_set-2-label").fill("60岁及以上")
    page.get_by_role("button", name="保存并继续编辑").click()

    expect(page.locator(".messagelist .success")).to_contain_text("成功修改")
    assert set(AgeBand.objects.filter(survey=survey).values_list("code", flat=True)) == {
        "18-44",
        "45+",
        "60+",
    }


def test_a_new_survey_is_built_from_scratch_items_after_their_dimensions_are_saved(live_server, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/surveys/survey/add/")
    expect(page.locator(".messagelist")).to_contain_text("保存后再添加题目")
    page.get_by_label("调查名称").fill("新村镇2021年度满意度调查")
    page.locator("#id_slug").fill("xincun-2021")
    page.locator("#id_organisation").fill("新村镇人民政府")
    page.get_by_label("年度").fill("2021")
    page.get_by_text("添加另一个 维度").click()
    page.locator("#id_dimension_set-0-code").fill("economy")
    page.locator("#id_dimension_set-0-name").fill("经济发展")
    page.get_by_text("添加另一个 答案选项").click()
    page.locator("#id_option_set-0-code").fill("satisfied")
    page.locator("#id_option_set-0-label").fill("满意")
    page.locator("#id_option_set-0-points").fill("100")
    page.get_by_text("添加另一个 受访群体").click()
    page.locator("#id_group_set-0-code").fill("staff")
    page.locator("#id_group_set-0-name").fill("工作人员")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_contain_text("成功添加")

    page.get_by_text("添加另一个 题目").click()
    page.locator("#id_item_set-0-code").fill("income")
    page.locator("#id_item_set-0-dimension").select_option(label="经济发展")
    page.locator("#id_item_set-0-text").fill("个人收入")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_contain_text("成功修改")
    assert Item.objects.get(survey__slug="xincun-2021").dimension.code == "economy"


def _untick_by_village_and_see_it_refused(page, lang: str, said: str, pointer_said: str, shot):
    """Untick the villagers' 按村抽样 and save: the refusal (`said`) stands above the groups' table
    across the 360 px page's width, and the box points up to it (`pointer_said`)."""
    from playwright.sync_api import expect

    page.locator("#id_group_set-0-by_village").uncheck()
    page.get_by_role("button", name="Save and continue editing" if lang == "en" else "保存并继续编辑").click()
    refusal = page.locator(".inline-group .errorlist.nonform")
    expect(refusal).to_contain_text(said)
    refusal.scroll_into_view_if_needed()
    box = refusal.bounding_box()
    # Read without scrolling sideways, in lines of the page's width (not a narrow cell's).
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["width"] >= 280, box
    pointer = page.locator("#id_group_set-0-by_village").locator("xpath=..").locator(".errorlist")
    expect(pointer).to_have_text(pointer_said)
    page.screenshot(path=str(shot))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_switching_an_answered_groups_sampling_is_refused_in_sight(
    live_server, browser, shots, lang
):
    """360 px: the refusal is shown above the groups' table, where the page's width lets it be
    read, the unticked box points to it, and nothing is stored."""
    from surveys.models import Group
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in
    from tests.surveys.report_helpers import answer

    survey = make_survey()
    answer(survey, 4)
    make_user("chief", superuser=True)
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "chief", f"/admin/surveys/survey/{survey.pk}/change/", lang)
        _untick_by_village_and_see_it_refused(
            page,
            lang,
            "responses: 4" if lang == "en" else "已有 4 份答卷、印过 0 份纸质问卷",
            "Cannot change: see above the table." if lang == "en" else "不能再改，原因见本表上方。",
            shots / f"admin-by-village-refused-{lang}-phone.png",
        )
    assert Group.objects.get(survey=survey, code="villager").by_village is True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_switching_a_groups_sampling_with_links_of_the_old_one_is_refused_in_sight(
    live_server, browser, shots, lang
):
    """360 px, no response yet: the villagers' link and quota made for sampling by village stand
    in the way of unticking 按村抽样. The refusal says how many and what to delete first, across
    the page's width above the groups' table, and the box says it cannot change *yet*."""
    from surveys.models import Group
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    make_user("chief", superuser=True)
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "chief", f"/admin/surveys/survey/{survey.pk}/change/", lang)
        _untick_by_village_and_see_it_refused(
            page,
            lang,
            "links by village (community): 1; quotas by village (community) or age band: 1"
            if lang == "en"
            else "还有 1 个按村（社区）的邀请链接、1 个按村（社区）或年龄段的配额",
            "Cannot change yet: see above the table." if lang == "en" else "暂不能改，原因见本表上方。",
            shots / f"admin-by-village-links-refused-{lang}-phone.png",
        )
    assert Group.objects.get(survey=survey, code="villager").by_village is True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_survey_page_with_its_tables_of_parts_fits_a_1280_px_screen(live_server, page, shots, lang):
    """Django gives each text box of the tables of parts 20em: the demo survey's page was about
    1,400 px wide on a 1,280 px screen, its points and a column of names off to the right. The
    weights' column (权重) of the dimensions, items and groups, and the note above each of those
    tables, fit too."""
    from django.core.management import call_command

    from surveys.models import Survey

    call_command("loaddata", "daligang-2020", verbosity=0)  # English names too: the widest rows
    survey = Survey.objects.get(slug="daligang-2020")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/surveys/survey/{survey.pk}/change/?lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for table in page.locator(".inline-group table").all():
        assert table.bounding_box()["x"] + table.bounding_box()["width"] <= 1280
    assert page.locator("#id_option_set-0-points").is_visible()
    for prefix in ("dimension_set", "item_set", "group_set"):
        weight = page.locator(f"#id_{prefix}-0-weight")
        assert weight.is_visible() and weight.bounding_box()["x"] + weight.bounding_box()["width"] <= 1280
        note = page.locator(f"#{prefix}-weights-note")
        assert note.is_visible() and note.bounding_box()["x"] + note.bounding_box()["width"] <= 1280
    assert page.locator("#id_dimension_set-0-weight").input_value() == "0.25"  # the demo's scheme
    page.locator("#dimension_set-weights-note").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"admin-survey-weights-{lang}-1280.png"), full_page=True)
